import datetime
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from trove.notifications.models import Notification
from trove.verification.actions import send_request
from trove.verification.models import RequestKind
from trove.verification.reminders import send_reminders
from trove.verification.tests.helpers import NAME, VerificationTestCase, open_case


class SendRemindersTests(VerificationTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user, address in ((cls.p.owner, "owner@example.vn"), (cls.p.partner, "partner@example.vn"),
                              (cls.p.readonly, "readonly@example.vn")):
            user.email = address
            user.save(update_fields=["email"])
        # Received five days ago: the 3-day first check is overdue.
        cls.case = open_case(cls.p, received_at=timezone.now() - datetime.timedelta(days=5))

    def test_it_notifies_the_owning_agencys_editors_once_a_day_and_sends_one_email_each(self):
        out = StringIO()
        call_command("send_reminders", "--days", "2", stdout=out)
        notes = Notification.objects.filter(user=self.p.owner)
        # Three "at once" or 3-day steps are due or overdue; the step without a time limit is not.
        self.assertEqual(notes.count(), 3)
        self.assertTrue(all(self.case.code in n.message and NAME not in n.message for n in notes))
        self.assertTrue(any("quá hạn" in n.message for n in notes))  # Vietnamese, the system's language
        # The owning agency's verifier may edit too (no e-mail address: in-app only); members who may not edit
        # (read-only) and other agencies get nothing.
        self.assertEqual(Notification.objects.filter(user=self.verifier).count(), 3)
        self.assertFalse(Notification.objects.exclude(user__in=[self.p.owner, self.verifier]).exists())
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["owner@example.vn"])
        self.assertIn(self.case.code, mail.outbox[0].body)
        self.assertNotIn(NAME, mail.outbox[0].body)
        self.assertIn("6 notifications created, 1 e-mails sent", out.getvalue())

        call_command("send_reminders", stdout=StringIO())
        self.assertEqual(Notification.objects.count(), 6)
        self.assertEqual(len(mail.outbox), 1)

    def test_the_next_day_reminds_again(self):
        today = timezone.localdate()
        send_reminders(today=today)
        send_reminders(today=today + datetime.timedelta(days=1))
        self.assertEqual(Notification.objects.filter(user=self.p.owner).count(), 6)
        self.assertEqual(len(mail.outbox), 2)

    def test_a_request_past_due_reminds_the_requested_agency(self):
        send_request(case=self.case, acting_user=self.p.owner, to_agency=self.p.partner_agency,
                     kind=RequestKind.VERIFY_IDENTITY, due_on=timezone.localdate())
        run = send_reminders(today=timezone.localdate() + datetime.timedelta(days=1))
        partner_notes = Notification.objects.filter(user=self.p.partner)
        self.assertEqual(partner_notes.count(), 1)
        self.assertIn(self.case.code, partner_notes.get().message)
        self.assertEqual(run.emails, 2)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["owner@example.vn", "partner@example.vn"])

    def test_steps_not_due_soon_are_left_alone(self):
        fresh = open_case(self.p, received_at=timezone.now() - datetime.timedelta(hours=1), channel="returned_mission")
        send_reminders(days=0)
        self.assertFalse(Notification.objects.filter(message__contains=fresh.code).exists())
