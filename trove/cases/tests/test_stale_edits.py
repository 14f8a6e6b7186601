"""Optimistic locking on a case (issue 14 part 2): a close, reopen or transfer started from an older version of the
case is refused with "changed by someone else" and the other change listed; nothing is saved."""

from django.urls import reverse
from django.utils import translation

from trove.cases.lifecycle import case_close, case_reopen, case_transfer_request
from trove.cases.models import Case, CaseEvent, CaseStatus, CaseTransfer
from trove.core.models import AuditEntry
from trove.core.versioning import StaleEdit
from trove.referrals.tests.test_case_lifecycle import MOVED, LifecycleTestCase

STALE = "Someone else changed this record while you were editing it"


class StaleCaseEditTests(LifecycleTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = cls.identified()

    def setUp(self):
        # The status changes of verification move the version too: start from the version the case has now.
        self.case.refresh_from_db()
        self.v = self.case.version

    def test_the_status_changes_of_verification_moved_the_version(self):
        # Received (version 1), moved into verification at intake, then identified by the approved decision.
        self.assertGreaterEqual(self.v, 3)
        moves = CaseEvent.objects.filter(case=self.case, kind="case.status_changed").count()
        self.assertEqual(self.v, 1 + moves)

    def test_an_edit_from_the_current_version_moves_the_version_on(self):
        self.assertEqual(Case.objects.get(pk=self.case.pk).version, self.v)
        case_close(acting_user=self.p.owner, case=self.case, reason="reintegrated", expected_version=self.v)
        self.assertEqual(Case.objects.get(pk=self.case.pk).version, self.v + 1)
        case_reopen(acting_user=self.p.owner, case=self.case, reason="Có thông tin mới cần hỗ trợ",
                    expected_version=self.v + 1)
        self.assertEqual(Case.objects.get(pk=self.case.pk).version, self.v + 2)

    def test_a_stale_close_is_refused_with_the_other_change_and_nothing_is_saved(self):
        case_close(acting_user=self.p.owner, case=self.case, reason="reintegrated", expected_version=self.v)
        case_reopen(acting_user=self.p.supervisor, case=self.case, reason="Có thông tin mới cần hỗ trợ",
                    expected_version=self.v + 1)
        entries = AuditEntry.objects.count()
        with translation.override("en"), self.assertRaises(StaleEdit) as raised:
            case_close(acting_user=self.p.owner, case=Case.objects.get(pk=self.case.pk), reason="moved",
                       expected_version=self.v)
        self.assertIn(STALE, raised.exception.messages[0])
        self.assertEqual([entry.action for entry in raised.exception.changes], ["case.close", "case.reopen"])
        stored = Case.objects.get(pk=self.case.pk)
        self.assertEqual((stored.status, stored.version), (self.case.status, self.v + 2))
        self.assertEqual(AuditEntry.objects.count(), entries)

    def test_a_script_without_a_version_is_not_checked(self):
        case_close(acting_user=self.p.owner, case=self.case, reason="reintegrated", expected_version=None)
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, CaseStatus.CLOSED)

    def test_a_stale_transfer_request_is_refused(self):
        case_close(acting_user=self.p.owner, case=self.case, reason="reintegrated", expected_version=self.v)
        case_reopen(acting_user=self.p.owner, case=self.case, reason="Có thông tin mới cần hỗ trợ",
                    expected_version=self.v + 1)
        with self.assertRaises(StaleEdit):
            case_transfer_request(acting_user=self.p.owner, case=self.case, to_agency=self.p.other_agency,
                                  reason=MOVED, expected_version=self.v)
        self.assertFalse(CaseTransfer.objects.exists())

    def test_the_page_shows_who_changed_the_case_and_keeps_it_as_saved(self):
        self.sign_in(self.p.owner)
        page = self.client.get(reverse("cases:lifecycle", args=[self.case.code]))
        self.assertContains(page, f'name="version" value="{self.v}"')
        # Someone else closes the case and reopens it while the page is open.
        case_close(acting_user=self.p.supervisor, case=self.case, reason="reintegrated", expected_version=self.v)
        case_reopen(acting_user=self.p.supervisor, case=self.case, reason="Có thông tin mới cần hỗ trợ",
                    expected_version=self.v + 1)
        response = self.client.post(reverse("cases:close", args=[self.case.code]),
                                    {"reason": "moved", "version": str(self.v)}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, STALE, status_code=409)
        self.assertContains(response, self.p.supervisor.display_name, status_code=409)
        self.assertContains(response, f'name="version" value="{self.v + 2}"', status_code=409)
        stored = Case.objects.get(pk=self.case.pk)
        self.assertEqual((stored.status, stored.closed_reason), (self.case.status, ""))
