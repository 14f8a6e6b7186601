import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from trove.agencies.models import Membership, Role
from trove.core.models import AuditEntry
from trove.core.testing import _member, _user
from trove.notifications.models import Notification
from trove.plans import actions
from trove.plans.models import AgencyReport
from trove.plans.periods import plan_periods, reporting_periods
from trove.plans.selectors import agency_rows
from trove.plans.tests.helpers import PlanTestCase, issued_plan, today


class PeriodTests(PlanTestCase):
    def test_periods_are_calendar_periods_cut_to_the_plan(self):
        periods = reporting_periods(datetime.date(2019, 5, 14), datetime.date(2019, 12, 31), "quarter", 10)
        self.assertEqual([(p.start, p.end) for p in periods], [
            (datetime.date(2019, 5, 14), datetime.date(2019, 6, 30)),
            (datetime.date(2019, 7, 1), datetime.date(2019, 9, 30)),
            (datetime.date(2019, 10, 1), datetime.date(2019, 12, 31)),
        ])
        self.assertEqual(periods[0].due, datetime.date(2019, 7, 10))
        halves = reporting_periods(datetime.date(2019, 1, 1), datetime.date(2019, 12, 31), "half", 0)
        self.assertEqual([p.end for p in halves], [datetime.date(2019, 6, 30), datetime.date(2019, 12, 31)])
        with translation.override("vi"):
            self.assertEqual(reporting_periods(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31), "month",
                                               5)[0].label, "Tháng 1/2026")


class ReportTests(PlanTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = issued_plan(cls.p, cls.coordinator)
        cls.periods = plan_periods(cls.plan)
        cls.first = cls.periods[0]

    def submit(self, user, agency=None, period=None, **extra):
        period = period or self.first
        return actions.report_submit(acting_user=user, plan=self.plan, agency=agency or self.p.owner_agency,
                                     period_start=extra.pop("start", period.start),
                                     period_end=extra.pop("end", period.end),
                                     results=extra.pop("results", "Đã tiếp nhận 2 trường hợp."), **extra)

    def test_a_member_reports_for_their_agency_and_may_correct_it(self):
        report = self.submit(self.p.owner)
        self.assertEqual((report.agency, report.series, report.submitted_by), (self.p.owner_agency, self.plan.series,
                                                                              self.p.owner))
        corrected = self.submit(self.p.owner, results="Đã tiếp nhận 3 trường hợp.")
        self.assertEqual(corrected.pk, report.pk)
        self.assertEqual(AgencyReport.objects.get().results, "Đã tiếp nhận 3 trường hợp.")
        self.assertIsNotNone(AgencyReport.objects.get().updated_at)
        self.assertEqual(list(AuditEntry.objects.filter(action__startswith="plan.report").values_list(
            "action", flat=True)), ["plan.report_submit", "plan.report_correct"])

    def test_a_report_for_a_period_outside_the_plan_is_refused_and_nothing_saved(self):
        before = self.plan.period_start - datetime.timedelta(days=40)
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            self.submit(self.p.owner, start=before, end=before + datetime.timedelta(days=20))
        self.assertIn("lies outside the plan's period", caught.exception.message_dict["period"][0])
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            self.submit(self.p.owner, start=self.first.start, end=self.first.end + datetime.timedelta(days=1))
        self.assertIn("is not one of the plan's reporting periods", caught.exception.message_dict["period"][0])
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            self.submit(self.p.owner, period=self.periods[-1])
        self.assertIn("has not begun", caught.exception.message_dict["period"][0])
        with self.assertRaises(ValidationError) as caught:
            self.submit(self.p.owner, results="  ")
        self.assertIn("results", caught.exception.message_dict)
        self.assertFalse(AgencyReport.objects.exists())

    def test_members_report_for_their_own_agency_only_and_readers_not_at_all(self):
        with self.assertRaises(PermissionDenied):
            self.submit(self.p.owner, agency=self.p.province_agency)
        with self.assertRaises(PermissionDenied):
            self.submit(self.p.readonly)
        with self.assertRaises(PermissionDenied):
            self.submit(self.p.partner, agency=self.p.partner_agency)  # a verifier does not report on plans
        report = self.submit(self.p.supervisor, agency=self.p.province_agency)
        self.assertEqual(report.agency, self.p.province_agency)
        self.assertEqual(AgencyReport.objects.count(), 1)

    def test_an_agency_without_duties_has_nothing_to_report(self):
        with self.assertRaises(ValidationError) as caught:
            self.submit(self.coordinator, agency=self.p.other_agency)
        self.assertIn("agency", caught.exception.message_dict)

    def test_a_coordinator_records_a_paper_report_received_earlier(self):
        received = self.first.end + datetime.timedelta(days=2)
        report = self.submit(self.coordinator, agency=self.p.partner_agency, received_on=received)
        self.assertEqual(timezone.localdate(report.submitted_at), received)
        with self.assertRaises(PermissionDenied):
            self.submit(self.p.owner, received_on=received)
        with self.assertRaises(ValidationError):
            self.submit(self.coordinator, received_on=today() + datetime.timedelta(days=1))

    def test_overdue_reports_are_marked_and_reminded(self):
        due = [period for period in self.periods if period.due < today()]
        self.assertGreaterEqual(len(due), 2)
        self.submit(self.p.owner, period=due[0])
        rows = {row.agency.pk: row for row in agency_rows(self.plan)}
        owner_states = [cell.state for cell in rows[self.p.owner_agency.pk].cells]
        self.assertEqual(owner_states[0], "late")  # given today, after its due day
        self.assertEqual(owner_states[1], "overdue")
        self.assertEqual(owner_states[-1], "pending")
        self.assertEqual(rows[self.p.partner_agency.pk].overdue, len(due))
        missing = actions.overdue(self.plan)
        self.assertEqual(len(missing), 3 * len(due) - 1)

        # Reminders reach the members who may report, in each agency with a report overdue; once a day.
        colleague = _member(_user("p_caseworker2", "Lý Văn Báo"), self.p.owner_agency, Role.CASEWORKER,
                            self.p.commune)
        sent = actions.send_report_reminders(acting_user=self.coordinator, plan=self.plan)
        reminded = set(Notification.objects.values_list("user__username", flat=True))
        # Owner agency: its caseworkers and coordinator; the province's supervisor; not the police's verifier,
        # who may not report, nor the observer.
        self.assertEqual(reminded, {"p_owner", "p_caseworker2", "p_coordinator", "p_supervisor"})
        self.assertEqual(sent, Notification.objects.count())
        note = Notification.objects.filter(user=colleague).first()
        self.assertIn("75/KH-UBND", note.message)
        self.assertIn("chưa", note.message)  # written in Vietnamese, the system's language
        self.assertEqual(actions.send_report_reminders(acting_user=self.coordinator, plan=self.plan), 0)
        self.assertTrue(AuditEntry.objects.filter(action="plan.remind").exists())
        with self.assertRaises(PermissionDenied):
            actions.send_report_reminders(acting_user=self.p.supervisor, plan=self.plan)
        self.assertTrue(Membership.objects.filter(user=colleague).exists())
