"""Every plan page and form, with each persona: who sees what (404 to outsiders, 403 to readers on writes), and what
the forms do."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trove.core.indicators import IndicatorDefinition, Kind
from trove.plans import actions
from trove.plans.actions import IndicatorData
from trove.plans.models import Activity, AgencyReport, Plan, PlanIndicator, PlanStatus
from trove.plans.periods import plan_periods
from trove.plans.tests.helpers import PlanTestCase, draft_plan, issued_plan, plan_data, registered, today, training
from trove.verification.tests.helpers import open_case


class PlanPagesTests(PlanTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = issued_plan(cls.p, cls.coordinator)
        cls.draft = draft_plan(cls.p, cls.coordinator, number="2/KH-UBND")
        cls.activity = actions.activity_record(acting_user=cls.p.owner, plan=cls.plan, data=training(
            cls.plan, cls.p.owner_agency, today(), [(cls.p.owner_agency, 3)]))
        cls.period = plan_periods(cls.plan)[0]
        cls.report = actions.report_submit(acting_user=cls.p.owner, plan=cls.plan, agency=cls.p.owner_agency,
                                           period_start=cls.period.start, period_end=cls.period.end,
                                           results="Đã thực hiện.")
        cls.indicator = cls.plan.indicators.get()

    def get(self, user, url, **params):
        self.sign_in(user)
        return self.client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")

    def read_urls(self, plan=None):
        plan = plan or self.plan
        return [
            reverse("plans:detail", args=[plan.pk]), reverse("plans:progress", args=[plan.pk]),
            reverse("plans:export", args=[plan.pk]), reverse("plans:indicator", args=[plan.pk, self.indicator.pk]),
            reverse("plans:activity", args=[plan.pk, self.activity.pk]),
            reverse("plans:report", args=[plan.pk, self.report.pk]), reverse("plans:activities", args=[plan.pk]),
        ]

    def write_posts(self):
        pk, draft = self.plan.pk, self.draft.pk
        item, duty = self.draft.content_items.get(), self.draft.duties.first()
        return [
            (reverse("plans:edit", args=[draft]), {"title": "x"}),
            (reverse("plans:reference_add", args=[draft]), {"number": "1/KH"}),
            (reverse("plans:indicator_add", args=[draft]), {"wording": "x", "target": "5", "kind": "count"}),
            (reverse("plans:indicator_remove", args=[draft, self.draft.indicators.get().pk]), {}),
            (reverse("plans:item_edit", args=[draft, item.pk]), {"title": "x"}),
            (reverse("plans:item_remove", args=[draft, item.pk]), {}),
            (reverse("plans:duty_new", args=[draft]), {"tasks": "x"}),
            (reverse("plans:duty_remove", args=[draft, duty.pk]), {}),
            (reverse("plans:issue", args=[draft]), {}),
            (reverse("plans:revise", args=[pk]), {}),
            (reverse("plans:copy", args=[pk]), {}),
            (reverse("plans:share", args=[pk]), {"agency": self.p.other_agency.pk}),
            (reverse("plans:remind", args=[pk]), {}),
        ]

    def report_posts(self):
        pk = self.plan.pk
        return [
            (reverse("plans:report_new", args=[pk]), {"agency": self.p.owner_agency.pk, "period": self.period.key,
                                                      "results": "Sửa."}),
            (reverse("plans:activity_new", args=[pk, "awareness"]),
             {"agency": self.p.owner_agency.pk, "title": "Họp dân", "held_on": today().isoformat(),
              "link": f"item:{self.plan.content_items.get().pk}", "channel": "meeting", "reach": "40"}),
        ]

    def test_the_menu_shows_plans_to_those_who_may_see_them(self):
        self.assertContains(self.get(self.p.owner, reverse("home")), reverse("plans:list"))
        self.assertNotContains(self.get(self.p.auditor, reverse("home")), reverse("plans:list"))

    def test_the_list_shows_the_plans_each_persona_may_see(self):
        def listed(user):
            response = self.get(user, reverse("plans:list"))
            self.assertEqual(response.status_code, 200)
            return {plan.pk for plan in response.context["page"].object_list}

        both = {self.plan.pk, self.draft.pk}
        self.assertEqual(listed(self.coordinator), both)
        self.assertEqual(listed(self.p.owner), both)
        self.assertEqual(listed(self.p.readonly), both)
        self.assertEqual(listed(self.p.supervisor), both)  # the province in their scope
        self.assertEqual(listed(self.p.partner), {self.plan.pk})  # takes part once issued; drafts are not shared
        self.assertEqual(listed(self.p.statistician), {self.plan.pk})
        self.assertEqual(listed(self.p.outsider), set())
        self.assertEqual(self.get(self.p.auditor, reverse("plans:list")).status_code, 403)

    def test_readers_see_every_page_without_forms_and_get_403_on_every_write(self):
        self.sign_in(self.p.readonly)
        for url, data in self.write_posts():
            self.assertEqual(self.client.post(url, data).status_code, 403, url)
        for user in (self.p.readonly, self.p.partner, self.p.statistician):
            for url in self.read_urls():
                self.assertEqual(self.get(user, url).status_code, 200, (user.username, url))
            response = self.get(user, reverse("plans:detail", args=[self.plan.pk]))
            self.assertNotContains(response, "Revise (new version)")
            self.assertNotContains(self.get(user, reverse("plans:progress", args=[self.plan.pk])),
                                   "Report on duties")
            for url, data in self.write_posts()[9:] + self.report_posts():
                self.assertEqual(self.client.post(url, data).status_code, 403, (user.username, url))
        self.assertEqual(self.get(self.p.readonly, reverse("plans:new")).status_code, 403)
        self.assertEqual(Plan.objects.count(), 2)
        self.assertEqual(Activity.objects.count(), 1)

    def test_members_who_report_do_not_write_the_plan(self):
        for url, data in self.write_posts():
            self.sign_in(self.p.owner)
            self.assertEqual(self.client.post(url, data).status_code, 403, url)
        self.assertEqual(self.draft.duties.count(), 3)

    def test_outsiders_get_404_everywhere(self):
        for user in (self.p.outsider, self.other_coordinator):
            for url in [*self.read_urls(), reverse("plans:detail", args=[self.draft.pk])]:
                self.assertEqual(self.get(user, url).status_code, 404, url)
            for url, data in self.write_posts() + self.report_posts():
                self.assertEqual(self.client.post(url, data).status_code, 404, url)
        for url in self.read_urls():
            self.assertEqual(self.get(self.p.auditor, url).status_code, 404)
        self.assertEqual(Plan.objects.count(), 2)

    def test_a_coordinator_writes_a_plan_through_the_forms(self):
        self.sign_in(self.coordinator)
        data = plan_data(self.p)
        form = {"number": "", "title": "Kế hoạch thử", "date": data.date.isoformat(),
                "issuing_agency": self.p.owner_agency.pk, "level": "commune", "unit": "2025:29926",
                "period_start": data.period_start.isoformat(), "period_end": data.period_end.isoformat(),
                "goals": "- Mục tiêu một\n- Mục tiêu hai", "solutions": "Giải pháp", "report_frequency": "quarter",
                "report_due_days": "5", "signer_title": "CHỦ TỊCH", "signer_name": "Người Ký"}
        response = self.client.post(reverse("plans:new"), form)
        plan = Plan.objects.get(title="Kế hoạch thử")
        self.assertRedirects(response, plan.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual([o.text for o in plan.objectives.all()], ["Mục tiêu một", "Mục tiêu hai"])
        response = self.client.post(reverse("plans:indicator_add", args=[plan.pk]),
                                    {"wording": "Tỷ lệ", "definition_code": "verification.on_time", "target": "120"},
                                    HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "percentage between 0 and 100", status_code=400)
        self.client.post(reverse("plans:duty_new", args=[plan.pk]),
                         {"agencies": [self.p.partner_agency.pk], "tasks": "Phối hợp xác minh."})
        self.client.post(reverse("plans:issue", args=[plan.pk]))
        plan.refresh_from_db()
        self.assertEqual(plan.status, PlanStatus.ISSUED)
        response = self.client.get(reverse("plans:edit", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="en", follow=True)
        self.assertContains(response, "An issued plan cannot be edited")
        self.client.post(reverse("plans:revise", args=[plan.pk]))
        self.assertEqual(Plan.objects.get(series=plan.series, version=2).status, PlanStatus.DRAFT)

    def test_a_member_reports_and_records_through_the_forms(self):
        self.sign_in(self.p.owner)
        response = self.client.get(reverse("plans:report_new", args=[self.plan.pk]),
                                   {"agency": self.p.owner_agency.pk, "period": self.period.key},
                                   HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "saving corrects it")
        self.assertEqual(list(response.context["form"].fields["agency"].queryset), [self.p.owner_agency])
        for url, data in self.report_posts():
            self.assertEqual(self.client.post(url, data).status_code, 302, url)
        self.assertEqual(AgencyReport.objects.get().results, "Sửa.")
        self.assertEqual(Activity.objects.get(kind="awareness").reach, 40)
        url = reverse("plans:activity_new", args=[self.plan.pk, "training"])
        response = self.client.post(url, {
            "agency": self.p.owner_agency.pk, "title": "Tập huấn", "held_on": today().isoformat(),
            "link": f"solution:{self.plan.solutions.first().pk}", "topics": "Quy trình",
            "participants-TOTAL_FORMS": "2", "participants-INITIAL_FORMS": "0",
            "participants-0-agency": self.p.owner_agency.pk, "participants-0-number": "5",
            "participants-1-agency": self.p.partner_agency.pk, "participants-1-number": "2"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Activity.objects.filter(kind="training").order_by("-pk")[0].participants, 7)

    def test_the_progress_page_shows_values_targets_and_overdue_reports(self):
        open_case(self.p)
        response = self.get(self.coordinator, reverse("plans:progress", args=[self.plan.pk]))
        self.assertContains(response, "Received cases whose verification has started")
        self.assertContains(response, "0 of 1")
        self.assertContains(response, "overdue")
        self.assertContains(response, "Remind the agencies whose reports are overdue")
        self.assertContains(response, self.activity.title)
        self.assertNotContains(self.get(self.p.owner, reverse("plans:progress", args=[self.plan.pk])),
                               "Remind the agencies")

    def test_the_drill_down_shows_only_the_records_the_user_may_see(self):
        case = open_case(self.p)
        url = reverse("plans:indicator", args=[self.plan.pk, self.indicator.pk])
        self.assertContains(self.get(self.p.owner, url), case.code)
        response = self.get(self.coordinator, url)  # a coordinator does not see cases
        self.assertNotContains(response, case.code)
        self.assertContains(response, "1 more record that you may not see")

    def test_an_unknown_indicator_code_is_shown_as_such(self):
        definition = IndicatorDefinition(code="test.received", kind=Kind.COUNT, name="Test cases received",
                                         description="", model="cases.Case",
                                         base=lambda scope: Plan.objects.none())
        with registered(definition):
            plan = draft_plan(self.p, self.coordinator, number="3/KH")
            actions.indicator_add(acting_user=self.coordinator, plan=plan, data=IndicatorData(
                wording="Chỉ số thử", target=Decimal(2), definition_code="test.received"))
            self.assertContains(self.get(self.coordinator, plan.get_absolute_url()), "Test cases received")
        indicator = PlanIndicator.objects.get(definition_code="test.received")
        for url in (plan.get_absolute_url(), reverse("plans:indicator", args=[plan.pk, indicator.pk])):
            self.assertContains(self.get(self.coordinator, url), "Unknown indicator “test.received”")
        actions.plan_issue(acting_user=self.coordinator, plan=plan)
        self.assertContains(self.get(self.coordinator, reverse("plans:progress", args=[plan.pk])),
                            "this system does not compute it")

    def test_the_progress_page_does_not_grow_in_queries_with_activities(self):
        url = reverse("plans:progress", args=[self.plan.pk])

        def count():
            self.sign_in(self.coordinator)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(queries)

        before = count()
        for _ in range(3):
            actions.activity_record(acting_user=self.p.owner, plan=self.plan, data=training(
                self.plan, self.p.owner_agency, today() - datetime.timedelta(days=2), [(self.p.owner_agency, 1)]))
        self.assertEqual(count(), before)

    def test_the_activities_page_filters_by_kind_and_agency(self):
        url = reverse("plans:activities", args=[self.plan.pk])
        response = self.get(self.p.readonly, url, kind="training", agency=self.p.owner_agency.pk)
        self.assertEqual(list(response.context["page"].object_list), [self.activity])
        self.assertEqual(list(self.get(self.p.readonly, url, kind="review").context["page"].object_list), [])
