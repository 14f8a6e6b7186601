from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from trove.cases.models import CaseEvent
from trove.verification.actions import complete_step, skip_step
from trove.verification.models import StepStatus, VerificationStep
from trove.verification.tests.helpers import VerificationTestCase, open_case, vn


class StepTests(VerificationTestCase):
    def setUp(self):
        self.case = open_case(self.p, received_at=vn(2026, 3, 2))
        self.steps = list(VerificationStep.objects.filter(case=self.case).order_by("order"))

    def test_completing_a_step_whose_predecessors_are_pending_is_refused(self):
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            complete_step(step=self.steps[2], acting_user=self.p.owner)
        self.assertIn("Skipping a step is not allowed", raised.exception.messages[0])
        self.assertIn("Điều 27", raised.exception.messages[0])  # the rule's citation
        self.steps[2].refresh_from_db()
        self.assertEqual(self.steps[2].status, StepStatus.PENDING)

    def test_skipping_needs_a_reason_and_the_steps_close_in_order(self):
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            skip_step(step=self.steps[0], acting_user=self.p.owner, reason="  ")
        self.assertIn("reason", raised.exception.messages[0])
        skip_step(step=self.steps[0], acting_user=self.p.owner, reason="Người dân tự đến UBND xã")
        complete_step(step=self.steps[1], acting_user=self.p.owner, note="Đã báo Sở Y tế qua điện thoại")
        statuses = list(VerificationStep.objects.filter(case=self.case).order_by("order")
                        .values_list("status", flat=True))
        self.assertEqual(statuses[:3], [StepStatus.SKIPPED, StepStatus.DONE, StepStatus.PENDING])
        self.assertEqual(VerificationStep.objects.get(pk=self.steps[0].pk).note, "Người dân tự đến UBND xã")
        kinds = list(CaseEvent.objects.filter(case=self.case).values_list("kind", flat=True))
        self.assertIn("verification.step_skipped", kinds)
        self.assertIn("verification.step_done", kinds)

    def test_a_closed_step_cannot_be_closed_again(self):
        complete_step(step=self.steps[0], acting_user=self.p.owner)
        with self.assertRaises(ValidationError):
            complete_step(step=self.steps[0], acting_user=self.p.owner)

    def test_a_read_only_member_and_an_outsider_cannot_close_steps(self):
        for user in (self.p.readonly, self.p.outsider, self.p.statistician):
            with self.assertRaises(PermissionDenied):
                complete_step(step=self.steps[0], acting_user=user)
        self.assertFalse(VerificationStep.objects.filter(case=self.case).exclude(status=StepStatus.PENDING).exists())
