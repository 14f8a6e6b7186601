import datetime

from django.urls import reverse
from django.utils import timezone

from trove.core.models import AuditEntry
from trove.rules.models import IdentificationGround
from trove.verification.actions import propose_decision, send_request, tick_ground
from trove.verification.models import EvidenceItem, RequestKind, StepStatus, VerificationStep
from trove.verification.tests.helpers import NAME, VerificationTestCase, open_case


class CaseVerificationPageTests(VerificationTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = open_case(cls.p, received_at=timezone.now() - datetime.timedelta(days=5))
        cls.url = reverse("verification:case", args=[cls.case.code])
        cls.ground = IdentificationGround.objects.filter(regime__code="B").order_by("order").first()
        cls.step = VerificationStep.objects.filter(case=cls.case).order_by("order").first()

    def get(self, user):
        self.sign_in(user)
        return self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")

    def post_urls(self):
        code = self.case.code
        return [
            (reverse("verification:step_complete", args=[code, self.step.pk]), {"note": "x"}),
            (reverse("verification:step_skip", args=[code, self.step.pk]), {"note": "Không cần thiết ở đây"}),
            (reverse("verification:request_send", args=[code]),
             {"to_agency": self.p.partner_agency.pk, "kind": "verify_identity",
              "due_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()}),
            (reverse("verification:ground_tick", args=[code, self.ground.pk]), {"source": "Công văn 1"}),
            (reverse("verification:ground_untick", args=[code, self.ground.pk]), {}),
            (reverse("verification:decision_propose", args=[code]),
             {"outcome": "still_being_identified", "decision_date": timezone.localdate().isoformat(),
              "reasons": "Chưa đủ căn cứ"}),
            (reverse("verification:status_change", args=[code]), {"to": "supporting"}),
            (reverse("verification:case_reopen", args=[code]), {"reason": "Có thông tin mới cần xác minh"}),
        ]

    def test_the_owner_sees_steps_deadlines_checklist_and_forms(self):
        response = self.get(self.p.owner)
        self.assertEqual(response.status_code, 200)
        for text in ("first check", "overdue", "time limit not set", "Điều 32", "Send a verification request",
                     "Mark done", "Tick"):
            self.assertContains(response, text)
        self.assertNotContains(response, "Propose a decision")  # a caseworker does not decide
        self.assertNotContains(response, NAME)

    def test_a_read_only_member_sees_the_page_without_forms_and_gets_403_on_every_post(self):
        response = self.get(self.p.readonly)
        self.assertEqual(response.status_code, 200)
        for text in ("Mark done", "Send a verification request", "Propose a decision"):
            self.assertNotContains(response, text)
        for url, data in self.post_urls():
            self.assertEqual(self.client.post(url, data).status_code, 403, url)
        self.assertFalse(VerificationStep.objects.filter(case=self.case).exclude(status=StepStatus.PENDING).exists())

    def test_an_outsider_and_a_statistician_get_404_on_every_page_and_post(self):
        for user in (self.p.outsider, self.p.statistician, self.p.partner):
            self.assertEqual(self.get(user).status_code, 404)
            for url, data in self.post_urls():
                self.assertEqual(self.client.post(url, data).status_code, 404, url)
        self.assertFalse(EvidenceItem.objects.exists())

    def test_the_owner_acts_through_the_forms_and_refusals_are_shown(self):
        self.sign_in(self.p.owner)
        tick, untick = self.post_urls()[3], self.post_urls()[4]
        self.assertEqual(self.client.post(*tick).status_code, 302)
        self.assertTrue(EvidenceItem.objects.filter(case=self.case).exists())
        later = VerificationStep.objects.filter(case=self.case).order_by("order")[2]
        response = self.client.post(reverse("verification:step_complete", args=[self.case.code, later.pk]), {},
                                    HTTP_ACCEPT_LANGUAGE="en", follow=True)
        self.assertContains(response, "Skipping a step is not allowed")
        self.client.post(*untick)
        self.assertFalse(EvidenceItem.objects.exists())

    def test_a_supervisor_sees_the_approval_form_and_reasons_are_shown_only_with_identity_rights(self):
        tick_ground(case=self.case, acting_user=self.p.owner, ground=self.ground, source="Công văn 12/CAT")
        propose_decision(case=self.case, acting_user=self.verifier, outcome="victim",
                         reasons="Lời khai khớp với hồ sơ", decision_date=timezone.localdate())
        response = self.get(self.p.supervisor)
        self.assertContains(response, "Approve")
        self.assertContains(response, "Lời khai khớp với hồ sơ")
        self.assertTrue(AuditEntry.objects.filter(action="identity.view", actor=self.p.supervisor).exists())
        response = self.get(self.p.readonly)
        self.assertNotContains(response, "Lời khai khớp với hồ sơ")
        self.assertNotContains(response, "Approve")

    def test_the_requested_agency_may_answer_on_the_page(self):
        request = send_request(case=self.case, acting_user=self.p.owner, to_agency=self.p.partner_agency,
                               kind=RequestKind.VERIFY_IDENTITY, due_on=timezone.localdate())
        response = self.get(self.p.partner)
        self.assertContains(response, "Send the answer")
        self.assertNotContains(response, "Close the request")
        reply = reverse("verification:request_reply", args=[self.case.code, request.pk])
        self.assertEqual(self.client.post(reply, {"text": "Đã xác minh"}).status_code, 302)
        self.assertEqual(request.replies.count(), 1)
        self.sign_in(self.p.readonly)
        self.assertEqual(self.client.post(reply, {"text": "Đã xác minh"}).status_code, 403)

    def test_the_case_page_links_to_the_verification_and_tells_the_timeline(self):
        self.sign_in(self.p.owner)
        response = self.client.get(self.case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, self.url)
        self.assertContains(response, "Verification opened under regime B with 4 steps")
        self.assertContains(response, "Status changed from “Received” to “Being identified”")
