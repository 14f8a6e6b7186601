"""The support ledger: bad input refused with a clear message and nothing saved; overrides with a written reason by a
member who may approve support, audited without the reason's text; refusals of support; cancellations; receipts."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from trove.cases.models import Attachment, CaseEvent, CaseStatus
from trove.core.models import AuditEntry
from trove.support.ledger_actions import Receipt, cancel_entry, record_refusal, record_support
from trove.support.models import SupportEntry, SupportItem, SupportRefusal
from trove.support.tests.helpers import PDF, SupportTestCase, TemporaryAttachments, d, open_case, types, vn
from trove.verification.actions import change_status

OVERRIDE_REASON = "Chị Thử cần thêm ngày ở do đang điều trị"


class LedgerTestCase(SupportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.t = types()
        cls.case = open_case(cls.p, vn(2025, 8, 4))

    def give(self, user=None, code="a", day=None, **values):
        values.setdefault("giving_agency", self.p.owner_agency)
        return record_support(case=self.case, acting_user=user or self.p.owner, support_type=self.t[code],
                              given_on=day or d(2025, 8, 5), **values)

    def assert_nothing_saved(self):
        self.assertFalse(SupportEntry.objects.exists())
        self.assertFalse(SupportItem.objects.exists())
        self.assertFalse(CaseEvent.objects.filter(kind__startswith="support.").exists())
        self.assertFalse(AuditEntry.objects.filter(action__startswith="support.").exists())

    def refused(self, field, message, **values):
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            self.give(**values)
        self.assertIn(field, raised.exception.message_dict)
        self.assertIn(message, " ".join(raised.exception.message_dict[field]))
        self.assert_nothing_saved()


class BadInputTests(LedgerTestCase):
    def test_a_negative_amount_is_refused(self):
        self.refused("amount", "a negative amount cannot be recorded", amount=-50_000)
        self.refused("amount", "more than 0", amount=0)

    def test_a_non_integer_amount_is_refused(self):
        for amount in (150_000.5, Decimal("150000.50"), "150000", True):
            with self.subTest(amount=amount):
                self.refused("amount", "whole number of đồng", amount=amount)
        self.give(amount=Decimal("150000"))  # an integral Decimal is a whole number of đồng

    def test_a_date_before_intake_or_in_the_future_is_refused(self):
        self.refused("given_on", "before the person was received (04/08/2025)", day=d(2025, 8, 3), amount=100)
        self.refused("given_on", "in the future", day=timezone.localdate() + timezone.timedelta(days=1),
                     amount=100)
        self.give(day=d(2025, 8, 4), amount=100)  # the intake day itself is fine

    def test_an_item_given_zero_times_is_refused(self):
        self.refused("items", "must be a whole number of at least 1", items=[("clothes", 0)])
        self.refused("items", "at least 1", items=[("clothes", -2)])
        self.refused("items", "listed twice", items=[("soap", 1), ("soap", 1)])

    def test_an_entry_on_a_closed_case_is_refused(self):
        self.identify(self.case, d(2025, 8, 10))
        change_status(case=self.case, acting_user=self.p.owner, to=CaseStatus.CLOSED, reason="reintegrated")
        self.case.refresh_from_db()
        self.refused("__all__", "The case is closed", amount=100_000)
        with self.assertRaises(ValidationError):
            record_refusal(case=self.case, acting_user=self.p.owner, refused_on=d(2025, 8, 20))
        self.assertFalse(SupportRefusal.objects.exists())

    def test_an_entry_needs_something_given_and_whole_days(self):
        self.refused("__all__", "Give the amount paid, the items given in kind, or describe the service")
        self.refused("days_covered", "whole number of at least 1", amount=100, days_covered=0)

    def test_every_problem_is_named_at_once(self):
        with self.assertRaises(ValidationError) as raised:
            self.give(day=d(2025, 8, 1), amount=-1, items=[("clothes", 0)])
        self.assertEqual(set(raised.exception.message_dict), {"given_on", "amount", "items"})
        self.assert_nothing_saved()

    def test_only_members_who_record_support_may(self):
        for user in (self.p.readonly, self.p.partner, self.p.statistician, self.p.outsider):
            with self.subTest(user=user.username), self.assertRaises(Exception) as raised:
                self.give(user=user, amount=100)
            self.assertIn(type(raised.exception).__name__, {"PermissionDenied", "Http404"})
        self.assert_nothing_saved()


class OverrideTests(LedgerTestCase):
    def setUp(self):
        # 120 days are already covered: one more day is over the limit of regime B.
        self.give(amount=4_800_000, days_covered=120)

    def test_over_the_limit_is_refused_with_the_reason_and_the_way_to_override(self):
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            self.give(day=d(2025, 8, 6), amount=40_000, days_covered=1)
        text = " ".join(raised.exception.messages)
        self.assertIn("at most 120 days", text)
        self.assertIn("A member who may approve support can record it anyway", text)
        self.assertEqual(SupportEntry.objects.count(), 1)

    def test_a_member_without_support_approve_cannot_override(self):
        with self.assertRaises(PermissionDenied):
            self.give(day=d(2025, 8, 6), amount=40_000, days_covered=1, override_reason=OVERRIDE_REASON)
        self.assertEqual(SupportEntry.objects.count(), 1)

    def test_a_supervisor_overrides_with_a_written_reason_and_it_is_audited(self):
        with self.assertRaises(ValidationError) as raised:
            self.give(user=self.p.supervisor, day=d(2025, 8, 6), amount=40_000, days_covered=1,
                      override_reason="ngắn")
        self.assertIn("override_reason", raised.exception.message_dict)
        entry = self.give(user=self.p.supervisor, day=d(2025, 8, 6), amount=40_000, days_covered=1,
                          override_reason=OVERRIDE_REASON)
        self.assertEqual(entry.override_codes, ["max_days"])
        self.assertEqual((entry.overridden_by, entry.override_reason), (self.p.supervisor, OVERRIDE_REASON))
        audit = AuditEntry.objects.get(action="support.entry_override")
        self.assertEqual((audit.actor, audit.object_id), (self.p.supervisor, str(entry.pk)))
        self.assertEqual(audit.changes["checks"], [None, ["max_days"]])
        self.assertNotIn("điều trị", str(audit.changes))  # free text about the person stays out of the log
        self.assertTrue(CaseEvent.objects.filter(kind="support.entry_recorded", details__overridden=True).exists())

    def test_within_the_entitlement_a_reason_overrides_nothing(self):
        entry = self.give(user=self.p.supervisor, code="b", amount=200_000, override_reason=OVERRIDE_REASON)
        self.assertEqual((entry.override_codes, entry.override_reason), ([], ""))
        self.assertFalse(AuditEntry.objects.filter(action="support.entry_override").exists())

    def test_a_cancelled_entry_leaves_the_limits_and_is_kept(self):
        first = SupportEntry.objects.get()
        with self.assertRaises(PermissionDenied):
            cancel_entry(entry=first, acting_user=self.p.owner, reason="Nhập sai số ngày")
        with self.assertRaises(ValidationError):
            cancel_entry(entry=first, acting_user=self.p.supervisor, reason="sai")
        cancel_entry(entry=first, acting_user=self.p.supervisor, reason="Nhập sai số ngày")
        self.give(day=d(2025, 8, 6), amount=40_000, days_covered=1)
        self.assertEqual(SupportEntry.objects.count(), 2)
        with self.assertRaises(ValidationError):
            cancel_entry(entry=first, acting_user=self.p.supervisor, reason="Nhập sai số ngày")


class RefusalAndReceiptTests(TemporaryAttachments, LedgerTestCase):
    def test_a_refusal_is_recorded_with_its_date(self):
        refusal = record_refusal(case=self.case, acting_user=self.p.owner, refused_on=d(2025, 8, 6),
                                 support_type=self.t["g"], note="Chưa muốn gặp chuyên viên")
        self.assertEqual((refusal.refused_on, refusal.support_type.code), (d(2025, 8, 6), "g"))
        everything = record_refusal(case=self.case, acting_user=self.p.owner, refused_on=d(2025, 8, 7))
        self.assertIsNone(everything.support_type)
        event = CaseEvent.objects.filter(kind="support.refused").first()
        self.assertEqual(event.details["refused_on"], "2025-08-06")
        self.assertNotIn("Chưa muốn", str(AuditEntry.objects.filter(action="support.refusal_record").values_list(
            "changes", flat=True)))
        with self.assertRaises(ValidationError) as raised:
            record_refusal(case=self.case, acting_user=self.p.owner, refused_on=d(2025, 8, 1))
        self.assertIn("refused_on", raised.exception.message_dict)
        with self.assertRaises(PermissionDenied):
            record_refusal(case=self.case, acting_user=self.p.readonly, refused_on=d(2025, 8, 6))

    def test_the_receipt_is_stored_as_an_attachment_of_the_case_and_linked(self):
        self.use_temporary_attachments()
        entry = self.give(amount=300_000, days_covered=5, approved_by=self.p.supervisor,
                          receipt=Receipt("Phiếu chi 12.pdf", PDF))
        attachment = Attachment.objects.get()
        self.assertEqual((entry.receipt, attachment.case, attachment.content_type),
                         (attachment, self.case, "application/pdf"))
        self.assertEqual(entry.approved_by, self.p.supervisor)

    def test_a_bad_receipt_or_approver_is_refused_before_anything_is_written(self):
        root = self.use_temporary_attachments()
        with self.assertRaises(ValidationError) as raised:
            self.give(amount=300_000, receipt=Receipt("x.exe", b"MZ\x90\x00"), approved_by=self.p.owner)
        self.assertEqual(set(raised.exception.message_dict), {"receipt", "approved_by"})
        self.assertFalse(Attachment.objects.exists())
        self.assertEqual([path for path in root.rglob("*") if path.is_file()], [])
        self.assert_nothing_saved()

    def test_a_funding_source_must_cover_the_place(self):
        from trove.support.budget_actions import funding_source_create

        elsewhere = funding_source_create(acting_user=self.other_finance, owner_agency=self.other_finance_agency(),
                                          name="Ngân sách An Giang", kind="state_budget", level="province",
                                          valid_from=d(2025, 1, 1))
        with self.assertRaises(ValidationError) as raised:
            self.give(amount=300_000, funding_source=elsewhere)
        self.assertIn("funding_source", raised.exception.message_dict)

    def other_finance_agency(self):
        from trove.core import policy

        return policy.memberships_with(self.other_finance, "budget.manage")[0].agency
