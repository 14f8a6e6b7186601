"""Optimistic locking on a case (issue 14 part 2): a close, reopen or transfer started from an older version of the
case is refused with "changed by someone else" and the other change listed; nothing is saved."""

from django.urls import reverse
from django.utils import translation

from trove.cases.lifecycle import case_close, case_reopen, case_transfer_request
from trove.cases.models import Case, CaseStatus, CaseTransfer
from trove.core.models import AuditEntry
from trove.core.versioning import StaleEdit
from trove.referrals.tests.test_case_lifecycle import MOVED, LifecycleTestCase

STALE = "Someone else changed this record while you were editing it"


class StaleCaseEditTests(LifecycleTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = cls.identified()

    def test_an_edit_from_the_current_version_moves_the_version_on(self):
        self.assertEqual(self.case.version, 1)
        case_close(acting_user=self.p.owner, case=self.case, reason="reintegrated", expected_version=1)
        self.assertEqual(Case.objects.get(pk=self.case.pk).version, 2)
        case_reopen(acting_user=self.p.owner, case=self.case, reason="Có thông tin mới cần hỗ trợ",
                    expected_version=2)
        self.assertEqual(Case.objects.get(pk=self.case.pk).version, 3)

    def test_a_stale_close_is_refused_with_the_other_change_and_nothing_is_saved(self):
        case_close(acting_user=self.p.owner, case=self.case, reason="reintegrated", expected_version=1)
        case_reopen(acting_user=self.p.supervisor, case=self.case, reason="Có thông tin mới cần hỗ trợ",
                    expected_version=2)
        entries = AuditEntry.objects.count()
        with translation.override("en"), self.assertRaises(StaleEdit) as raised:
            case_close(acting_user=self.p.owner, case=Case.objects.get(pk=self.case.pk), reason="moved",
                       expected_version=1)
        self.assertIn(STALE, raised.exception.messages[0])
        self.assertEqual([entry.action for entry in raised.exception.changes], ["case.close", "case.reopen"])
        stored = Case.objects.get(pk=self.case.pk)
        self.assertEqual((stored.status, stored.version), (self.case.status, 3))
        self.assertEqual(AuditEntry.objects.count(), entries)

    def test_a_script_without_a_version_is_not_checked(self):
        case_close(acting_user=self.p.owner, case=self.case, reason="reintegrated", expected_version=None)
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, CaseStatus.CLOSED)

    def test_a_stale_transfer_request_is_refused(self):
        case_close(acting_user=self.p.owner, case=self.case, reason="reintegrated", expected_version=1)
        case_reopen(acting_user=self.p.owner, case=self.case, reason="Có thông tin mới cần hỗ trợ",
                    expected_version=2)
        with self.assertRaises(StaleEdit):
            case_transfer_request(acting_user=self.p.owner, case=self.case, to_agency=self.p.other_agency,
                                  reason=MOVED, expected_version=1)
        self.assertFalse(CaseTransfer.objects.exists())

    def test_the_page_shows_who_changed_the_case_and_keeps_it_as_saved(self):
        self.sign_in(self.p.owner)
        page = self.client.get(reverse("cases:lifecycle", args=[self.case.code]))
        self.assertContains(page, 'name="version" value="1"')
        # Someone else closes the case and reopens it while the page is open.
        case_close(acting_user=self.p.supervisor, case=self.case, reason="reintegrated", expected_version=1)
        case_reopen(acting_user=self.p.supervisor, case=self.case, reason="Có thông tin mới cần hỗ trợ",
                    expected_version=2)
        response = self.client.post(reverse("cases:close", args=[self.case.code]),
                                    {"reason": "moved", "version": "1"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, STALE, status_code=409)
        self.assertContains(response, self.p.supervisor.display_name, status_code=409)
        self.assertContains(response, 'name="version" value="3"', status_code=409)
        stored = Case.objects.get(pk=self.case.pk)
        self.assertEqual((stored.status, stored.closed_reason), (self.case.status, ""))
