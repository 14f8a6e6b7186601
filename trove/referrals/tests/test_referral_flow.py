import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from trove.core.models import Participation
from trove.notifications.models import Notification
from trove.referrals.actions import (
    referral_accept,
    referral_close,
    referral_decline,
    referral_record_service,
    referral_revoke,
)
from trove.referrals.models import Referral, ReferralService, ReferralStatus
from trove.referrals.tests.helpers import NAME, ReferralTestCase, open_case, today


class AccessTests(ReferralTestCase):
    """While the referral is open the receiver takes part in the case, sees the chosen sections only, and loses the
    case (404) when the referral ends."""

    def setUp(self):
        self.case = open_case(self.p)
        self.case_url = self.case.get_absolute_url()

    def case_page(self, user):
        self.sign_in(user)
        return self.client.get(self.case_url, HTTP_ACCEPT_LANGUAGE="en")

    def serve_and_close(self, referral):
        referral_accept(acting_user=self.women, referral=referral)
        referral_record_service(acting_user=self.women, referral=referral, given_on=today(),
                                description="Tư vấn học nghề may")
        referral_close(acting_user=self.women, referral=referral, feedback="Đã nhận vào lớp may khóa tháng 12")

    def test_the_receiver_sees_only_the_chosen_sections_while_open_and_gets_404_after_closing(self):
        self.assertEqual(self.case_page(self.women).status_code, 404)
        referral = self.send(self.case, sections=["needs", "followup"])
        response = self.case_page(self.women)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "sees only these parts of it")
        self.assertContains(response, "Reintegration follow-up")
        self.assertEqual(response.context["shown"], frozenset({"needs", "followup"}))
        # Not chosen: identity, intake, verification, timeline, referrals.
        for hidden in (NAME, "Received through", "Open the verification page", 'id="referrals"', "Intake"):
            self.assertNotContains(response, hidden)
        self.assertContains(response, self.case.pseudonym)
        self.serve_and_close(referral)
        self.assertEqual(self.case_page(self.women).status_code, 404)
        self.sign_in(self.women)
        self.assertEqual(self.client.get(reverse("referrals:detail", args=[referral.pk])).status_code, 404)
        self.assertFalse(Participation.objects.active().exists())

    def test_identity_is_shown_only_when_the_sender_chose_it(self):
        self.send(self.case, sections=["identity", "intake"])
        response = self.case_page(self.women)
        self.assertContains(response, NAME)
        self.assertContains(response, "Reported themselves")  # the intake's channel

    def test_declining_and_revoking_end_the_access(self):
        declined = self.send(self.case)
        with self.assertRaises(ValidationError):
            referral_decline(acting_user=self.women, referral=declined, reason_text="ngắn")
        referral_decline(acting_user=self.women, referral=declined, reason_text="Hết chỗ trong lớp học nghề tháng này")
        self.assertEqual(self.case_page(self.women).status_code, 404)
        revoked = self.send(self.case)
        self.assertEqual(self.case_page(self.women).status_code, 200)
        referral_accept(acting_user=self.women, referral=revoked)
        with self.assertRaises(PermissionDenied):
            referral_revoke(acting_user=self.women, referral=revoked, reason_text="Người được hỗ trợ đổi ý")
        referral_revoke(acting_user=self.p.owner, referral=revoked,
                        reason_text="Người được hỗ trợ đã chuyển đi nơi khác")
        self.assertEqual(self.case_page(self.women).status_code, 404)
        self.assertEqual(Referral.objects.get(pk=revoked.pk).status, ReferralStatus.REVOKED)


class AnswerTests(ReferralTestCase):
    def setUp(self):
        self.case = open_case(self.p)
        self.referral = self.send(self.case)

    def test_accepting_ones_own_referral_is_refused(self):
        own = self.send(self.case, user=self.both)
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            referral_accept(acting_user=self.both, referral=own)
        self.assertIn("You cannot answer a referral your own agency sent", raised.exception.messages[0])
        self.assertEqual(Referral.objects.get(pk=own.pk).status, ReferralStatus.SENT)
        with self.assertRaises((PermissionDenied, Http404)):
            referral_accept(acting_user=self.p.owner, referral=self.referral)  # the sender, not a receiver
        self.assertEqual(Referral.objects.get(pk=self.referral.pk).status, ReferralStatus.SENT)

    def test_only_members_of_the_receiving_agency_who_handle_referrals_answer(self):
        with self.assertRaises(PermissionDenied):
            referral_accept(acting_user=self.women_reader, referral=self.referral)  # an observer
        for user in (self.protector, self.p.outsider):
            with self.assertRaises(Http404):
                referral_accept(acting_user=user, referral=self.referral)
        referral_accept(acting_user=self.women, referral=self.referral)
        with self.assertRaises(ValidationError):
            referral_accept(acting_user=self.women, referral=self.referral)

    def test_services_before_closing_and_the_sender_is_told_of_each_change(self):
        with self.assertRaises(ValidationError):  # not accepted yet
            referral_record_service(acting_user=self.women, referral=self.referral, given_on=today(),
                                    description="Tư vấn")
        with self.captureOnCommitCallbacks(execute=True):
            referral_accept(acting_user=self.women, referral=self.referral)
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            referral_close(acting_user=self.women, referral=self.referral, feedback="Đã hoàn thành hỗ trợ")
        self.assertIn("Record the services given before closing", " ".join(raised.exception.messages))
        with self.assertRaises(ValidationError) as raised:
            referral_record_service(acting_user=self.women, referral=self.referral,
                                    given_on=today() + datetime.timedelta(days=1), description="")
        self.assertEqual(set(raised.exception.message_dict), {"given_on", "description"})
        self.assertFalse(ReferralService.objects.exists())
        with self.captureOnCommitCallbacks(execute=True):
            referral_record_service(acting_user=self.women, referral=self.referral, given_on=today(),
                                    description="Tư vấn nghề may")
            referral_close(acting_user=self.women, referral=self.referral, feedback="Đã vào lớp may, theo dõi tiếp")
        notes = list(Notification.objects.filter(user=self.p.owner).values_list("key", flat=True))
        self.assertEqual(len(notes), 3)
        self.assertTrue(all(key.startswith(f"referral:{self.referral.pk}:") for key in notes))
        self.assertFalse(Notification.objects.filter(user=self.p.owner, message__contains=NAME).exists())
        kinds = list(self.case.events.filter(kind__startswith="referral.").values_list("kind", flat=True))
        self.assertEqual(kinds, ["referral.sent", "referral.accepted", "referral.service_recorded",
                                 "referral.closed"])

    def test_the_receiver_is_told_when_the_sender_revokes(self):
        with self.captureOnCommitCallbacks(execute=True):
            referral_revoke(acting_user=self.p.owner, referral=self.referral, reason_text="Người được hỗ trợ đổi ý")
        note = Notification.objects.get(user=self.women, key=f"referral:{self.referral.pk}:revoked")
        self.assertIn(self.case.code, note.message)
        with self.assertRaises(ValidationError):
            referral_revoke(acting_user=self.p.owner, referral=self.referral, reason_text="Lần nữa, không hợp lệ")

    def test_the_sender_answers_for_a_provider_outside_the_system(self):
        school = self.send(self.case, to_agency=None, provider_name="Trường THCS Tân Hồng", service_kind="school")
        with self.assertRaises((PermissionDenied, Http404)):
            referral_accept(acting_user=self.women, referral=school)
        referral_accept(acting_user=self.p.owner, referral=school)
        referral_record_service(acting_user=self.p.owner, referral=school, given_on=today(),
                                description="Nhận vào lớp 8")
        referral_close(acting_user=self.p.owner, referral=school, feedback="Nhà trường xác nhận đã nhập học")
        self.assertEqual(Referral.objects.get(pk=school.pk).status, ReferralStatus.CLOSED)
