"""Closing, reopening and transferring a case (trove/cases/lifecycle.py), with the referrals' part in it."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from trove.agencies.models import Agency, AgencyType, Role
from trove.cases.lifecycle import (
    case_close,
    case_reopen,
    case_transfer_accept,
    case_transfer_reject,
    case_transfer_request,
)
from trove.cases.models import Case, CaseReopening, CaseStatus, CaseTransfer, TransferStatus
from trove.core.models import AuditEntry, Participation
from trove.core.testing import _member, _user
from trove.notifications.models import Notification
from trove.referrals.actions import followup_plan_create, referral_revoke
from trove.referrals.models import FollowUpVisit
from trove.referrals.tests.helpers import NAME, ReferralTestCase, open_case
from trove.rules.models import IdentificationGround
from trove.verification.actions import approve_decision, propose_decision, tick_ground

MOVED = "Người được hỗ trợ chuyển về sống cùng chị gái ở An Giang"


class LifecycleTestCase(ReferralTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.verifier = _member(_user("p_verifier", "Bùi Văn Định"), cls.p.owner_agency, Role.VERIFIER, cls.p.commune)
        # A second caseworker of the An Giang health department, to accept what it was asked to take.
        cls.receiver = _member(_user("p_receiver", "Châu Thị Nhận"), cls.p.other_agency, Role.CASEWORKER,
                               cls.p.other_province)

    @classmethod
    def identified(cls):
        """A case identified as a victim's (an adult's), ready to be closed or transferred."""
        case = open_case(cls.p, received_at=timezone.now() - datetime.timedelta(days=40))
        ground = IdentificationGround.objects.filter(regime__code="B").first()
        tick_ground(case=case, acting_user=cls.p.owner, ground=ground, source="Công văn 3/CAT")
        decision = propose_decision(case=case, acting_user=cls.verifier, outcome="victim", reasons="Đủ căn cứ",
                                    decision_date=timezone.localdate())
        approve_decision(decision=decision, acting_user=cls.p.supervisor)
        case.refresh_from_db()
        return case


class CloseTests(LifecycleTestCase):
    def test_closing_with_open_referrals_is_refused_and_nothing_is_saved(self):
        case = self.identified()
        referral = self.send(case)
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            case_close(acting_user=self.p.owner, case=case, reason="reintegrated")
        self.assertIn("The case has 1 open referral", " ".join(raised.exception.messages))
        self.assertEqual(Case.objects.get(pk=case.pk).status, CaseStatus.IDENTIFIED_VICTIM)
        self.assertFalse(AuditEntry.objects.filter(action="case.close").exists())
        referral_revoke(acting_user=self.p.owner, referral=referral, reason_text="Không còn nhu cầu học nghề")
        case_close(acting_user=self.p.owner, case=case, reason="reintegrated")
        case.refresh_from_db()
        self.assertEqual((case.status, case.closed_reason), (CaseStatus.CLOSED, "reintegrated"))

    def test_a_reason_from_the_list_is_needed_and_only_after_the_decision(self):
        case = self.identified()
        with self.assertRaises(ValidationError) as raised:
            case_close(acting_user=self.p.owner, case=case, reason="bored")
        self.assertIn("reason", raised.exception.message_dict)
        fresh = open_case(self.p)
        with self.assertRaises(ValidationError):
            case_close(acting_user=self.p.owner, case=fresh, reason="moved")  # still being identified

    def test_only_the_owner_side_closes_not_an_agency_taking_part(self):
        case = self.identified()
        self.send(case, sections=["needs"])
        with self.assertRaises(PermissionDenied):
            case_close(acting_user=self.women, case=case, reason="moved")  # a caseworker through the referral
        with self.assertRaises(PermissionDenied):
            case_close(acting_user=self.p.readonly, case=case, reason="moved")
        with self.assertRaises(Http404):
            case_close(acting_user=self.p.outsider, case=case, reason="moved")

    def test_reopening_needs_a_reason_kept_encrypted(self):
        case = self.identified()
        case_close(acting_user=self.p.owner, case=case, reason="unreachable")
        with self.assertRaises(ValidationError):
            case_reopen(acting_user=self.p.owner, case=case, reason="lý do")
        case_reopen(acting_user=self.p.owner, case=case, reason=f"{NAME} đã liên lạc lại với xã")
        case.refresh_from_db()
        self.assertEqual((case.status, case.closed_reason), (CaseStatus.IDENTIFIED_VICTIM, ""))
        reopening = CaseReopening.objects.get(case=case)
        self.assertEqual(reopening.closed_reason, "unreachable")
        self.assertNotIn(NAME, str(AuditEntry.objects.get(action="case.reopen").changes))
        with self.assertRaises(ValidationError):
            case_reopen(acting_user=self.p.owner, case=case, reason="Mở lại lần nữa cho chắc")


class TransferTests(LifecycleTestCase):
    def setUp(self):
        self.case = self.identified()

    def request_transfer(self, **overrides):
        values = {"to_agency": self.p.other_agency, "reason": MOVED}
        values.update(overrides)
        return case_transfer_request(acting_user=self.p.owner, case=self.case, **values)

    def test_the_inbox_lists_the_transfers_waiting_for_the_agency_oldest_first(self):
        from trove.referrals import selectors

        first = self.request_transfer()
        other_case = self.identified()
        second = case_transfer_request(acting_user=self.p.owner, case=other_case, to_agency=self.p.other_agency,
                                       reason=MOVED)
        self.assertEqual(selectors.waiting_transfers(self.receiver), [first, second])
        self.assertEqual(selectors.waiting_transfers(self.receiver, 1), [first])
        # Not the asking agency's to answer, nor a reader's.
        self.assertEqual(selectors.waiting_transfers(self.p.owner), [])
        self.assertEqual(selectors.waiting_transfers(self.p.readonly), [])
        # A request whose case the receiver no longer sees (its participation ended) is not shown.
        Participation.objects.filter(agency=self.p.other_agency, object_id=other_case.pk).update(
            ended_at=timezone.now() - datetime.timedelta(minutes=1))
        self.assertEqual(selectors.waiting_transfers(self.receiver), [first])
        self.sign_in(self.receiver)
        response = self.client.get(reverse("referrals:inbox"))
        self.assertEqual(response.context["transfers"], [first])
        self.assertContains(response, self.case.code)

    def test_the_receiving_agency_sees_the_case_while_it_decides_and_takes_it_with_its_history(self):
        url = self.case.get_absolute_url()
        referral = self.send(self.case)
        plan = followup_plan_create(acting_user=self.p.owner, case=self.case,
                                    returned_on=timezone.localdate() - datetime.timedelta(days=30))
        with self.captureOnCommitCallbacks(execute=True):
            transfer = self.request_transfer()
        self.assertEqual(Notification.objects.filter(user__in=[self.p.outsider, self.receiver]).count(), 2)
        self.sign_in(self.receiver)
        self.assertEqual(self.client.get(url).status_code, 200)
        lifecycle_page = self.client.get(reverse("cases:lifecycle", args=[self.case.code]), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(lifecycle_page, "Accept the case")
        with self.captureOnCommitCallbacks(execute=True):
            case_transfer_accept(acting_user=self.receiver, transfer=transfer)
        self.case.refresh_from_db()
        self.assertEqual(self.case.owner_agency, self.p.other_agency)
        referral.refresh_from_db()
        self.assertEqual((referral.owner_agency, referral.from_agency), (self.p.other_agency, self.p.owner_agency))
        self.assertEqual({v.owner_agency_id for v in FollowUpVisit.objects.filter(plan=plan)}, {self.p.other_agency.pk})
        self.assertEqual(CaseTransfer.objects.get(pk=transfer.pk).status, TransferStatus.ACCEPTED)
        self.assertFalse(Participation.objects.active().filter(agency=self.p.other_agency).exists())
        # The history came along; the old owner no longer sees the case, the new one does as its owner.
        self.assertTrue(self.case.events.filter(kind="referral.sent").exists())
        self.assertTrue(self.case.events.filter(kind="case.transfer_accepted").exists())
        self.sign_in(self.p.owner)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.sign_in(self.p.outsider)
        response = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "with its history")
        self.assertTrue(Notification.objects.filter(user=self.p.owner, key=f"transfer:{transfer.pk}:accepted").exists())
        # The new owner may now revoke the referral its predecessor sent.
        referral_revoke(acting_user=self.p.outsider, referral=referral, reason_text="Tỉnh mới sẽ tự bố trí học nghề")

    def test_a_rejected_transfer_ends_the_access_and_keeps_the_owner(self):
        transfer = self.request_transfer()
        with self.assertRaises(ValidationError):
            case_transfer_reject(acting_user=self.receiver, transfer=transfer, reason="không")
        case_transfer_reject(acting_user=self.receiver, transfer=transfer,
                             reason="Địa chỉ mới không thuộc địa bàn của Sở")
        self.assertEqual(Case.objects.get(pk=self.case.pk).owner_agency, self.p.owner_agency)
        self.sign_in(self.receiver)
        self.assertEqual(self.client.get(self.case.get_absolute_url()).status_code, 404)
        with self.assertRaises(Http404):
            case_transfer_accept(acting_user=self.receiver, transfer=transfer)

    def test_bad_transfers_are_refused(self):
        ended = Agency.objects.create(name="Phòng LĐ-TB&XH huyện An Phú (thử)", agency_type=AgencyType.LABOUR_SOCIAL,
                                      unit=self.p.other_province, valid_to=datetime.date(2025, 6, 30))
        for to_agency in (None, self.p.owner_agency, ended):
            with self.assertRaises(ValidationError) as raised:
                self.request_transfer(to_agency=to_agency)
            self.assertIn("to_agency", raised.exception.message_dict)
        with self.assertRaises(ValidationError):
            self.request_transfer(reason="")
        with self.assertRaises(PermissionDenied):
            case_transfer_request(acting_user=self.p.readonly, case=self.case, to_agency=self.p.other_agency,
                                  reason=MOVED)
        self.assertFalse(CaseTransfer.objects.exists())
        transfer = self.request_transfer()
        with self.assertRaises(ValidationError):
            self.request_transfer()  # one at a time
        with self.assertRaises(ValidationError):
            case_close(acting_user=self.p.owner, case=self.case, reason="moved")  # while a transfer waits
        with self.assertRaises(PermissionDenied):
            case_transfer_accept(acting_user=self.p.owner, transfer=transfer)  # not the receiving agency
        self.assertEqual(Case.objects.get(pk=self.case.pk).owner_agency, self.p.owner_agency)


class LifecyclePageTests(LifecycleTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = cls.identified()
        cls.url = reverse("cases:lifecycle", args=[cls.case.code])

    def posts(self):
        code = self.case.code
        return [
            (reverse("cases:close", args=[code]), {"reason": "reintegrated"}),
            (reverse("cases:reopen", args=[code]), {"reason": "Có thông tin mới cần hỗ trợ"}),
            (reverse("cases:transfer_request", args=[code]), {"to_agency": self.p.other_agency.pk, "reason": MOVED}),
        ]

    def test_the_owner_closes_and_reopens_through_the_page(self):
        self.sign_in(self.p.owner)
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        for text in ("Close the case", "Transfer the case to another agency"):
            self.assertContains(response, text)
        self.assertContains(self.client.get(self.case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"),
                            "Close, reopen or transfer the case")
        response = self.client.post(self.posts()[0][0], self.posts()[0][1], follow=True, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "The case is closed.")
        self.assertContains(response, "Reopen the case")
        response = self.client.post(*self.posts()[1], follow=True, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "The case is reopened.")
        response = self.client.post(*self.posts()[2], follow=True, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "The transfer is requested")

    def test_open_referrals_are_shown_as_what_stops_the_closing(self):
        self.send(self.case)
        self.sign_in(self.p.owner)
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "open referral")
        self.assertNotContains(response, f'action="/cases/{self.case.code}/close/"')
        response = self.client.post(*self.posts()[0], follow=True, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "open referral")
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, CaseStatus.IDENTIFIED_VICTIM)

    def test_personas(self):
        self.sign_in(self.p.readonly)
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Nothing here for you to do")
        for url, data in self.posts():
            self.assertEqual(self.client.post(url, data).status_code, 403, url)
        for user in (self.p.outsider, self.p.statistician, self.p.partner, self.p.auditor):
            self.sign_in(user)
            self.assertEqual(self.client.get(self.url).status_code, 404)
            for url, data in self.posts():
                self.assertEqual(self.client.post(url, data).status_code, 404, url)
        self.sign_in(self.p.supervisor)  # a supervisor over the commune may close and transfer
        self.assertContains(self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en"), "Close the case")
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, CaseStatus.IDENTIFIED_VICTIM)
        self.assertFalse(CaseTransfer.objects.exists())
