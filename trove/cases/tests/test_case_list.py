import datetime
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from trove.cases.actions import DocumentData, IntakeData, receive_person
from trove.cases.models import CaseStatus, PlaceKind
from trove.core import actions as core_actions
from trove.core.models import AuditEntry
from trove.core.testing import PersonaTestCase
from trove.geo.models import AdminUnit, Country
from trove.people.actions import PersonData

URL = reverse("cases:list")
TAN_HONG = "2025:29926"


def open_case(user, agency, name="Nguyễn Thị Hoa", *, channel="self_reported", unit=TAN_HONG, received_at=None):
    values = {"channel": channel, "received_at": received_at or timezone.now() - datetime.timedelta(hours=3),
              "place_kind": PlaceKind.COMMUNE, "place_unit": AdminUnit.objects.by_key(unit)}
    if channel == "handover_official":
        values.update(place_kind=PlaceKind.BORDER_GATE, country_returned_from=Country.objects.get(code="KH"),
                      documents=[DocumentData(title="Biên bản bàn giao")])
    return receive_person(acting_user=user, agency=agency, intake=IntakeData(**values),
                          person=PersonData(full_name=name, sex="female"))


class CaseListTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hoa = open_case(cls.p.owner, cls.p.owner_agency, "Nguyễn Thị Hoa")
        cls.lan = open_case(cls.p.owner, cls.p.owner_agency, "Trần Văn Lâm", channel="handover_official")
        cls.far = open_case(cls.p.outsider, cls.p.other_agency, "Nguyễn Thị Hoà Bình", unit="2025:91")

    def codes(self, response):
        return {case.code for case, _name in response.context["rows"]}

    def test_it_needs_sign_in(self):
        self.assertEqual(self.client.get(URL).status_code, 302)

    def test_it_refuses_members_who_may_see_no_case(self):
        for persona in (self.p.statistician, self.p.administrator):
            self.sign_in(persona)
            self.assertEqual(self.client.get(URL).status_code, 403)

    def test_the_owner_sees_their_agency_cases_only(self):
        self.sign_in(self.p.owner)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.codes(response), {self.hoa.code, self.lan.code})
        self.assertNotContains(response, self.far.code)

    def test_the_outsider_sees_only_their_own(self):
        self.sign_in(self.p.outsider)
        response = self.client.get(URL)
        self.assertEqual(self.codes(response), {self.far.code})
        self.assertNotContains(response, "Nguyễn Thị Hoa<")

    def test_a_partner_sees_a_case_only_while_taking_part(self):
        self.sign_in(self.p.partner)
        self.assertEqual(self.codes(self.client.get(URL)), set())
        participation = core_actions.participation_start(acting_user=self.p.owner, obj=self.hoa,
                                                         agency=self.p.partner_agency, reason="verification_request")
        self.assertEqual(self.codes(self.client.get(URL)), {self.hoa.code})
        core_actions.participation_end(acting_user=self.p.owner, participation=participation)
        self.assertEqual(self.codes(self.client.get(URL)), set())

    def test_a_supervisor_sees_the_cases_in_their_scope(self):
        self.sign_in(self.p.supervisor)
        self.assertEqual(self.codes(self.client.get(URL)), {self.hoa.code, self.lan.code})

    def test_names_show_only_to_those_who_may_see_identity_and_the_view_is_audited(self):
        self.sign_in(self.p.owner)
        response = self.client.get(URL)
        self.assertContains(response, "Nguyễn Thị Hoa")
        entry = AuditEntry.objects.get(action="identity.view", actor=self.p.owner)
        self.assertEqual(entry.object_type, "cases.case")
        self.assertEqual(sorted(entry.changes["list"]), sorted([self.hoa.pk, self.lan.pk]))

        self.sign_in(self.p.readonly)
        response = self.client.get(URL)
        self.assertEqual(self.codes(response), {self.hoa.code, self.lan.code})
        self.assertNotContains(response, "Nguyễn Thị Hoa")
        self.assertContains(response, self.hoa.pseudonym)
        self.assertFalse(AuditEntry.objects.filter(action="identity.view", actor=self.p.readonly).exists())

    def test_name_search_ignores_accents_and_case(self):
        self.sign_in(self.p.owner)
        for query in ("nguyen hoa", "NGUYỄN HOA", "hoa nguyen thi"):
            self.assertEqual(self.codes(self.client.get(URL, {"q": query})), {self.hoa.code}, query)
        self.assertEqual(self.codes(self.client.get(URL, {"q": "nguyen lam"})), set())

    def test_name_search_never_reaches_cases_the_user_may_not_see(self):
        # "Nguyễn Thị Hoà Bình" of An Giang also matches "nguyen hoa", but not for the owner in Đồng Tháp.
        self.sign_in(self.p.owner)
        response = self.client.get(URL, {"q": "nguyen hoa binh"})
        self.assertEqual(self.codes(response), set())
        self.assertNotContains(response, "Bình")
        self.assertNotContains(response, self.far.code)

    def test_name_search_is_refused_to_those_who_may_not_see_identity(self):
        # Otherwise the list would tell an observer which case code belongs to the name they typed.
        self.sign_in(self.p.readonly)
        response = self.client.get(URL, {"q": "nguyen hoa"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(self.codes(response), set())
        self.assertContains(response, "Search by case code instead")

    def test_a_case_code_finds_its_case_in_any_case(self):
        self.sign_in(self.p.readonly)
        response = self.client.get(URL, {"q": self.lan.code.lower()})
        self.assertEqual(self.codes(response), {self.lan.code})
        response = self.client.get(URL, {"q": self.far.code}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(self.codes(response), set())
        self.assertContains(response, f"No case {self.far.code} that you may see")

    def test_filters(self):
        self.sign_in(self.p.supervisor)
        self.assertEqual(self.codes(self.client.get(URL, {"channel": "handover_official"})), {self.lan.code})
        self.assertEqual(self.codes(self.client.get(URL, {"status": CaseStatus.BEING_IDENTIFIED})),
                         {self.hoa.code, self.lan.code})
        self.assertEqual(self.codes(self.client.get(URL, {"status": CaseStatus.RECEIVED})), set())
        self.assertEqual(self.codes(self.client.get(URL, {"status": CaseStatus.CLOSED})), set())
        self.assertEqual(self.codes(self.client.get(URL, {"agency": self.p.owner_agency.pk})),
                         {self.hoa.code, self.lan.code})
        self.assertEqual(self.codes(self.client.get(URL, {"unit": "2025:82"})), {self.hoa.code, self.lan.code})
        self.assertEqual(self.codes(self.client.get(URL, {"unit": "tan hong"})), {self.hoa.code, self.lan.code})
        self.assertEqual(self.codes(self.client.get(URL, {"unit": "2025:91"})), set())
        today = timezone.localdate()
        self.assertEqual(len(self.codes(self.client.get(URL, {"received_from": today - datetime.timedelta(1),
                                                                  "received_to": today}))), 2)
        self.assertEqual(self.codes(self.client.get(URL, {"received_to": today - datetime.timedelta(30)})), set())

    def test_the_month_is_the_month_the_person_was_received_not_the_month_the_case_was_entered(self):
        # An old intake entered today (a list typed in later, an import): found under the month it happened.
        old = open_case(self.p.owner, self.p.owner_agency, "Lê Thị Cũ", unit="legacy:29926",
                        received_at=datetime.datetime(2024, 3, 15, 9, tzinfo=datetime.UTC))
        self.assertEqual(old.received_at, old.intake.received_at)
        self.assertEqual(old.opened_at.date(), timezone.now().date())
        self.sign_in(self.p.owner)
        self.assertEqual(self.codes(self.client.get(URL, {"received_from": "2024-03-01", "received_to": "2024-03-31"})),
                         {old.code})
        self.assertEqual(self.codes(self.client.get(URL, {"received_from": "2024-04-01", "received_to": "2024-04-30"})),
                         set())

    def test_unknown_filter_values_are_left_out_and_an_unknown_unit_finds_nothing(self):
        self.sign_in(self.p.owner)
        response = self.client.get(URL, {"status": "nope", "received_from": "yesterday"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self.codes(response)), 2)
        response = self.client.get(URL, {"unit": "2025:999999"})
        self.assertEqual(self.codes(response), set())
        self.assertTrue(response.context["unit_not_found"])

    def test_a_2025_unit_also_finds_cases_placed_in_the_legacy_units_that_went_into_it(self):
        # Thị trấn Sa Rài (legacy) became part of xã Tân Hồng (2025); a case received there in 2025 before July.
        old = open_case(self.p.owner, self.p.owner_agency, "Lê Thị Cũ", unit="legacy:29926",
                        received_at=timezone.make_aware(datetime.datetime(2025, 3, 1, 9)))
        self.sign_in(self.p.supervisor)
        self.assertIn(old.code, self.codes(self.client.get(URL, {"unit": TAN_HONG})))
        self.assertIn(old.code, self.codes(self.client.get(URL, {"unit": "legacy:29926"})))
        self.assertNotIn(self.hoa.code, self.codes(self.client.get(URL, {"unit": "legacy:29926"})))


class CaseListQueryCountTests(PersonaTestCase):
    def count_queries(self, user):
        self.sign_in(user)
        self.client.get(URL)  # warm the content-type cache
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        return len(queries), len(response.context["rows"])

    def test_the_query_count_stays_flat_as_rows_grow(self):
        for index in range(3):
            open_case(self.p.owner, self.p.owner_agency, f"Nguyễn Thị Số {index}")
        small = {user: self.count_queries(user) for user in (self.p.owner, self.p.readonly, self.p.supervisor)}
        for index in range(27):
            open_case(self.p.owner, self.p.owner_agency, f"Phạm Văn Số {index}")
        for user, (queries, rows) in small.items():
            self.assertEqual(rows, 3)
            more_queries, more_rows = self.count_queries(user)
            self.assertEqual(more_rows, 30)
            self.assertEqual(more_queries, queries, user.username)


class CaseListPagingTests(PersonaTestCase):
    """The list pages by position (newer/older), not by offset, and counts up to a cap."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        start = timezone.now() - datetime.timedelta(days=30)
        cls.cases = [open_case(cls.p.owner, cls.p.owner_agency, f"Lê Thị Trang {index}",
                               received_at=start + datetime.timedelta(days=index)) for index in range(7)]
        # Two cases opened at the same instant: the id breaks the tie, so neither is skipped or shown twice.
        type(cls.cases[0]).objects.filter(pk=cls.cases[2].pk).update(opened_at=cls.cases[3].opened_at)
        cls.newest_first = [case.code for case in sorted(
            (type(c).objects.get(pk=c.pk) for c in cls.cases), key=lambda c: (c.opened_at, c.pk), reverse=True)]

    def setUp(self):
        self.sign_in(self.p.owner)

    def page(self, **params):
        response = self.client.get(URL, params)
        self.assertEqual(response.status_code, 200)
        return response, [case.code for case, _name in response.context["rows"]]

    def test_walking_older_then_newer_shows_every_case_once_in_order(self):
        with mock.patch("trove.cases.views.PAGE_SIZE", 3):
            response, first = self.page()
            seen, older, pages = list(first), response.context["page"].older, [first]
            self.assertIsNone(response.context["page"].newer)
            while older:
                response, codes = self.page(older=older)
                seen += codes
                pages.append(codes)
                older = response.context["page"].older
            self.assertEqual(seen, self.newest_first)
            self.assertEqual([len(codes) for codes in pages], [3, 3, 1])
            # Back from the last page: the middle page again, then the first, which has nothing newer.
            response, codes = self.page(newer=response.context["page"].newer)
            self.assertEqual(codes, pages[1])
            response, codes = self.page(newer=response.context["page"].newer)
            self.assertEqual(codes, pages[0])
            self.assertIsNone(response.context["page"].newer)
            self.assertEqual((response.context["page"].count, response.context["page"].count_capped), (7, False))

    def test_the_count_stops_at_the_cap(self):
        with mock.patch("trove.cases.views.PAGE_SIZE", 3), mock.patch("trove.core.paging.COUNT_CAP", 5):
            response, _codes = self.page()
        self.assertTrue(response.context["page"].count_capped)
        self.assertEqual(response.context["page"].count, 5)

    def test_a_hand_edited_position_shows_the_newest_page(self):
        for bad in ("abc", "1_", "_5", "99999999999999999999999_3", "12_-4", "1_2_3"):
            response, codes = self.page(older=bad)
            self.assertEqual(codes, self.newest_first[:50], bad)
        response, codes = self.page(older="1_1")  # a position before every case: nothing older
        self.assertEqual(codes, [])
        self.assertFalse(response.context["page"].has_other_pages)
