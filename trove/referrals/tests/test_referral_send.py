import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from trove.agencies.models import Agency, AgencyType
from trove.core.models import AuditEntry, Participation
from trove.notifications.models import Notification
from trove.referrals.models import ConsentBasis, Referral, ReferralStatus
from trove.referrals.tests.helpers import NAME, ReferralTestCase, open_case, today


class ConsentTests(ReferralTestCase):
    def setUp(self):
        self.case = open_case(self.p)

    def assert_nothing_saved(self):
        self.assertFalse(Referral.objects.exists())
        self.assertFalse(Participation.objects.filter(reason="referral").exists())
        self.assertFalse(AuditEntry.objects.filter(action__startswith="referral.").exists())

    def test_without_consent_the_referral_is_refused_citing_the_law(self):
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            self.send(self.case, consent_basis=None)
        message = " ".join(raised.exception.message_dict["consent_basis"])
        self.assertIn("91/2025/QH15", message)
        self.assertIn("Without consent the referral is refused", message)
        self.assert_nothing_saved()

    def test_consent_says_who_and_when_and_comes_before_the_referral(self):
        with self.assertRaises(ValidationError) as raised:
            self.send(self.case, consent_by=" ", consent_on=today() + datetime.timedelta(days=1))
        self.assertEqual(set(raised.exception.message_dict), {"consent_by", "consent_on"})
        with self.assertRaises(ValidationError) as raised:
            self.send(self.case, referred_on=today() - datetime.timedelta(days=2), consent_on=today())
        self.assertIn("consent_on", raised.exception.message_dict)
        self.assert_nothing_saved()

    def test_a_consent_rule_not_in_force_on_the_referral_date_is_refused(self):
        old = ConsentBasis.objects.get(code="signed", valid_to="2025-12-31")
        with self.assertRaises(ValidationError) as raised:
            self.send(self.case, consent_basis=old)
        self.assertIn("consent_basis", raised.exception.message_dict)
        self.assert_nothing_saved()

    def test_the_legal_exception_needs_the_permission_and_a_written_reason(self):
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            self.send(self.case, consent_basis=self.exception,
                      exception_reason="Theo quy định của pháp luật về tố tụng")
        self.assertIn("Only a member allowed to record the legal exception",
                      " ".join(raised.exception.message_dict["consent_basis"]))
        with self.assertRaises(ValidationError) as raised:
            self.send(self.case, user=self.p.supervisor, consent_basis=self.exception, exception_reason="ngắn")
        self.assertIn("exception_reason", raised.exception.message_dict)
        self.assert_nothing_saved()

    def test_a_supervisor_records_the_exception_which_is_audited_without_its_text(self):
        reason = "Cơ quan điều tra yêu cầu theo Bộ luật Tố tụng hình sự, cần bảo vệ ngay"
        referral = self.send(self.case, user=self.p.supervisor, consent_basis=self.exception, consent_by="",
                             consent_on=None, exception_reason=reason)
        referral.refresh_from_db()
        self.assertEqual(referral.exception_reason, reason)
        entry = AuditEntry.objects.get(action="referral.consent_exception")
        self.assertEqual(entry.object_id, str(referral.pk))
        self.assertNotIn("Bộ luật", str(entry.changes) + entry.reason)
        self.assertIn("91/2025/QH15", str(entry.changes))


class ReceiverTests(ReferralTestCase):
    def setUp(self):
        self.case = open_case(self.p)

    def test_a_referral_to_an_agency_that_no_longer_exists_is_refused(self):
        ended = Agency.objects.create(name="Phòng LĐ-TB&XH huyện Tân Hồng (thử)", agency_type=AgencyType.LABOUR_SOCIAL,
                                      unit=self.p.province, valid_to=datetime.date(2025, 6, 30))
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            self.send(self.case, to_agency=ended)
        message = " ".join(raised.exception.message_dict["to_agency"])
        self.assertIn("did not exist on the referral date", message)
        self.assertIn("30/06/2025", message)
        self.assertFalse(Referral.objects.exists())

    def test_one_receiver_not_ones_own_agency_not_in_the_future_with_sections(self):
        with self.assertRaises(ValidationError) as raised:
            self.send(self.case, to_agency=self.p.owner_agency, referred_on=today() + datetime.timedelta(days=1),
                      sections=[], needs="", service_kind="spa")
        self.assertEqual(set(raised.exception.message_dict),
                         {"to_agency", "referred_on", "needs", "service_kind", "sections"})
        with self.assertRaises(ValidationError) as raised:
            self.send(self.case, sections=[])
        self.assertIn("sections", raised.exception.message_dict)
        with self.assertRaises(ValidationError) as raised:
            self.send(self.case, provider_name="Trường THCS Tân Hồng")  # both an agency and a provider
        self.assertIn("to_agency", raised.exception.message_dict)
        with self.assertRaises(ValidationError):
            self.send(self.case, sections=["identity", "gossip"])
        self.assertFalse(Referral.objects.exists())

    def test_a_provider_outside_the_system_gets_no_access(self):
        referral = self.send(self.case, to_agency=None, provider_name="Trường THCS Tân Hồng", service_kind="school",
                             sections=["identity"])
        self.assertEqual((referral.sections, referral.participation), ([], None))
        self.assertFalse(Participation.objects.exists())
        self.assertFalse(Notification.objects.exists())

    def test_only_the_owner_side_with_the_permission_refers(self):
        for user in (self.p.readonly, self.p.outsider, self.p.partner):
            with self.assertRaises((PermissionDenied, Http404)):
                self.send(self.case, user=user)
        self.assertFalse(Referral.objects.exists())
        # A supervisor over the commune refers too.
        self.send(self.case, user=self.p.supervisor)

    def test_the_receivers_are_notified_without_identity_and_the_timeline_tells_it(self):
        with self.captureOnCommitCallbacks(execute=True):
            referral = self.send(self.case)
        notes = Notification.objects.filter(user=self.women)
        self.assertEqual(notes.count(), 1)
        note = notes.get()
        self.assertIn(self.case.code, note.message)
        self.assertIn("Học nghề", note.message)  # Vietnamese, the system's language
        self.assertNotIn(NAME, note.message)
        self.assertEqual(note.link, f"/referrals/{referral.pk}/")
        # The observer of the Women's Union may not receive referrals; the sender's side is not notified.
        self.assertFalse(Notification.objects.exclude(user__in=[self.women, self.both]).exists())
        self.assertEqual(referral.status, ReferralStatus.SENT)
        self.assertTrue(self.case.events.filter(kind="referral.sent").exists())
