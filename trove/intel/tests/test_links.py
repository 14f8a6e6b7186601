import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from trove.cases.actions import IntakeData, receive_person
from trove.cases.models import PlaceKind
from trove.intel.actions import tip_link, tip_unlink
from trove.intel.models import TipLink
from trove.intel.tests.helpers import IntelTestCase, open_proceeding, receive
from trove.people.actions import PersonData
from trove.people.registry_actions import suspected_create


def open_case(personas, agency=None, user=None, unit=None):
    return receive_person(
        acting_user=user or personas.owner, agency=agency or personas.owner_agency,
        intake=IntakeData(channel="self_reported", received_at=timezone.now() - datetime.timedelta(hours=5),
                          place_kind=PlaceKind.COMMUNE, place_unit=unit or personas.commune, place_name="UBND xã"),
        person=PersonData(full_name="Phạm Thị Thử", sex="female", birth_date=datetime.date(2004, 2, 2)))


class LinkTests(IntelTestCase):
    def setUp(self):
        self.tip = receive(self)
        self.case = open_case(self.p)

    def test_a_tip_links_to_cases_persons_suspected_victims_and_proceedings_the_user_may_see(self):
        suspected = suspected_create(acting_user=self.intake, agency=self.p.owner_agency,
                                     person=PersonData(full_name="Võ Thị Nghi", sex="female"),
                                     risk_channel="online_recruitment", reported_on=timezone.localdate())
        tip_link(tip=self.tip, acting_user=self.intake, kind="case", target=self.case)
        tip_link(tip=self.tip, acting_user=self.intake, kind="person", target=self.case.person)
        tip_link(tip=self.tip, acting_user=self.intake, kind="suspected", target=suspected)
        self.assertEqual(set(TipLink.objects.values_list("kind", flat=True)), {"case", "person", "suspected"})
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            tip_link(tip=self.tip, acting_user=self.intake, kind="case", target=self.case)
        self.assertIn("already linked", raised.exception.messages[0])
        # The police's proceeding is not open to the commune's intake officer.
        proceeding = open_proceeding(self)
        with self.assertRaises(ValidationError):
            tip_link(tip=self.tip, acting_user=self.intake, kind="proceeding", target=proceeding)
        # A supervisor of the province sees both, and may link them.
        tip_link(tip=self.tip, acting_user=self.p.supervisor, kind="proceeding", target=proceeding)
        self.assertEqual(TipLink.objects.count(), 4)

    def test_a_record_the_user_may_not_see_cannot_be_linked_and_is_not_named_on_the_page(self):
        far_case = open_case(self.p, agency=self.p.other_agency, user=self.p.outsider,
                             unit=self.p.other_province)
        with self.assertRaises(ValidationError):
            tip_link(tip=self.tip, acting_user=self.intake, kind="case", target=far_case)
        with self.assertRaises(ValidationError):
            tip_link(tip=self.tip, acting_user=self.intake, kind="person", target=far_case.person)
        with self.assertRaises(ValidationError):  # a target of another kind than the one named
            tip_link(tip=self.tip, acting_user=self.intake, kind="suspected", target=self.case)
        self.assertFalse(TipLink.objects.exists())
        proceeding = open_proceeding(self)
        tip_link(tip=self.tip, acting_user=self.p.supervisor, kind="proceeding", target=proceeding)
        self.sign_in(self.intake)
        response = self.client.get(self.tip.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "a record you may not see")
        self.assertNotContains(response, proceeding.code)

    def test_links_through_the_page_and_removal(self):
        self.sign_in(self.intake)
        url = reverse("intel:tip_link", args=[self.tip.code])
        response = self.client.post(url, {"kind": "case", "reference": self.case.code.lower()},
                                    HTTP_ACCEPT_LANGUAGE="en", follow=True)
        self.assertContains(response, "The link is recorded")
        self.assertContains(response, self.case.get_absolute_url())
        response = self.client.post(url, {"kind": "missing", "reference": "999999"}, HTTP_ACCEPT_LANGUAGE="en",
                                    follow=True)
        self.assertContains(response, "No missing person with this reference is open to you")
        link = TipLink.objects.get()
        with self.assertRaises(PermissionDenied):
            tip_unlink(link=link, acting_user=self.p.readonly)
        self.client.post(reverse("intel:tip_unlink", args=[self.tip.code, link.pk]))
        self.assertFalse(TipLink.objects.exists())
