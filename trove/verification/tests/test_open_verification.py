import datetime

from django.core.exceptions import ValidationError

from trove.cases.models import CaseEvent, CaseStatus
from trove.core.models import AuditEntry
from trove.rules.models import LimitKind, ProcedureStep
from trove.verification.actions import open_verification
from trove.verification.models import VerificationStep
from trove.verification.tests.helpers import VerificationTestCase, open_case, vn


def steps_of(case):
    return {s.rule.code: s for s in VerificationStep.objects.filter(case=case).select_related("rule")}


class OpenVerificationTests(VerificationTestCase):
    def test_a_2019_case_follows_regime_a_with_the_labour_office_within_3_days(self):
        case = open_case(self.p, received_at=vn(2019, 5, 14))
        steps = steps_of(case)
        self.assertEqual(list(steps), ["declaration", "labour_office_review", "police_verification"])
        self.assertEqual({s.regime_code for s in steps.values()}, {"A"})
        self.assertEqual(steps["labour_office_review"].deadline, datetime.date(2019, 5, 17))
        self.assertIsNone(steps["police_verification"].deadline)  # the law leaves it unset
        case.refresh_from_db()
        self.assertEqual(case.status, CaseStatus.VERIFYING)

    def test_a_2026_case_follows_regime_b_with_the_3_day_first_check_and_is_being_identified(self):
        case = open_case(self.p, received_at=vn(2026, 3, 2, 16, 30))
        steps = steps_of(case)
        self.assertEqual(list(steps), ["receive_and_bring", "notify_health_department", "first_check", "verification"])
        self.assertEqual({s.regime_code for s in steps.values()}, {"B"})
        self.assertEqual(steps["receive_and_bring"].deadline, datetime.date(2026, 3, 2))  # at once
        self.assertEqual(steps["first_check"].deadline, datetime.date(2026, 3, 5))
        self.assertIsNone(steps["verification"].deadline)
        case.refresh_from_db()
        self.assertEqual(case.status, CaseStatus.BEING_IDENTIFIED)

    def test_the_last_day_of_regime_a_and_the_first_of_regime_b(self):
        # 23:30 in Vietnam on 30 June is still 30 June, whatever the server's clock says.
        before = open_case(self.p, received_at=vn(2025, 6, 30, 23, 30))
        after = open_case(self.p, received_at=vn(2025, 7, 1, 0, 30))
        self.assertEqual({s.regime_code for s in steps_of(before).values()}, {"A"})
        self.assertEqual({s.regime_code for s in steps_of(after).values()}, {"B"})
        before.refresh_from_db()
        after.refresh_from_db()
        self.assertEqual((before.status, after.status), (CaseStatus.VERIFYING, CaseStatus.BEING_IDENTIFIED))

    def test_a_working_day_limit_skips_tet_2026(self):
        # No shipped step counts working days yet; an administrator may set one so. Tết 2026: 16-20 February.
        ProcedureStep.objects.filter(regime__code="B", channel="self_reported", code="first_check").update(
            limit_kind=LimitKind.WORKING)
        case = open_case(self.p, received_at=vn(2026, 2, 13))  # a Friday
        self.assertEqual(steps_of(case)["first_check"].deadline, datetime.date(2026, 2, 25))
        calendar = open_case(self.p, received_at=vn(2026, 2, 13), channel="hotline")
        self.assertEqual(steps_of(calendar)["first_check"].deadline, datetime.date(2026, 2, 16))

    def test_a_mission_return_under_regime_b_has_one_step_without_a_time_limit(self):
        case = open_case(self.p, received_at=vn(2026, 1, 6), channel="returned_mission")
        steps = steps_of(case)
        self.assertEqual(list(steps), ["receive_verify_confirm"])
        self.assertIsNone(steps["receive_verify_confirm"].deadline)

    def test_it_writes_the_timeline_and_the_audit_and_refuses_to_open_twice(self):
        case = open_case(self.p, received_at=vn(2026, 1, 6))
        kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
        self.assertEqual(kinds, ["case.received", "verification.opened", "case.status_changed"])
        self.assertTrue(AuditEntry.objects.filter(action="verification.open", object_id=str(case.pk)).exists())
        with self.assertRaises(ValidationError):
            open_verification(case=case, acting_user=self.p.owner)
        self.assertEqual(VerificationStep.objects.filter(case=case).count(), 4)
