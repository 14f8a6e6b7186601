import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from trove.core.models import Participation
from trove.verification.actions import close_request, reply_to_request, send_request
from trove.verification.models import RequestKind, RequestReply, RequestStatus
from trove.verification.tests.helpers import VerificationTestCase, open_case


class RequestTests(VerificationTestCase):
    def setUp(self):
        self.case = open_case(self.p)
        self.due = timezone.localdate() + datetime.timedelta(days=5)

    def send(self, **overrides):
        values = {"to_agency": self.p.partner_agency, "kind": RequestKind.VERIFY_IDENTITY, "due_on": self.due}
        values.update(overrides)
        return send_request(case=self.case, acting_user=self.p.owner, **values)

    def test_the_requested_agency_takes_part_while_the_request_is_open(self):
        pages = [reverse("cases:detail", args=[self.case.code]), reverse("verification:case", args=[self.case.code])]
        self.sign_in(self.p.partner)
        for url in pages:
            self.assertEqual(self.client.get(url).status_code, 404)
        verification_request = self.send()
        self.assertTrue(Participation.objects.active().filter(agency=self.p.partner_agency).exists())
        for url in pages:
            self.assertEqual(self.client.get(url).status_code, 200)
        reply_to_request(verification_request=verification_request, acting_user=self.p.partner,
                         text="Xác minh: đúng người, đúng địa chỉ thường trú")
        verification_request.refresh_from_db()
        self.assertEqual(verification_request.status, RequestStatus.ANSWERED)
        close_request(verification_request=verification_request, acting_user=self.p.owner)
        self.assertFalse(Participation.objects.active().filter(agency=self.p.partner_agency).exists())
        for url in pages:
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_reply_after_the_request_was_closed_is_refused(self):
        verification_request = self.send()
        close_request(verification_request=verification_request, acting_user=self.p.owner)
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            reply_to_request(verification_request=verification_request, acting_user=self.p.partner, text="Trả lời")
        self.assertIn("closed request takes no more answers", raised.exception.messages[0])
        self.assertFalse(RequestReply.objects.exists())

    def test_only_members_of_the_requested_agency_may_reply_and_the_reply_is_encrypted(self):
        verification_request = self.send()
        for user in (self.p.owner, self.p.readonly, self.p.outsider, self.p.supervisor):
            with self.assertRaises(PermissionDenied):
                reply_to_request(verification_request=verification_request, acting_user=user, text="Trả lời")
        reply_to_request(verification_request=verification_request, acting_user=self.p.partner, text="Nguyễn Văn A")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT text FROM verification_requestreply")
            self.assertNotIn("Nguyễn", cursor.fetchone()[0])

    def test_bad_requests_are_refused(self):
        with self.assertRaises(ValidationError) as raised:
            self.send(to_agency=self.p.owner_agency, due_on=timezone.localdate() - datetime.timedelta(days=1),
                      kind="gossip")
        self.assertEqual(set(raised.exception.message_dict), {"to_agency", "due_on", "kind"})
        with self.assertRaises(PermissionDenied):
            send_request(case=self.case, acting_user=self.p.readonly, to_agency=self.p.partner_agency,
                         kind=RequestKind.VERIFY_IDENTITY, due_on=self.due)
        self.assertFalse(Participation.objects.exists())

    def test_the_requested_agency_cannot_close_the_request(self):
        verification_request = self.send()
        with self.assertRaises(PermissionDenied):
            close_request(verification_request=verification_request, acting_user=self.p.partner)
        with self.assertRaises(ValidationError):
            close_request(verification_request=close_request(verification_request=verification_request,
                                                              acting_user=self.p.owner), acting_user=self.p.owner)
