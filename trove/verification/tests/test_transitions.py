from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from trove.cases.models import Case, CaseStatus
from trove.rules.models import IdentificationGround
from trove.verification.actions import approve_decision, change_status, propose_decision, reopen, tick_ground
from trove.verification.tests.helpers import VerificationTestCase, open_case, vn
from trove.verification.transitions import TRANSITIONS, Via, check_transition


def test_the_table_allows_the_documented_path_and_refuses_others():
    check_transition("received", "being_identified", Via.INTAKE)
    check_transition("verifying", "identified_victim", Via.DECISION)
    check_transition("identified_victim", "supporting", Via.MANUAL)
    check_transition("reintegrating", "closed", Via.CLOSE)
    for source, target, via in [("received", "identified_victim", Via.MANUAL), ("verifying", "closed", Via.CLOSE),
                                ("being_identified", "identified_victim", Via.MANUAL),
                                ("closed", "received", Via.REOPEN), ("supporting", "verifying", Via.MANUAL)]:
        try:
            check_transition(source, target, via)
        except ValidationError:
            continue
        raise AssertionError(f"{source} -> {target} by {via} should be refused")
    assert all(t.rule for t in TRANSITIONS)


class StatusChangeTests(VerificationTestCase):
    def setUp(self):
        self.case = open_case(self.p, received_at=vn(2026, 1, 6))

    def identify(self, outcome="victim"):
        ground = IdentificationGround.objects.filter(regime__code="B").first()
        tick_ground(case=self.case, acting_user=self.p.owner, ground=ground, source="Công văn 12/CAT")
        decision = propose_decision(case=self.case, acting_user=self.verifier, outcome=outcome,
                                    reasons="Đủ căn cứ", decision_date=timezone.localdate())
        approve_decision(decision=decision, acting_user=self.p.supervisor)
        self.case.refresh_from_db()

    def test_identification_only_through_an_approved_decision_names_the_rule(self):
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            change_status(case=self.case, acting_user=self.p.owner, to=CaseStatus.IDENTIFIED_VICTIM)
        self.assertIn("Only an approved identification decision", raised.exception.messages[0])
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, CaseStatus.BEING_IDENTIFIED)

    def test_support_reintegration_close_and_reopen(self):
        self.identify()
        change_status(case=self.case, acting_user=self.p.owner, to=CaseStatus.SUPPORTING)
        change_status(case=self.case, acting_user=self.p.owner, to=CaseStatus.REINTEGRATING)
        with self.assertRaises(ValidationError):
            change_status(case=self.case, acting_user=self.p.owner, to=CaseStatus.CLOSED, reason="")
        change_status(case=self.case, acting_user=self.p.owner, to=CaseStatus.CLOSED, reason="reintegrated")
        case = Case.objects.get(pk=self.case.pk)
        self.assertEqual((case.status, case.closed_reason), (CaseStatus.CLOSED, "reintegrated"))
        with self.assertRaises(ValidationError):
            reopen(case=self.case, acting_user=self.p.owner, reason="lý do")
        reopen(case=self.case, acting_user=self.p.owner, reason="Người này bị mua bán lại, cần hỗ trợ tiếp")
        case = Case.objects.get(pk=self.case.pk)
        self.assertEqual((case.status, case.closed_reason), (CaseStatus.REINTEGRATING, ""))

    def test_a_case_decided_not_a_victim_reopens_into_identification(self):
        self.identify("not_victim")
        self.assertEqual(self.case.status, CaseStatus.NOT_VICTIM)
        reopen(case=self.case, acting_user=self.p.owner, reason="Có chứng cứ mới từ Công an tỉnh")
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, CaseStatus.BEING_IDENTIFIED)

    def test_a_case_in_verification_cannot_be_reopened_or_closed(self):
        with self.assertRaises(ValidationError):
            reopen(case=self.case, acting_user=self.p.owner, reason="Không có lý do hợp lệ ở đây")
        with self.assertRaises(ValidationError):
            change_status(case=self.case, acting_user=self.p.owner, to=CaseStatus.CLOSED, reason="moved")
