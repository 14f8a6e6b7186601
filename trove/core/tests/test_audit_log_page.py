import datetime
from unittest import mock

from django.urls import reverse

from trove.core import audit
from trove.core.testing import PersonaTestCase


class AuditLogPageTests(PersonaTestCase):
    url = reverse("audit_log")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        audit.record("identity.view", actor=cls.p.owner, agency=cls.p.owner_agency, object_type="cases.case",
                     object_id="17")
        audit.record("identity.view", actor=cls.p.supervisor, agency=cls.p.province_agency,
                     object_type="cases.case", object_id="17")
        audit.record("identity.view", actor=cls.p.outsider, agency=cls.p.other_agency, object_type="cases.case",
                     object_id="99")
        audit.record("auth.login_failed", actor=cls.p.owner)

    def test_it_sends_anonymous_visitors_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"{reverse('login')}?next={self.url}", fetch_redirect_response=False)

    def test_it_refuses_members_without_audit_permission(self):
        for persona in (self.p.owner, self.p.readonly, self.p.outsider, self.p.statistician):
            self.sign_in(persona)
            self.assertEqual(self.client.get(self.url).status_code, 403, persona.username)

    def test_an_auditor_sees_entries_of_agencies_in_scope_only(self):
        self.sign_in(self.p.auditor)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        shown = {(entry.actor_username, entry.action) for entry in response.context["page"].object_list}
        self.assertIn(("p_owner", "identity.view"), shown)
        self.assertIn(("p_supervisor", "identity.view"), shown)
        self.assertIn(("p_owner", "auth.login_failed"), shown)
        self.assertNotIn(("p_outsider", "identity.view"), shown)

    def test_it_shows_who_viewed_a_given_record(self):
        self.sign_in(self.p.auditor)
        response = self.client.get(self.url, {"object_type": "cases.case", "object_id": "17"})
        viewers = [entry.actor_username for entry in response.context["page"].object_list]
        self.assertEqual(sorted(viewers), ["p_owner", "p_supervisor"])
        self.assertContains(response, "p_supervisor")

    def test_a_bad_date_range_is_explained_and_shows_nothing(self):
        self.sign_in(self.p.auditor)
        response = self.client.get(self.url, {"date_from": "2026-05-02", "date_to": "2026-05-01"},
                                   HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(list(response.context["page"].object_list), [])
        self.assertContains(response, "cannot be before")

    def test_dates_are_the_days_in_vietnam(self):
        # 23:30 on 1 May in Hà Nội is 16:30 UTC; 00:30 on 2 May is 17:30 UTC on 1 May.
        vietnam = datetime.timezone(datetime.timedelta(hours=7))
        for object_id, when in (("the day before", datetime.datetime(2026, 4, 30, 23, 30, tzinfo=vietnam)),
                                ("late", datetime.datetime(2026, 5, 1, 23, 30, tzinfo=vietnam)),
                                ("next day", datetime.datetime(2026, 5, 2, 0, 30, tzinfo=vietnam))):
            with mock.patch("django.utils.timezone.now", return_value=when):
                audit.record("identity.view", actor=self.p.owner, agency=self.p.owner_agency,
                             object_type="cases.case", object_id=object_id)
        self.sign_in(self.p.auditor)

        response = self.client.get(self.url, {"date_from": "2026-05-01", "date_to": "2026-05-01"})

        self.assertEqual([entry.object_id for entry in response.context["page"].object_list], ["late"])

    def test_the_query_count_does_not_grow_with_the_entries(self):
        self.sign_in(self.p.auditor)
        self.client.get(self.url)
        with_four_entries = self.count_queries()
        for number in range(30):
            audit.record("identity.view", actor=self.p.owner, agency=self.p.owner_agency,
                         object_type="cases.case", object_id=str(number))
        self.assertEqual(self.count_queries(), with_four_entries)

    def count_queries(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            self.client.get(self.url)
        return len(context.captured_queries)
