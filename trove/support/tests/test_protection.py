"""Protection, needs, circumstances and the plan, through their actions; and the timeline sentences they leave."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from trove.cases.models import CaseEvent
from trove.core.models import AuditEntry
from trove.support import actions
from trove.support.events import describe_event
from trove.support.ledger_actions import record_refusal, record_support
from trove.support.models import NeedsAssessment, PlannedService, SafetyMeasure, SupportCircumstances
from trove.support.risk import QUESTION_CODES, suggested_level
from trove.support.tests.helpers import SupportTestCase, d, open_case, types, vn


class ProtectionTests(SupportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.t = types()
        cls.case = open_case(cls.p, vn(2025, 8, 4))

    def test_the_suggested_level_follows_the_answers(self):
        none = dict.fromkeys(QUESTION_CODES, "no")
        self.assertEqual(suggested_level(none), "low")
        self.assertEqual(suggested_level({**none, "debt": "yes"}), "medium")
        self.assertEqual(suggested_level({**none, "relatives_threatened": "yes"}), "high")
        self.assertEqual(suggested_level({**none, "debt": "yes", "witness": "yes", "rejection": "yes"}), "high")

    def test_a_risk_assessment_keeps_codes_in_the_log_and_notes_encrypted(self):
        answers = {**dict.fromkeys(QUESTION_CODES, "no"), "witness": "yes"}
        actions.risk_assess(case=self.case, acting_user=self.p.owner, assessed_on=d(2025, 8, 5), answers=answers,
                            level="medium", notes="Chị Thử sợ gặp lại người môi giới ở chợ")
        entry = AuditEntry.objects.get(action="support.risk_assess")
        self.assertNotIn("môi giới", str(entry.changes))
        self.assertEqual(entry.changes["level"], [None, "medium"])
        with self.assertRaises(ValidationError) as raised:
            actions.risk_assess(case=self.case, acting_user=self.p.owner, assessed_on=d(2025, 8, 3),
                                answers=answers, level="extreme")
        self.assertEqual(set(raised.exception.message_dict), {"assessed_on", "level"})
        with self.assertRaises(PermissionDenied):
            actions.risk_assess(case=self.case, acting_user=self.p.readonly, assessed_on=d(2025, 8, 5),
                                answers=answers, level="medium")
        with self.assertRaises(Http404):
            actions.risk_assess(case=self.case, acting_user=self.p.outsider, assessed_on=d(2025, 8, 5),
                                answers=answers, level="medium")

    def test_safety_measures_have_an_agency_and_dates(self):
        with self.assertRaises(ValidationError) as raised:
            actions.safety_measure_add(case=self.case, acting_user=self.p.owner, kind="bodyguard",
                                       responsible_agency=None, starts_on=d(2025, 8, 10), ends_on=d(2025, 8, 9))
        self.assertEqual(set(raised.exception.message_dict), {"kind", "responsible_agency", "ends_on"})
        measure = actions.safety_measure_add(case=self.case, acting_user=self.p.owner, kind="police_protection",
                                             protects="relatives", responsible_agency=self.p.partner_agency,
                                             starts_on=d(2025, 8, 5), details="Nhà ở xóm 3")
        self.assertEqual(measure.status(d(2025, 8, 4)), "planned")
        self.assertEqual(measure.status(d(2025, 8, 6)), "active")
        with self.assertRaises(ValidationError):
            actions.safety_measure_end(measure=measure, acting_user=self.p.owner, ended_on=d(2025, 8, 1))
        actions.safety_measure_end(measure=measure, acting_user=self.p.owner, ended_on=d(2025, 9, 1))
        self.assertEqual(SafetyMeasure.objects.get().status(d(2025, 9, 2)), "ended")
        with self.assertRaises(ValidationError):
            actions.safety_measure_end(measure=measure, acting_user=self.p.owner, ended_on=d(2025, 9, 2))
        self.assertNotIn("xóm", str(AuditEntry.objects.filter(action__startswith="support.measure")
                                    .values_list("changes", flat=True)))

    def test_needs_circumstances_and_plan(self):
        with self.assertRaises(ValidationError):
            actions.needs_assess(case=self.case, acting_user=self.p.owner, assessed_on=d(2025, 8, 5), needs=[])
        actions.needs_assess(case=self.case, acting_user=self.p.owner, assessed_on=d(2025, 8, 5),
                             needs=[self.t["b"]])
        self.assertEqual(NeedsAssessment.objects.get().needs.get().code, "b")
        with self.assertRaises(ValidationError) as raised:
            actions.circumstances_set(case=self.case, acting_user=self.p.owner, poor_household=True,
                                      arrived_on=d(2025, 8, 5))
        self.assertEqual(set(raised.exception.message_dict), {"poor_household_reference", "arrived_on"})
        actions.circumstances_set(case=self.case, acting_user=self.p.owner, poor_household=True,
                                  poor_household_reference="15/GCN-UBND")
        self.assertTrue(SupportCircumstances.objects.get().poor_household)
        self.assertNotIn("15/GCN", str(AuditEntry.objects.get(action="support.circumstances_set").changes))
        with self.assertRaises(ValidationError):
            actions.plan_service_add(case=self.case, acting_user=self.p.owner, support_type=self.t["b"],
                                     description="Khám", responsible_agency=self.p.province_agency,
                                     planned_from=d(2025, 8, 6))
        actions.plan_save(case=self.case, acting_user=self.p.owner, goals="Ổn định sức khỏe")
        service = actions.plan_service_add(case=self.case, acting_user=self.p.owner, support_type=self.t["b"],
                                           description="Khám", responsible_agency=self.p.province_agency,
                                           planned_from=d(2025, 8, 6))
        actions.plan_service_set_status(service=service, acting_user=self.p.owner, status="done")
        self.assertEqual(PlannedService.objects.get().status, "done")
        with self.assertRaises(ValidationError):
            actions.plan_service_set_status(service=service, acting_user=self.p.owner, status="forgotten")

    def test_every_event_reads_as_a_sentence_without_identity(self):
        actions.safety_measure_add(case=self.case, acting_user=self.p.owner, kind="escort",
                                   responsible_agency=self.p.partner_agency, starts_on=d(2025, 8, 5))
        actions.needs_assess(case=self.case, acting_user=self.p.owner, assessed_on=d(2025, 8, 5),
                             needs=[self.t["dd"], self.t["a"]])
        record_support(case=self.case, acting_user=self.p.owner, support_type=self.t["a"], given_on=d(2025, 8, 5),
                       giving_agency=self.p.owner_agency, amount=150_000)
        record_refusal(case=self.case, acting_user=self.p.owner, refused_on=d(2025, 8, 6),
                       support_type=self.t["g"])
        with translation.override("en"):
            sentences = [describe_event(e) for e in CaseEvent.objects.filter(kind__startswith="support.")
                         .order_by("pk")]
        self.assertEqual(sentences, [
            "Safety measure recorded: Escort (Công an tỉnh Đồng Tháp (thử))",
            "Needs assessed (a, đ)",
            "Support given (a): 150,000 ₫",
            "The person refused support (g) on 06/08/2025",
        ])
        self.assertIsNone(describe_event(CaseEvent(kind="case.received")))
