import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone, translation

from trove.core import policy
from trove.core.models import AuditEntry
from trove.geo.models import AdminUnit
from trove.intel.actions import tip_assign, tip_classify, tip_conclude, tip_record_step
from trove.intel.models import Tip, TipStatus, TipStep, TipTimeLimit
from trove.intel.tests.helpers import CONTENT, INFORMANT, IntelTestCase, days_ago, open_proceeding, receive, vn
from trove.notifications.models import Notification


class ReceiveTests(IntelTestCase):
    def test_a_tip_gets_a_code_its_deadlines_and_keeps_what_may_identify_encrypted(self):
        tip = receive(self, received_at=vn(2026, 11, 27, 16))  # a Friday
        self.assertRegex(tip.code, r"^TB-2026-\d{5}$")
        self.assertEqual(tip.owner_agency, self.p.owner_agency)
        self.assertEqual(tip.status, TipStatus.RECEIVED)
        # Shipped defaults: 3 working days to classify (Mon, Tue, Wed), 20 calendar days to handle.
        self.assertEqual(tip.classification_due, datetime.date(2026, 12, 2))
        self.assertEqual(tip.handling_due, datetime.date(2026, 12, 17))
        self.assertEqual(tip.next_due, tip.classification_due)
        with connection.cursor() as cursor:
            cursor.execute("SELECT content, informant_name, informant_contact, subjects, place_text FROM intel_tip")
            raw = " ".join(cursor.fetchone())
        for secret in (CONTENT, INFORMANT, "0277 3000", "Tư", "Ấp Thử"):
            self.assertNotIn(secret, raw)
        entry = AuditEntry.objects.get(action="tip.receive")
        self.assertNotIn(INFORMANT, str(entry.changes))
        self.assertEqual(TipStep.objects.get(tip=tip).kind, "received")

    def test_bad_input_is_refused_with_every_message_and_nothing_is_saved(self):
        legacy = AdminUnit.objects.by_key("legacy:29926")
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            receive(self, source="rumour", content=" ", unit=legacy, informant_anonymous=True,
                    incident_on=timezone.localdate() + datetime.timedelta(days=1))
        errors = raised.exception.message_dict
        self.assertEqual(set(errors), {"source", "content", "unit", "informant_name", "incident_on"})
        self.assertIn("units changed on 1 July 2025", errors["unit"][0])
        with self.assertRaises(ValidationError) as raised:
            receive(self, received_at=timezone.now() + datetime.timedelta(days=1))
        self.assertIn("received_at", raised.exception.message_dict)
        self.assertFalse(Tip.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action="tip.receive").exists())

    def test_only_members_who_record_tips_in_that_agency_may_record_one(self):
        for user in (self.p.owner, self.p.readonly, self.p.outsider, self.far_intake):
            with self.assertRaises(PermissionDenied):
                receive(self, user=user)
        self.assertFalse(Tip.objects.exists())


class DeadlineTests(IntelTestCase):
    def test_the_time_limits_are_rows_an_administrator_changes_and_they_apply_by_the_day_received(self):
        row = TipTimeLimit.objects.get(kind="classification")
        self.assertFalse(row.confirmed_by_law)
        self.assertTrue(row.citation)
        row.valid_to = datetime.date(2026, 10, 31)
        row.save()
        TipTimeLimit.objects.create(code="tip-classification-2026-11", kind="classification", days=1,
                                    limit_kind="calendar", valid_from=datetime.date(2026, 11, 1),
                                    citation="Quyết định thử của UBND tỉnh")
        before = receive(self, received_at=vn(2026, 10, 30, 9))  # Friday, old row: 3 working days
        after = receive(self, received_at=vn(2026, 11, 27, 9))  # new row: 1 calendar day
        self.assertEqual(before.classification_due, datetime.date(2026, 11, 4))
        self.assertEqual(after.classification_due, datetime.date(2026, 11, 28))

    def test_an_unset_limit_gives_no_deadline_and_never_makes_a_tip_overdue(self):
        TipTimeLimit.objects.filter(kind="classification").update(days=None)
        tip = receive(self, received_at=vn(2026, 9, 1))
        self.assertIsNone(tip.classification_due)
        self.assertFalse(tip.classification_overdue)
        tip_classify(tip=tip, acting_user=self.intake, classification="related", priority="normal")
        self.assertTrue(tip.classified_on_time)

    def test_overlapping_rows_of_one_kind_are_refused(self):
        row = TipTimeLimit(code="clash", kind="handling", days=5, citation="x", valid_from=datetime.date(2026, 1, 1))
        with self.assertRaises(ValidationError):
            row.full_clean()

    def test_classification_within_or_after_the_limit_is_told_apart(self):
        late = receive(self, received_at=vn(2026, 11, 2, 9))  # Monday: due Thursday 5 November
        tip_classify(tip=late, acting_user=self.intake, classification="trafficking", priority="high",
                     classified_on=datetime.date(2026, 11, 6))
        on_time = receive(self, received_at=vn(2026, 11, 2, 9))
        tip_classify(tip=on_time, acting_user=self.intake, classification="trafficking", priority="high",
                     classified_on=datetime.date(2026, 11, 5))
        self.assertFalse(Tip.objects.get(pk=late.pk).classified_on_time)
        self.assertTrue(Tip.objects.get(pk=on_time.pk).classified_on_time)
        self.assertFalse(TipStep.objects.get(tip=late, kind="classified").details["on_time"])


class ClassifyTests(IntelTestCase):
    def setUp(self):
        self.tip = receive(self, received_at=timezone.now() - datetime.timedelta(days=2))

    def test_a_tip_classified_twice_is_refused_and_the_first_classification_stays(self):
        tip_classify(tip=self.tip, acting_user=self.intake, classification="trafficking", priority="urgent")
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            tip_classify(tip=Tip.objects.get(pk=self.tip.pk), acting_user=self.p.supervisor,
                         classification="not_related", priority="low")
        self.assertIn("a tip is classified once", raised.exception.message_dict["classification"][0])
        tip = Tip.objects.get(pk=self.tip.pk)
        self.assertEqual((tip.classification, tip.priority), ("trafficking", "urgent"))
        self.assertEqual(AuditEntry.objects.filter(action="tip.classify").count(), 1)
        self.assertEqual(TipStep.objects.filter(tip=tip, kind="classified").count(), 1)

    def test_bad_classifications_are_refused(self):
        with self.assertRaises(ValidationError) as raised:
            tip_classify(tip=self.tip, acting_user=self.intake, classification="maybe", priority="soon",
                         classified_on=days_ago(10))
        self.assertEqual(set(raised.exception.message_dict), {"classification", "priority", "classified_on"})
        self.assertEqual(Tip.objects.get(pk=self.tip.pk).status, TipStatus.RECEIVED)

    def test_who_may_classify(self):
        with self.assertRaises(PermissionDenied):
            tip_classify(tip=self.tip, acting_user=self.p.readonly, classification="related", priority="normal")
        for user in (self.p.outsider, self.p.partner, self.far_intake, self.p.owner):
            with self.assertRaises(Http404):
                tip_classify(tip=self.tip, acting_user=user, classification="related", priority="normal")
        # A supervisor whose scope covers the tip may.
        tip_classify(tip=self.tip, acting_user=self.p.supervisor, classification="related", priority="normal")


class HandlingTests(IntelTestCase):
    def setUp(self):
        self.tip = receive(self, received_at=timezone.now() - datetime.timedelta(days=3))

    def test_the_outcome_needs_a_classification_and_is_recorded_once(self):
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            tip_conclude(tip=self.tip, acting_user=self.intake, outcome="closed", concluded_on=timezone.localdate())
        self.assertIn("Classify the tip", raised.exception.messages[0])
        tip_classify(tip=self.tip, acting_user=self.intake, classification="not_related", priority="low")
        tip_record_step(tip=self.tip, acting_user=self.intake, kind="check", done_on=timezone.localdate(),
                        note="Gọi lại cho người báo tin")
        tip_conclude(tip=self.tip, acting_user=self.intake, outcome="closed", concluded_on=timezone.localdate())
        tip = Tip.objects.get(pk=self.tip.pk)
        self.assertEqual((tip.status, tip.outcome, tip.next_due), (TipStatus.CONCLUDED, "closed", None))
        self.assertTrue(tip.handled_on_time)
        with self.assertRaises(ValidationError):
            tip_conclude(tip=tip, acting_user=self.intake, outcome="rescued", concluded_on=timezone.localdate(),
                         rescued_count=2)
        with self.assertRaises(ValidationError):
            tip_record_step(tip=tip, acting_user=self.intake, kind="check", done_on=timezone.localdate(), note="x")

    def test_outcomes_that_need_a_record_or_a_count(self):
        tip_classify(tip=self.tip, acting_user=self.intake, classification="trafficking", priority="high")
        with self.assertRaises(ValidationError) as raised:
            tip_conclude(tip=self.tip, acting_user=self.intake, outcome="became_case",
                         concluded_on=timezone.localdate())
        self.assertIn("case", raised.exception.message_dict)
        with self.assertRaises(ValidationError) as raised:
            tip_conclude(tip=self.tip, acting_user=self.intake, outcome="rescued", concluded_on=timezone.localdate())
        self.assertIn("rescued_count", raised.exception.message_dict)
        # The intake officer of the commune cannot see the police's proceeding: it cannot be named.
        proceeding = open_proceeding(self)
        with self.assertRaises(ValidationError) as raised:
            tip_conclude(tip=self.tip, acting_user=self.intake, outcome="passed_to_investigation",
                         concluded_on=timezone.localdate(), proceeding=proceeding)
        self.assertIn("proceeding", raised.exception.message_dict)
        self.assertEqual(Tip.objects.get(pk=self.tip.pk).status, TipStatus.CLASSIFIED)
        tip_conclude(tip=self.tip, acting_user=self.intake, outcome="rescued", concluded_on=timezone.localdate(),
                     rescued_count=3)
        self.assertEqual(Tip.objects.get(pk=self.tip.pk).rescued_count, 3)

    def test_steps_cannot_be_dated_before_the_tip_or_in_the_future(self):
        for day in (days_ago(10), timezone.localdate() + datetime.timedelta(days=1)):
            with self.assertRaises(ValidationError):
                tip_record_step(tip=self.tip, acting_user=self.intake, kind="field_check", done_on=day,
                                note="Xác minh tại chỗ")
        self.assertEqual(TipStep.objects.filter(tip=self.tip).count(), 1)


class AssignTests(IntelTestCase):
    def test_assigning_moves_the_tip_to_the_other_agency_audited_and_notified(self):
        tip = receive(self)
        verifier = self.p.partner
        self.assertFalse(policy.can(verifier, "tip.view", tip))
        with self.captureOnCommitCallbacks(execute=True):
            tip_assign(tip=tip, acting_user=self.intake, to_agency=self.p.partner_agency)
        tip = Tip.objects.get(pk=tip.pk)
        self.assertEqual(tip.owner_agency, self.p.partner_agency)
        self.assertTrue(policy.can(verifier, "tip.record", tip))
        self.assertFalse(policy.can(self.intake, "tip.view", tip))  # the commune no longer sees it
        entry = AuditEntry.objects.get(action="tip.assign")
        self.assertEqual(entry.changes["owner_agency"], [self.p.owner_agency.pk, self.p.partner_agency.pk])
        self.assertTrue(Notification.objects.filter(user__in=[verifier, self.investigator],
                                                    message__contains=tip.code).exists())
        self.assertFalse(Notification.objects.filter(user=self.p.owner).exists())

    def test_assigning_to_the_same_agency_or_by_a_read_only_member_is_refused(self):
        tip = receive(self)
        with self.assertRaises(ValidationError):
            tip_assign(tip=tip, acting_user=self.intake, to_agency=self.p.owner_agency)
        with self.assertRaises(PermissionDenied):
            tip_assign(tip=tip, acting_user=self.p.readonly, to_agency=self.p.partner_agency)
        self.assertEqual(Tip.objects.get(pk=tip.pk).owner_agency, self.p.owner_agency)
        self.assertFalse(AuditEntry.objects.filter(action="tip.assign").exists())
