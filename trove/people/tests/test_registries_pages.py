"""The registry pages: lists, the new-entry form, entry pages, status changes and "open a case", persona by persona."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from trove.cases.models import Case
from trove.core import actions as core_actions
from trove.core.models import AuditEntry
from trove.core.testing import PersonaTestCase
from trove.people.models import MissingPerson, MissingStatus, Person, SuspectedStatus, SuspectedVictim
from trove.people.tests.test_registries import add_missing, add_suspected


class RegistryPageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.suspected = add_suspected(cls.p.owner, cls.p.owner_agency, "Giàng Thị Mỷ")
        cls.missing = add_missing(cls.p.owner, cls.p.owner_agency, "Sùng Văn Páo")
        cls.far = add_suspected(cls.p.outsider, cls.p.other_agency, "Giàng Thị Mị")

    def get(self, user, url, **params):
        self.sign_in(user)
        return self.client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")

    def post(self, user, url, data):
        self.sign_in(user)
        return self.client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")

    def detail(self, entry, kind="suspected"):
        return reverse("registries:detail", args=[kind, entry.pk])

    def ids(self, response):
        return {entry.pk for entry, _name in response.context["rows"]}

    # Lists

    def test_lists_show_only_visible_entries_and_names_only_to_identity_roles(self):
        url = reverse("registries:list", args=["suspected"])
        response = self.get(self.p.owner, url)
        self.assertEqual(self.ids(response), {self.suspected.pk})
        self.assertContains(response, "Giàng Thị Mỷ")
        self.assertNotContains(response, "Giàng Thị Mị")
        self.assertTrue(AuditEntry.objects.filter(action="identity.view", actor=self.p.owner,
                                                  object_type="people.suspectedvictim").exists())
        response = self.get(self.p.readonly, url)
        self.assertEqual(self.ids(response), {self.suspected.pk})
        self.assertNotContains(response, "Giàng Thị Mỷ")
        self.assertFalse(AuditEntry.objects.filter(action="identity.view", actor=self.p.readonly).exists())
        self.assertEqual(self.ids(self.get(self.p.outsider, url)), {self.far.pk})
        self.assertEqual(self.ids(self.get(self.p.supervisor, url)), {self.suspected.pk})
        self.assertEqual(self.ids(self.get(self.p.owner, reverse("registries:list", args=["missing"]))),
                         {self.missing.pk})
        self.assertEqual(self.get(self.p.statistician, url).status_code, 403)
        self.assertEqual(self.get(self.p.owner, "/registries/other/").status_code, 404)

    def test_name_search_ignores_accents_and_stays_within_what_the_user_may_see(self):
        url = reverse("registries:list", args=["suspected"])
        self.assertEqual(self.ids(self.get(self.p.owner, url, q="giang my")), {self.suspected.pk})
        self.assertEqual(self.ids(self.get(self.p.owner, url, q="giang mi")), set())
        self.assertEqual(self.ids(self.get(self.p.readonly, url, q="giang my")), set())
        self.assertEqual(self.ids(self.get(self.p.owner, url, status="closed")), set())

    def test_the_list_query_count_stays_flat(self):
        url = reverse("registries:list", args=["missing"])

        def count():
            self.get(self.p.owner, url)
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url)
            return len(queries), len(response.context["rows"])

        small = count()
        for index in range(10):
            add_missing(self.p.owner, self.p.owner_agency, f"Lò Văn Số {index}")
        large = count()
        self.assertEqual((small[1], large[1]), (1, 11))
        self.assertEqual(small[0], large[0])

    # Entry pages

    def test_entry_page_by_persona(self):
        url = self.detail(self.suspected)
        response = self.get(self.p.owner, url)
        self.assertContains(response, "Giàng Thị Mỷ")
        self.assertContains(response, "Trưởng thôn")
        self.assertEqual(AuditEntry.objects.filter(action="identity.view", actor=self.p.owner,
                                                   object_id=str(self.suspected.pk)).count(), 1)
        response = self.get(self.p.readonly, url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Giàng Thị Mỷ")
        self.assertNotContains(response, "Trưởng thôn")
        self.assertContains(response, "stays hidden")
        self.assertIsNone(response.context["status_form"])
        for persona in (self.p.outsider, self.p.partner, self.p.statistician):
            self.assertEqual(self.get(persona, url).status_code, 404, persona.username)
        self.assertEqual(self.get(self.p.owner, reverse("registries:detail", args=["missing", 999_999])).status_code,
                         404)

    def test_a_partner_sees_an_entry_while_taking_part(self):
        core_actions.participation_start(acting_user=self.p.owner, obj=self.missing, agency=self.p.partner_agency,
                                         reason="verification_request")
        self.assertEqual(self.get(self.p.partner, self.detail(self.missing, "missing")).status_code, 200)

    # Writes

    def test_the_new_entry_form(self):
        url = reverse("registries:new", args=["missing"])
        self.assertEqual(self.get(self.p.owner, url).status_code, 200)
        for persona in (self.p.readonly, self.p.statistician, self.p.supervisor):
            self.assertEqual(self.get(persona, url).status_code, 403, persona.username)
        # The outsider may add entries, but only for their own agency.
        response = self.get(self.p.outsider, url)
        self.assertEqual(response.context["form"].fields["agency"].choices, [(self.p.other_agency.pk,
                                                                             self.p.other_agency.name)])
        data = {"agency": self.p.owner_agency.pk, "full_name": "Vàng Thị Sử", "sex": "female",
                "reported_on": timezone.localdate().isoformat(), "reported_by": "Bố: Vàng Seo Páo",
                "missing_since": (timezone.localdate() - datetime.timedelta(30)).isoformat(),
                "last_known_country": "CN", "home_unit": "2025:29926"}
        response = self.post(self.p.owner, url, data)
        entry = MissingPerson.objects.latest("pk")
        self.assertRedirects(response, self.detail(entry, "missing"), fetch_redirect_response=False)
        self.assertEqual(entry.person.full_name, "Vàng Thị Sử")
        self.assertEqual(entry.person.home_unit.key, "2025:29926")
        self.assertEqual(entry.reported_by, "Bố: Vàng Seo Páo")

    def test_bad_entries_are_refused_with_messages_and_nothing_saved(self):
        url = reverse("registries:new", args=["suspected"])
        before = Person.objects.count()
        response = self.post(self.p.owner, url, {
            "agency": self.p.owner_agency.pk, "full_name": "Vàng Thị Sử", "sex": "female", "risk_channel": "tourism",
            "reported_on": (timezone.localdate() + datetime.timedelta(3)).isoformat(), "citizen_id": "0873040012345",
        })
        self.assertContains(response, "cannot be in the future", status_code=400)
        self.assertContains(response, "12 digits", status_code=400)
        # Someone else's agency cannot be chosen.
        response = self.post(self.p.owner, url, {
            "agency": self.p.other_agency.pk, "full_name": "Vàng Thị Sử", "sex": "female", "risk_channel": "tourism",
            "reported_on": timezone.localdate().isoformat(),
        })
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Person.objects.count(), before)
        self.assertEqual(SuspectedVictim.objects.count(), 2)

    def test_status_changes(self):
        url = reverse("registries:status", args=["suspected", self.suspected.pk])
        self.assertEqual(self.post(self.p.readonly, url, {"status": "located"}).status_code, 403)
        self.assertEqual(self.post(self.p.outsider, url, {"status": "located"}).status_code, 404)
        response = self.post(self.p.owner, url, {"status": "located", "reason": "Đã liên lạc được"})
        self.assertRedirects(response, self.detail(self.suspected), fetch_redirect_response=False)
        self.suspected.refresh_from_db()
        self.assertEqual(self.suspected.status, SuspectedStatus.LOCATED)
        self.assertEqual(AuditEntry.objects.get(action="registry.suspected.status").reason, "Đã liên lạc được")
        response = self.post(self.p.owner, url, {"status": "monitoring"})
        self.assertContains(response, "cannot become", status_code=400)
        self.suspected.refresh_from_db()
        self.assertEqual(self.suspected.status, SuspectedStatus.LOCATED)

    def test_open_a_case_from_an_entry(self):
        url = reverse("registries:to_case", args=["missing", self.missing.pk])
        self.assertEqual(self.get(self.p.readonly, url).status_code, 403)
        self.assertEqual(self.get(self.p.supervisor, url).status_code, 403)  # may edit, may not open cases here
        self.assertEqual(self.get(self.p.outsider, url).status_code, 404)
        self.assertEqual(self.get(self.p.owner, url).status_code, 200)
        data = {"channel": "returned_self", "received_at": (timezone.localtime() - datetime.timedelta(hours=2))
                .strftime("%Y-%m-%dT%H:%M"), "place_kind": "commune", "place_unit": "2025:29926"}
        response = self.post(self.p.owner, url, data)
        self.assertContains(response, "which country", status_code=400)
        self.assertFalse(Case.objects.exists())
        response = self.post(self.p.owner, url, {**data, "country_returned_from": "CN"})
        case = Case.objects.get()
        self.assertRedirects(response, case.get_absolute_url(), fetch_redirect_response=False)
        self.missing.refresh_from_db()
        self.assertEqual((self.missing.status, self.missing.case_id), (MissingStatus.BECAME_CASE, case.pk))
        self.assertEqual(case.person_id, self.missing.person_id)
        response = self.get(self.p.owner, self.detail(self.missing, "missing"))
        self.assertContains(response, case.code)
        self.assertContains(self.get(self.p.owner, case.get_absolute_url()),
                            "Opened from the register of missing persons")
        # Once a case, it cannot be made one again.
        self.assertEqual(self.get(self.p.owner, url).status_code, 302)
