"""The leaders' board (overdue work by agency, indicators against the plans' targets) and the caseworkers' board
(referrals waiting for the agency's answer, follow-up visits due), against activity_data.py, with pinned query
counts that do not grow with the data."""

import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trove.agencies.models import Role
from trove.core.testing import _member, _user
from trove.plans import actions as plan_actions
from trove.plans.actions import DutyData, IndicatorData, PlanData
from trove.plans.models import PlanLevel, ReportFrequency
from trove.referrals.models import ConsentBasis, ServiceKind
from trove.reports.tests.activity_data import make_activity
from trove.reports.tests.helpers import ReportsTestCase

DASHBOARD = reverse("reports:dashboard")
MY_WORK = reverse("reports:my_work")
YEAR = {"kind": "year", "year": "2026", "units": "today"}
D = datetime.date


def make_plan(p):
    coordinator = _member(_user("p_coordinator", "Đinh Văn Điều"), p.owner_agency, Role.PLAN_COORDINATOR, p.commune)
    plan = plan_actions.plan_create(acting_user=coordinator, data=PlanData(
        title="Kế hoạch thử nghiệm năm 2026", level=PlanLevel.COMMUNE, unit=p.commune, issuing_agency=p.owner_agency,
        period_start=D(2026, 1, 1), period_end=D(2026, 12, 31), number="75/KH-UBND", date=D(2026, 1, 1),
        place="Tân Hồng", signer_authority="TM. ỦY BAN NHÂN DÂN", signer_title="CHỦ TỊCH", signer_name="Người Ký Thử",
        introduction="", goals=["Mục tiêu."], targets=["Chỉ tiêu."], solutions=["Giải pháp."],
        recipients=["Lưu: VT."], report_frequency=ReportFrequency.YEAR, report_due_days=5,
        report_compiler=p.owner_agency, report_recipients=[], report_clause=""))
    plan_actions.indicator_add(acting_user=coordinator, plan=plan, data=IndicatorData(
        wording="Chuyển tuyến ít nhất 10 trường hợp", target=Decimal(10), definition_code="referrals.referrals_made"))
    plan_actions.indicator_add(acting_user=coordinator, plan=plan, data=IndicatorData(
        wording="100% lượt thăm đúng hạn", target=Decimal(100),
        definition_code="referrals.followup_visits_on_time"))
    plan_actions.duty_save(acting_user=coordinator, plan=plan, data=DutyData(heading="", agencies=[p.owner_agency],
                                                                             tasks=["Chủ trì chuyển tuyến."]))
    return plan_actions.plan_issue(acting_user=coordinator, plan=plan)


class BoardTestCase(ReportsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.act = make_activity(cls.p, cls.data)
        cls.plan = make_plan(cls.p)

    def count_queries(self, url, params=None) -> int:
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(url, params or {}).status_code, 200)
        return len(captured)

    def more_data(self):
        """Another referral waiting for the social centre, and another follow-up plan with its visits."""
        from trove.referrals.actions import followup_plan_create, referral_send

        day = D(2026, 9, 20)
        referral_send(acting_user=self.p.owner, case=self.data.cases_2026[5], service_kind=ServiceKind.SHELTER,
                      referred_on=day, needs="Nhu cầu thử", sections=["needs"],
                      consent_basis=ConsentBasis.objects.on(day).get(code="signed"), to_agency=self.act.care,
                      consent_by="Chính người được hỗ trợ", consent_on=day)
        followup_plan_create(acting_user=self.p.owner, case=self.data.cases_2026[6], returned_on=D(2026, 7, 20))


class LeadersBoardTests(BoardTestCase):
    def get(self, user, **params):
        self.sign_in(user)
        return self.client.get(DASHBOARD, {**YEAR, **params}, HTTP_ACCEPT_LANGUAGE="en")

    def test_overdue_work_by_agency(self):
        response = self.get(self.p.supervisor, place="2025:82")
        rows = {row.agency: (row.steps.text, row.referrals.text, row.visits.text)
                for row in response.context["overdue"]}
        # r4 waits for the social centre's answer since 2026-06-04; visit 3 of case 0 is past its last day.
        self.assertEqual(rows[self.act.care.name], ("0", "1", "0"))
        self.assertEqual(rows[self.p.owner_agency.name][1:], ("0", "1"))
        self.assertNotIn(self.act.women.name, rows)  # it answered both its referrals
        self.assertContains(response, "Overdue work by agency")
        self.assertEqual(response.content.decode().count("<svg"), 4)  # trend, mix, overdue, the plan's targets

    def test_indicators_against_the_plans_targets(self):
        response = self.get(self.p.supervisor, place="2025:82")
        [plan] = response.context["targets"]
        self.assertEqual((plan.start, plan.end), (D(2026, 1, 1), D(2026, 12, 31)))
        made, on_time = plan.rows
        self.assertEqual((made.value.text, made.target, made.met), ("5", Decimal(10), False))
        # Visits whose last day fell in 2026 and could no longer be made on time: 3; made on time: 1.
        self.assertEqual((on_time.value.text, on_time.basis, on_time.met), ("33.3 %", "1/3", False))
        self.assertContains(response, "Indicators against the targets of the plans")
        self.assertContains(response, "75/KH-UBND — Kế hoạch thử nghiệm năm 2026")
        # Half the year: the part of the period the plan covers.
        [half] = self.get(self.p.supervisor, place="2025:82", kind="half", number="2").context["targets"]
        self.assertEqual((half.start, half.end), (D(2026, 7, 1), D(2026, 12, 31)))

    def test_small_counts_hidden_and_plans_outside_the_place(self):
        [plan] = self.get(self.p.owner).context["targets"]
        made, on_time = plan.rows
        self.assertEqual((made.value.text, on_time.value.text, on_time.basis), ("<11", "<11", ""))
        self.assertEqual(self.get(self.p.outsider).context["targets"], [])  # An Giang has no plan
        self.assertEqual(self.get(self.p.supervisor, place="2025:82", year="2025").context["targets"], [])

    def test_personas(self):
        self.assertEqual(self.get(self.p.outsider, place="2025:82").status_code, 404)
        self.assertEqual(self.get(self.p.readonly).status_code, 200)
        self.assertEqual(self.get(self.p.statistician).status_code, 200)

    def test_query_counts_do_not_grow_with_the_data(self):
        self.sign_in(self.p.supervisor)
        params = {**YEAR, "place": "2025:82"}
        cache.clear()
        cold = self.count_queries(DASHBOARD, params)
        warm = self.count_queries(DASHBOARD, params)
        # session, user, memberships, data version, the plans, menu, and the reach the policy reads up front
        self.assertLessEqual(warm, 17)
        self.more_data()
        cache.clear()
        self.assertEqual(self.count_queries(DASHBOARD, params), cold)
        self.assertEqual(self.count_queries(DASHBOARD, params), warm)


class CaseworkersBoardTests(BoardTestCase):
    def get(self, user, **params):
        self.sign_in(user)
        return self.client.get(MY_WORK, params, HTTP_ACCEPT_LANGUAGE="en")

    def panels(self, response) -> dict:
        return {template: panel for template, panel in response.context["panels"]}

    def test_referrals_waiting_for_my_agency(self):
        response = self.get(self.act.carer)
        waiting = self.panels(response)["reports/_panel_referrals_waiting.html"]["referrals"]
        self.assertEqual(waiting, [(self.act.referrals[3], True)])  # r4, past the 7-day limit
        self.assertContains(response, "Referrals waiting for my agency")
        self.assertContains(response, reverse("referrals:detail", args=[self.act.referrals[3].pk]))
        women = self.panels(self.get(self.act.women_worker))["reports/_panel_referrals_waiting.html"]
        self.assertEqual(women["referrals"], [])

    def test_visits_due(self):
        response = self.get(self.p.owner)
        visits = self.panels(response)["reports/_panel_visits_due.html"]["visits"]
        third = self.act.plan.visits.get(number=3)
        self.assertEqual(visits, [(third, True)])
        self.assertContains(response, "Follow-up visits due")
        self.assertContains(response, reverse("referrals:visit", args=[third.pk]))

    def test_personas(self):
        # A reader edits nothing and receives no referrals: neither panel.
        self.assertEqual(self.panels(self.get(self.p.readonly)), {})
        # The outsider's agency has no referral waiting and no visit due.
        outsider = self.panels(self.get(self.p.outsider))
        self.assertEqual(outsider["reports/_panel_referrals_waiting.html"]["referrals"], [])
        self.assertEqual(outsider["reports/_panel_visits_due.html"]["visits"], [])
        self.assertEqual(self.get(self.p.statistician).status_code, 403)
        # The supervisor's scope holds the owner's visits.
        supervisor = self.panels(self.get(self.p.supervisor))
        self.assertEqual(len(supervisor["reports/_panel_visits_due.html"]["visits"]), 1)

    def test_query_counts_do_not_grow_with_the_data(self):
        self.sign_in(self.p.supervisor)
        before = self.count_queries(MY_WORK)
        self.assertLessEqual(before, 20)
        self.more_data()
        self.assertEqual(self.count_queries(MY_WORK), before)
