"""The leaders' dashboard and the caseworkers' page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trove.core.models import User
from trove.reports import registry
from trove.reports.tests.helpers import ReportsTestCase

DASHBOARD = reverse("reports:dashboard")
MY_WORK = reverse("reports:my_work")
YEAR = {"kind": "year", "year": "2026", "units": "today"}


class LeadersDashboardTests(ReportsTestCase):
    def get(self, user, **params):
        self.sign_in(user)
        return self.client.get(DASHBOARD, {**YEAR, **params}, HTTP_ACCEPT_LANGUAGE="en")

    def test_charts_render_on_the_server_without_scripts_or_style_attributes(self):
        response = self.get(self.p.supervisor, place="2025:82")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        # Trend, channel mix and overdue work by agency (every Đồng Tháp case has steps past their time limit).
        self.assertEqual(html.count("<svg"), 3)
        self.assertNotIn(" style=", html)
        self.assertNotIn("<script>", html)
        self.assertTrue(response.context["trend_text"].startswith("01/26: 2; 02/26: 2; 03/26: 2; 04/26: 2; 05/26: 3; "
                                                                  "06/26: 2; 07/26: 1"))
        totals = dict((label, shown.text) for label, shown in response.context["totals"])
        self.assertEqual(totals["Persons received"], "16")
        self.assertEqual(totals["Still being identified"], "12")
        units = {row.label: row.cells[0].text for row in response.context["units"].rows}
        self.assertEqual(units, {"Xã Tân Hồng": "14", "Xã Tân Hộ Cơ": "2", "Total": "16"})

    def test_overdue_steps_by_agency_and_indicators(self):
        response = self.get(self.p.supervisor, place="2025:82")
        overdue = {row.agency: row.cases.text for row in response.context["overdue"]}
        # Every case of the dataset placed in Đồng Tháp has steps whose time limit has passed (2019 and early 2026).
        self.assertIn(self.p.owner_agency.name, overdue)
        self.assertContains(response, "Indicators")
        codes = [row.code for row in response.context["indicators"]]
        self.assertEqual(codes, sorted(codes))

    def test_small_counts_are_hidden_for_those_without_exact_statistics(self):
        response = self.get(self.p.owner)
        totals = dict((label, shown.text) for label, shown in response.context["totals"])
        self.assertEqual(totals["Persons received"], "14")
        self.assertEqual(totals["Identified as victims"], "<11")
        self.assertTrue(response.context["trend_text"].startswith("01/26: &lt;11; 02/26: &lt;11"))

    def test_personas(self):
        self.assertEqual(self.get(self.p.outsider, place="2025:82").status_code, 404)
        self.assertEqual(self.get(self.p.outsider).status_code, 200)
        self.assertEqual(self.get(self.p.readonly).status_code, 200)
        self.assertEqual(self.get(self.p.statistician).status_code, 200)
        nobody = User.objects.create(username="p_nobody", full_name="Không Vai Trò")
        self.assertEqual(self.get(nobody).status_code, 403)
        self.assertContains(self.get(self.p.supervisor, kind="month", number="13"), "from 1 to 12", status_code=400)

    def test_a_second_look_is_served_from_the_cache(self):
        self.sign_in(self.p.supervisor)

        def queries():
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(DASHBOARD, {**YEAR, "place": "2025:82"}).status_code, 200)
            return len(captured)

        first, second = queries(), queries()
        self.assertLess(second, first)
        self.assertLessEqual(second, 15)  # session, user, memberships, data version, country names, menu

    def test_other_apps_add_panels(self):
        panel = registry.DashboardPanel(board="leaders", order=5, template="reports/tests/_panel.html",
                                        context=lambda request, scope: {"start": scope.start})
        registry.register_panel(panel)
        try:
            self.assertContains(self.get(self.p.supervisor), "Panel from 2026-01-01")
        finally:
            registry._PANELS.remove(panel)


class MyWorkTests(ReportsTestCase):
    def get(self, user, **params):
        self.sign_in(user)
        return self.client.get(MY_WORK, params, HTTP_ACCEPT_LANGUAGE="en")

    def test_a_caseworker_sees_overdue_steps_of_the_cases_they_work_on(self):
        response = self.get(self.p.owner)
        self.assertEqual(response.status_code, 200)
        codes = {step.case.code for step in response.context["work"].overdue_steps}
        self.assertTrue(codes)
        self.assertTrue(codes <= {case.code for case in [*self.data.cases_2026, *self.data.tan_ho_co_2026,
                                                          self.data.december_2025, *self.data.sa_rai_2019,
                                                          self.data.binh_phu_2019, self.data.tan_ho_co_2019]})
        self.assertContains(response, "Overdue steps")

    def test_personas(self):
        outsider = {step.case_id for step in self.get(self.p.outsider).context["work"].overdue_steps}
        self.assertEqual(outsider, {self.data.an_giang.pk})  # their own agency's case only
        self.assertEqual(self.get(self.p.readonly).context["work"].overdue_steps, [])  # edits nothing
        self.assertEqual(self.get(self.p.statistician).status_code, 403)
        self.assertEqual(self.get(self.p.supervisor).context["scope"], "scope")
