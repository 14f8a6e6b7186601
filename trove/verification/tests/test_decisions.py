import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from trove.cases.models import Case, CaseStatus
from trove.rules.models import IdentificationGround
from trove.verification.actions import (
    approve_decision,
    propose_decision,
    reject_decision,
    tick_ground,
    untick_ground,
)
from trove.verification.models import DecisionStatus, EvidenceItem, IdentificationDecision
from trove.verification.tests.helpers import VerificationTestCase, open_case, vn

TODAY = timezone.localdate


class DecisionTests(VerificationTestCase):
    def setUp(self):
        self.case = open_case(self.p, received_at=vn(2026, 1, 6))
        self.ground = IdentificationGround.objects.filter(regime__code="B").order_by("order").first()

    def propose(self, outcome="victim", user=None, **overrides):
        values = {"reasons": "Lời khai phù hợp với thông tin của Công an", "decision_date": TODAY()}
        values.update(overrides)
        return propose_decision(case=self.case, acting_user=user or self.verifier, outcome=outcome, **values)

    def test_deciding_victim_or_not_needs_a_ticked_ground(self):
        for outcome in ("victim", "not_victim"):
            with translation.override("en"), self.assertRaises(ValidationError) as raised:
                self.propose(outcome)
            self.assertIn("Art. 32", " ".join(raised.exception.messages))
        self.assertEqual(IdentificationDecision.objects.count(), 0)
        # Still being identified needs no ground.
        self.propose("still_being_identified")

    def test_a_decision_date_before_intake_or_in_the_future_is_refused(self):
        tick_ground(case=self.case, acting_user=self.p.owner, ground=self.ground, source="Công văn 12/CAT")
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            self.propose(decision_date=datetime.date(2026, 1, 5))
        self.assertIn("before the person was received", " ".join(raised.exception.message_dict["decision_date"]))
        with self.assertRaises(ValidationError):
            self.propose(decision_date=TODAY() + datetime.timedelta(days=1))
        self.assertEqual(IdentificationDecision.objects.count(), 0)
        self.propose(decision_date=datetime.date(2026, 1, 6))  # the intake day itself is fine

    def test_only_members_who_may_decide_propose(self):
        tick_ground(case=self.case, acting_user=self.p.owner, ground=self.ground, source="Công văn 12/CAT")
        for user in (self.p.owner, self.p.readonly, self.p.outsider):  # a caseworker does not decide
            with self.assertRaises(PermissionDenied):
                self.propose(user=user)

    def test_approving_ones_own_decision_is_refused(self):
        tick_ground(case=self.case, acting_user=self.p.owner, ground=self.ground, source="Công văn 12/CAT")
        decision = self.propose(user=self.p.supervisor)
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            approve_decision(decision=decision, acting_user=self.p.supervisor)
        self.assertIn("four-eyes", raised.exception.messages[0])
        decision.refresh_from_db()
        self.assertEqual(decision.status, DecisionStatus.PROPOSED)
        approve_decision(decision=decision, acting_user=self.supervisor2)
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, CaseStatus.IDENTIFIED_VICTIM)

    def test_approval_needs_case_approve(self):
        tick_ground(case=self.case, acting_user=self.p.owner, ground=self.ground, source="Công văn 12/CAT")
        decision = self.propose()
        for user in (self.p.owner, self.p.readonly, self.p.outsider):
            with self.assertRaises(PermissionDenied):
                approve_decision(decision=decision, acting_user=user)

    def test_approval_applies_the_outcome_to_the_status(self):
        tick_ground(case=self.case, acting_user=self.p.owner, ground=self.ground, source="Công văn 12/CAT")
        decision = approve_decision(decision=self.propose("victim"), acting_user=self.p.supervisor)
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, CaseStatus.IDENTIFIED_VICTIM)
        self.assertTrue(decision.number)
        self.assertEqual(list(decision.grounds.all()), [self.ground])

    def test_not_a_victim_and_still_being_identified(self):
        tick_ground(case=self.case, acting_user=self.p.owner, ground=self.ground, source="Công văn 12/CAT")
        approve_decision(decision=self.propose("still_being_identified"), acting_user=self.p.supervisor)
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, CaseStatus.BEING_IDENTIFIED)
        approve_decision(decision=self.propose("not_victim"), acting_user=self.p.supervisor)
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, CaseStatus.NOT_VICTIM)

    def test_rejection_needs_a_reason_and_keeps_the_status(self):
        tick_ground(case=self.case, acting_user=self.p.owner, ground=self.ground, source="Công văn 12/CAT")
        decision = self.propose()
        with self.assertRaises(ValidationError):
            reject_decision(decision=decision, acting_user=self.p.supervisor, reason="")
        reject_decision(decision=decision, acting_user=self.p.supervisor, reason="Chưa đủ căn cứ, cần xác minh thêm")
        decision.refresh_from_db()
        self.assertEqual(decision.status, DecisionStatus.REJECTED)
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, CaseStatus.BEING_IDENTIFIED)

    def test_one_decision_at_a_time_waits_for_approval(self):
        self.propose("still_being_identified")
        with self.assertRaises(ValidationError):
            self.propose("still_being_identified")

    def test_grounds_come_from_the_regime_of_the_intake_date_and_need_a_source(self):
        old_ground = IdentificationGround.objects.filter(regime__code="A").first()
        with self.assertRaises(ValidationError):
            tick_ground(case=self.case, acting_user=self.p.owner, ground=old_ground, source="Giấy xác nhận")
        with self.assertRaises(ValidationError):
            tick_ground(case=self.case, acting_user=self.p.owner, ground=self.ground, source=" ")
        tick_ground(case=self.case, acting_user=self.p.owner, ground=self.ground, source="Công văn 12/CAT")
        with self.assertRaises(ValidationError):
            tick_ground(case=self.case, acting_user=self.p.owner, ground=self.ground, source="Công văn 13/CAT")
        untick_ground(case=self.case, acting_user=self.p.owner, ground=self.ground)
        self.assertFalse(EvidenceItem.objects.exists())
        with self.assertRaises(PermissionDenied):
            tick_ground(case=self.case, acting_user=self.p.readonly, ground=self.ground, source="x")
