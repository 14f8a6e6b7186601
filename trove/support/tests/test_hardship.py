"""The initial hardship allowance's flow: application, forwarding within 3 working days (regime A), decision, payment;
once only, for poor households, within 12 months of confirmation — each refusal overridable only at the decision, by a
member who may approve support, with a reason."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from trove.agencies.models import Role
from trove.core.testing import _member, _user
from trove.notifications.models import Notification
from trove.rules.workdays import add_working_days
from trove.support.actions import circumstances_set
from trove.support.hardship_actions import hardship_apply, hardship_decide, hardship_forward, hardship_pay
from trove.support.ledger_actions import Receipt
from trove.support.models import HardshipApplication, HardshipStatus, SupportEntry
from trove.support.tests.helpers import PDF, SupportTestCase, TemporaryAttachments, d, open_case, vn


class HardshipTests(TemporaryAttachments, SupportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.clerk = _member(_user("s_clerk", "Hồ Thị Văn Thư"), cls.p.owner_agency, Role.INTAKE_OFFICER,
                            cls.p.commune)
        cls.case = open_case(cls.p, vn(2024, 10, 1))

    def setUp(self):
        self.identify(self.case, d(2024, 11, 4), regime="A")
        circumstances_set(case=self.case, acting_user=self.p.owner, poor_household=True,
                          poor_household_reference="21/GCN-UBND (thử)")

    def apply(self, day=None, case=None):
        return hardship_apply(case=case or self.case, acting_user=self.p.owner, applied_on=day or d(2025, 4, 28))

    def forward(self, application, day=None):
        return hardship_forward(application=application, acting_user=self.p.owner, forwarded_on=day or d(2025, 5, 5),
                                forwarded_to=self.legacy_agency)

    def decide(self, application, approve=True, **values):
        values.setdefault("decided_on", d(2025, 5, 12))
        values.setdefault("decision_reference", "45/QĐ-UBND")
        return hardship_decide(application=application, acting_user=values.pop("user", self.p.supervisor),
                               approve=approve, **values)

    def pay(self, application, **values):
        values.setdefault("paid_on", d(2025, 5, 20))
        values.setdefault("amount", 1_500_000)
        values.setdefault("giving_agency", self.legacy_agency)
        return hardship_pay(application=application, acting_user=values.pop("user", self.p.owner), **values)

    def test_the_whole_flow_under_regime_a(self):
        with self.captureOnCommitCallbacks(execute=True):
            application = self.apply()
        # 3 working days after Monday 28 April 2025 skip the 30 April – 2 May holidays and the weekend.
        self.assertEqual(application.forward_due, add_working_days(d(2025, 4, 28), 3))
        self.assertEqual(application.forward_due, d(2025, 5, 6))
        note = Notification.objects.get(user=self.clerk)
        self.assertIn(self.case.code, note.message)
        self.assertIn("06/05/2025", note.message)
        forwarded = self.forward(application)
        self.assertFalse(forwarded.forwarded_late)
        approved = self.decide(forwarded, approved_amount=1_500_000)
        self.assertEqual((approved.status, approved.override_codes), (HardshipStatus.APPROVED, []))
        entry = self.pay(approved, receipt=Receipt("Phiếu chi.pdf", PDF))
        self.assertEqual((entry.support_type.code, entry.amount, entry.regime.code), ("k", 1_500_000, "A"))
        self.assertIsNotNone(entry.receipt_id)
        application.refresh_from_db()
        self.assertEqual((application.status, application.entry), (HardshipStatus.PAID, entry))

    def test_a_late_forwarding_is_recorded_as_late(self):
        application = self.forward(self.apply(), day=d(2025, 5, 7))
        self.assertTrue(application.forwarded_late)

    def test_the_steps_go_in_order_and_dates_follow(self):
        application = self.apply()
        with self.assertRaises(ValidationError):  # not forwarded yet
            self.decide(application)
        with self.assertRaises(ValidationError) as raised:
            self.forward(application, day=d(2025, 4, 27))
        self.assertIn("forwarded_on", raised.exception.message_dict)
        with self.assertRaises(ValidationError):  # one application at a time
            self.apply(day=d(2025, 4, 29))
        forwarded = self.forward(application)
        with self.assertRaises(ValidationError) as raised:
            self.decide(forwarded, decided_on=d(2025, 5, 1))
        self.assertIn("decided_on", raised.exception.message_dict)
        approved = self.decide(forwarded, approved_amount=1_000_000)
        with self.assertRaises(ValidationError) as raised:
            self.pay(approved, amount=1_200_000)
        self.assertIn("amount", raised.exception.message_dict)
        with self.assertRaises(ValidationError) as raised:
            self.pay(approved, amount=-5)
        self.assertIn("amount", raised.exception.message_dict)
        self.assertFalse(SupportEntry.objects.exists())

    def test_rejecting_needs_a_reason(self):
        forwarded = self.forward(self.apply())
        with self.assertRaises(ValidationError) as raised:
            self.decide(forwarded, approve=False)
        self.assertIn("note", raised.exception.message_dict)
        rejected = self.decide(forwarded, approve=False, note="Không thuộc hộ nghèo tại thời điểm nộp hồ sơ")
        self.assertEqual(rejected.status, HardshipStatus.REJECTED)
        with self.assertRaises(ValidationError):
            self.pay(rejected)

    def test_once_only_outside_the_window_and_not_poor_need_an_override_at_the_decision(self):
        self.pay(self.decide(self.forward(self.apply())))
        circumstances_set(case=self.case, acting_user=self.p.owner, poor_household=False)
        second = self.forward(self.apply(day=d(2025, 6, 2)), day=d(2025, 6, 3))
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            self.decide(second, decided_on=d(2025, 6, 4))
        text = " ".join(raised.exception.messages)
        self.assertIn("given once only", text)
        self.assertIn("poor households", text)
        with self.assertRaises(PermissionDenied):
            self.decide(second, user=self.p.owner, decided_on=d(2025, 6, 4), override_reason="Lý do đủ dài ở đây")
        approved = self.decide(second, decided_on=d(2025, 6, 4),
                               override_reason="Hộ mới tái nghèo, UBND tỉnh đồng ý hỗ trợ thêm")
        self.assertEqual(set(approved.override_codes), {"once", "poor_household"})
        entry = self.pay(approved, paid_on=d(2025, 6, 10))
        self.assertEqual(set(entry.override_codes), {"once", "poor_household"})
        self.assertEqual(entry.overridden_by, self.p.supervisor)

    def test_the_application_must_come_within_12_months_of_confirmation(self):
        late = open_case(self.p, vn(2023, 12, 4))
        self.identify(late, d(2024, 1, 10), regime="A")
        circumstances_set(case=late, acting_user=self.p.owner, poor_household=True, poor_household_reference="3/GCN")
        forwarded = self.forward(self.apply(day=d(2025, 1, 13), case=late), day=d(2025, 1, 14))
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            self.decide(forwarded, decided_on=d(2025, 1, 15))
        self.assertIn("within 12 months of being confirmed as a victim", " ".join(raised.exception.messages))
        self.assertIn("10/01/2025", " ".join(raised.exception.messages))

    def test_only_victims_apply_and_only_who_may(self):
        being_identified = open_case(self.p, vn(2025, 3, 3))
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            self.apply(day=d(2025, 3, 10), case=being_identified)
        self.assertIn("regime A", " ".join(raised.exception.messages))
        with self.assertRaises(PermissionDenied):
            hardship_apply(case=self.case, acting_user=self.p.readonly, applied_on=d(2025, 4, 28))
        with self.assertRaises(Http404):
            hardship_apply(case=self.case, acting_user=self.p.outsider, applied_on=d(2025, 4, 28))
        self.assertFalse(HardshipApplication.objects.exists())

    def test_under_regime_b_the_forwarding_limit_is_not_set(self):
        case = open_case(self.p, vn(2025, 8, 4))
        self.identify(case, d(2025, 8, 11))
        application = hardship_apply(case=case, acting_user=self.p.owner, applied_on=d(2025, 8, 12))
        self.assertIsNone(application.forward_due)

    def test_the_flow_through_the_support_page(self):
        self.use_temporary_attachments()
        url = reverse("support:case_support", args=[self.case.code])
        self.sign_in(self.p.owner)
        response = self.client.post(reverse("support:hardship_apply", args=[self.case.code]),
                                    {"applied_on": "2025-04-28"})
        self.assertRedirects(response, url + "#hardship", fetch_redirect_response=False)
        application = HardshipApplication.objects.get()
        step = lambda name: reverse("support:hardship_step", args=[self.case.code, application.pk, name])  # noqa: E731
        self.assertContains(self.client.get(url, HTTP_ACCEPT_LANGUAGE="en"), "to be forwarded by 05/06/2025")
        self.assertEqual(self.client.post(step("decide"), {}).status_code, 403)
        self.client.post(step("forward"), {"forwarded_on": "2025-05-05", "forwarded_to": self.p.owner_agency.pk})
        # The commune of 2026 did not exist in 2025: the refusal comes back on the form.
        response = self.client.post(step("forward"), {"forwarded_on": "2025-05-05",
                                                      "forwarded_to": self.p.owner_agency.pk},
                                    HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "did not exist on 05/05/2025", status_code=400)
        self.assertContains(response, f'id="forward-{application.pk}-forwarded_on"', status_code=400)
        hardship_forward(application=application, acting_user=self.p.owner, forwarded_on=d(2025, 5, 5),
                         forwarded_to=self.legacy_agency)
        self.sign_in(self.p.supervisor)
        response = self.client.post(step("decide"), {"outcome": "approve", "decided_on": "2025-05-12",
                                                     "decision_reference": "45/QĐ", "approved_amount": "1.500.000"})
        self.assertEqual(response.status_code, 302)
        application.refresh_from_db()
        self.assertEqual((application.status, application.approved_amount), (HardshipStatus.APPROVED, 1_500_000))
        self.sign_in(self.p.owner)
        response = self.client.post(step("pay"), {
            "paid_on": "2025-05-20", "amount": "1.500.000", "giving_agency": self.legacy_agency.pk,
            "receipt": SimpleUploadedFile("Phiếu chi.pdf", PDF, content_type="application/pdf")})
        self.assertEqual(response.status_code, 400)  # the legacy office is not among the page's agencies today
        pay_entry = self.pay(application)
        self.assertContains(self.client.get(url, HTTP_ACCEPT_LANGUAGE="en"), "Paid on 05/20/2025")
        self.assertEqual(pay_entry.support_type.code, "k")
