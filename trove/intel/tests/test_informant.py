from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from trove.core.models import AuditEntry
from trove.intel.actions import informant_reveal, tip_assign
from trove.intel.tests.helpers import INFORMANT, INFORMANT_PHONE, IntelTestCase, receive


class InformantTests(IntelTestCase):
    def setUp(self):
        self.tip = receive(self)
        self.url = reverse("intel:tip_informant", args=[self.tip.code])

    def test_a_member_of_the_handling_agency_who_may_see_informants_sees_them_and_each_look_is_audited(self):
        informant = informant_reveal(tip=self.tip, acting_user=self.intake)
        self.assertEqual((informant.name, informant.contact), (INFORMANT, INFORMANT_PHONE))
        self.sign_in(self.intake)
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, INFORMANT)
        self.assertContains(response, INFORMANT_PHONE)
        entries = AuditEntry.objects.filter(action="tip.informant_view", actor=self.intake)
        self.assertEqual(entries.count(), 2)
        self.assertNotIn(INFORMANT, str(list(entries.values_list("changes", "reason"))))

    def test_anyone_else_who_sees_the_tip_is_refused_sees_nothing_and_the_request_is_recorded(self):
        # The supervisor holds tip.view_informant but is not in the handling agency; the observer does not hold it.
        for user in (self.p.supervisor, self.p.readonly):
            with translation.override("en"), self.assertRaises(PermissionDenied) as raised:
                informant_reveal(tip=self.tip, acting_user=user)
            self.assertIn("only members of the agency handling it", str(raised.exception))
            self.sign_in(user)
            response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
            self.assertEqual(response.status_code, 403)
            self.assertContains(response, "is protected", status_code=403)
            self.assertNotContains(response, INFORMANT, status_code=403)
            self.assertNotContains(response, INFORMANT_PHONE, status_code=403)
            # The tip's own page offers no way to it either.
            page = self.client.get(self.tip.get_absolute_url())
            self.assertNotContains(page, self.url)
            self.assertNotContains(page, INFORMANT)
        self.assertEqual(AuditEntry.objects.filter(action="tip.informant_refused").count(), 4)
        self.assertFalse(AuditEntry.objects.filter(action="tip.informant_view").exists())

    def test_those_who_may_not_see_the_tip_get_404(self):
        for user in (self.p.outsider, self.far_intake, self.p.partner, self.p.statistician):
            with self.assertRaises(Http404):
                informant_reveal(tip=self.tip, acting_user=user)
            self.sign_in(user)
            self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_after_assignment_only_the_new_handling_agency_sees_the_informant(self):
        tip_assign(tip=self.tip, acting_user=self.intake, to_agency=self.p.partner_agency)
        with self.assertRaises(Http404):  # the commune no longer sees the tip at all
            informant_reveal(tip=self.tip, acting_user=self.intake)
        self.assertEqual(informant_reveal(tip=self.tip, acting_user=self.p.partner).name, INFORMANT)

    def test_the_page_shows_the_content_only_to_those_who_may_see_identity(self):
        self.sign_in(self.intake)
        response = self.client.get(self.tip.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Zalo: tu-moi-gioi-thu")
        self.assertContains(response, self.url)
        self.assertNotContains(response, INFORMANT)  # never on the tip page itself
        self.sign_in(self.p.readonly)
        response = self.client.get(self.tip.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        self.assertNotContains(response, "Zalo: tu-moi-gioi-thu")
        self.assertContains(response, "your role does not let you read it")
