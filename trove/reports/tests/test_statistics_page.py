"""The periodic statistics page and the drill-down, persona by persona."""

from unittest import mock

from django.core.cache import cache as django_cache
from django.urls import reverse
from django.utils import translation

from trove.core.models import User
from trove.reports import cache, freshness
from trove.reports.tests.helpers import ReportsTestCase, receive, vn

URL = reverse("reports:statistics")
RECORDS = reverse("reports:records")
YEAR = {"kind": "year", "year": "2026", "units": "today"}


class StatisticsPageTests(ReportsTestCase):
    def get(self, user, url=URL, **params):
        self.sign_in(user)
        return self.client.get(url, {**YEAR, **params}, HTTP_ACCEPT_LANGUAGE="en")

    def figures_row(self, response, index=0):
        table = next(t for t in response.context["tables"] if t.key == "figures")
        return [cell.text for cell in table.rows[index].cells]

    def test_a_member_without_exact_statistics_sees_small_counts_hidden(self):
        response = self.get(self.p.owner)  # caseworker of Tân Hồng: aggregate statistics of the commune
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["viewer"].exact)
        row = self.figures_row(response)
        self.assertEqual(row[0], "14")
        self.assertEqual(row[1], "<11")  # 9 women
        self.assertNotIn("9", row)
        self.assertContains(response, "from 1 to 10 people")

    def test_a_statistician_sees_exact_counts_of_the_province(self):
        response = self.get(self.p.statistician, place="2025:82")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["viewer"].exact)
        self.assertEqual(self.figures_row(response), ["16", "10", "5", "1", "1", "1", "13", "1"])
        self.assertEqual(response.context["place"].unit, self.p.province)  # the default is their scope
        self.assertEqual(self.get(self.p.statistician).context["place"].unit, self.p.province)

    def test_every_persona_reaches_only_the_places_of_its_scope(self):
        for user in (self.p.owner, self.p.readonly, self.p.partner, self.p.supervisor, self.p.statistician,
                     self.p.auditor, self.p.administrator, self.p.outsider):
            with self.subTest(user=user.username):
                self.assertEqual(self.get(user).status_code, 200)
        for user, place in ((self.p.outsider, "2025:82"), (self.p.outsider, "2025:29926"),
                            (self.p.statistician, "2025:91"), (self.p.owner, "2025:82"),
                            (self.p.owner, "2025:29929"), (self.p.statistician, "country")):
            with self.subTest(user=user.username, place=place):
                self.assertEqual(self.get(user, place=place).status_code, 404)
        self.assertEqual(self.get(self.p.owner, place="legacy:29926", units="time", year="2019").status_code, 200)

    def test_without_the_statistics_permission_the_page_is_refused(self):
        nobody = User.objects.create(username="p_nobody", full_name="Không Vai Trò")
        self.assertEqual(self.get(nobody).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(URL).status_code, 302)

    def test_bad_input_is_refused_with_a_clear_message(self):
        response = self.get(self.p.statistician, kind="dates", start="2026-05-01", end="2026-01-01")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "before it starts", status_code=400)
        self.assertNotIn("tables", response.context)
        response = self.get(self.p.statistician, place="legacy:87")
        self.assertContains(response, "63-province set", status_code=400)
        response = self.get(self.p.statistician, place="2025:29926", units="time", year="2019")
        self.assertContains(response, "did not exist during Year 2019", status_code=400)
        self.assertContains(self.get(self.p.statistician, place="Nowhere at all"), "No administrative unit",
                            status_code=400)

    def test_each_number_links_to_its_records(self):
        response = self.get(self.p.owner)
        table = next(t for t in response.context["tables"] if t.key == "figures")
        hotline = next(row for row in table.rows if row.label == "Hotline")
        self.assertIn("f=channel%3Ahotline", hotline.cells[0].link)
        self.assertContains(response, "Download this table (CSV)")


class DrillDownTests(ReportsTestCase):
    def records(self, user, **params):
        self.sign_in(user)
        query = {**YEAR, "place": "2025:29926", "figure": "received", **params}
        return self.client.get(RECORDS, query, HTTP_ACCEPT_LANGUAGE="en")

    def test_the_owner_sees_the_records_behind_a_number_by_code_never_by_name(self):
        response = self.records(self.p.owner, f=["channel:hotline"])
        self.assertEqual(response.status_code, 200)
        hotline = next(case for case in self.data.cases_2026 if case.intake.channel == "hotline")
        self.assertEqual([row.title for row in response.context["rows"]], [hotline.code])
        self.assertNotContains(response, hotline.person.full_name)
        self.assertContains(response, hotline.pseudonym)
        response = self.records(self.p.owner, f=["sex:female", "age:adult"])
        self.assertEqual(len(response.context["rows"]), 7)
        # Without exact statistics the number of records behind a figure is not given: comparing two drill-downs
        # could otherwise reveal a hidden cell.
        self.assertIsNone(response.context["total"])
        self.assertEqual(self.records(self.p.supervisor, place="2025:82").context["total"].text, "16")

    def test_the_list_goes_through_the_access_policy(self):
        # A read-only member of the owning commune sees the cases; the police of the province, who take part in none
        # of them, see none; a statistician sees statistics only.
        self.assertEqual(len(self.records(self.p.readonly).context["rows"]), 14)
        partner = self.records(self.p.partner)
        self.assertEqual(partner.status_code, 200)
        self.assertEqual(partner.context["rows"], [])
        self.assertContains(partner, "None of these records")
        statistician = self.records(self.p.statistician)
        self.assertEqual(statistician.context["rows"], [])
        self.assertContains(statistician, "statistics only")
        self.assertEqual(len(self.records(self.p.supervisor, place="2025:82").context["rows"]), 16)

    def test_registry_entries_are_listed_by_number(self):
        response = self.records(self.p.owner, figure="suspected", f=["risk_channel:labour_export"])
        self.assertEqual(len(response.context["rows"]), 2)
        self.assertIn("/registries/suspected/", response.context["rows"][0].url)

    def test_outsiders_unknown_figures_and_unknown_breakdowns(self):
        self.assertEqual(self.records(self.p.outsider).status_code, 404)
        self.assertEqual(self.records(self.p.owner, figure="nothing").status_code, 404)
        self.assertEqual(self.records(self.p.owner, f=["risk_channel:tourism"]).status_code, 404)
        self.assertEqual(self.records(self.p.owner, f=["channel"]).status_code, 404)
        self.assertEqual(self.records(self.p.owner, kind="dates", start="2026-02-01", end="2026-01-01").status_code,
                         400)


class OlderFiguresTests(ReportsTestCase):
    """After a change, the page shows the figures computed before it, with their time, while the new ones are
    computed for the next request. The request runs inside the test's transaction here, so older figures are allowed
    by hand and the computation that a thread would do is run by the test."""

    def test_the_page_says_when_its_figures_were_computed_until_the_new_ones_are_ready(self):
        refreshes = []
        with mock.patch.object(cache, "_outside_transaction", return_value=True), \
                mock.patch.object(cache, "_refresh_in_background",
                                  lambda claim, refresh: refreshes.append((claim, refresh))):
            self.sign_in(self.p.statistician)
            ask = {**YEAR, "place": "2025:82"}
            first = self.client.get(URL, ask, HTTP_ACCEPT_LANGUAGE="vi")
            self.assertEqual(first.context["as_of"], None)
            self.assertNotContains(first, "Số liệu này được tính lúc")

            receive(self.p.owner, self.p.owner_agency, vn(2026, 3, 3), "self_reported", "female", 1990)
            freshness._bump_now()  # what the change's commit does
            older = self.client.get(URL, ask, HTTP_ACCEPT_LANGUAGE="vi")
            self.assertContains(older, "Số liệu này được tính lúc")
            self.assertContains(older, ">16<")  # the count before the new person
            self.assertNotContains(older, ">17<")
            self.assertEqual(len(refreshes), 1)

            claim, refresh = refreshes[0]
            with translation.override("vi"):
                refresh()
            django_cache.delete(claim)
            current = self.client.get(URL, ask, HTTP_ACCEPT_LANGUAGE="vi")
        self.assertIsNone(current.context["as_of"])
        self.assertNotContains(current, "Số liệu này được tính lúc")
        self.assertContains(current, ">17<")
        self.assertEqual(len(refreshes), 1)
