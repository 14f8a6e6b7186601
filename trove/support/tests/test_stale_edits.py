"""Optimistic locking on a support entry (issue 14 part 2): a cancellation started from an older version of the entry
is refused with "changed by someone else" and the other change listed; nothing is saved."""

from django.urls import reverse
from django.utils import translation

from trove.core.models import AuditEntry
from trove.core.versioning import StaleEdit
from trove.support.ledger_actions import cancel_entry, record_support
from trove.support.models import SupportEntry
from trove.support.tests.helpers import SupportTestCase, d, open_case, types, vn

STALE = "Someone else changed this record while you were editing it"
REASON = "Nhập nhầm số tiền hỗ trợ"


class StaleEntryTests(SupportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = open_case(cls.p, vn(2025, 8, 4))
        cls.entry = record_support(case=cls.case, acting_user=cls.p.owner, support_type=types()["a"],
                                   given_on=d(2025, 8, 5), giving_agency=cls.p.owner_agency, amount=40_000,
                                   days_covered=1)

    def test_a_cancellation_moves_the_version_on(self):
        self.assertEqual(self.entry.version, 1)
        cancel_entry(entry=self.entry, acting_user=self.p.supervisor, reason=REASON, expected_version=1)
        self.assertEqual(SupportEntry.objects.get(pk=self.entry.pk).version, 2)

    def test_a_stale_cancellation_is_refused_and_nothing_is_saved(self):
        cancel_entry(entry=SupportEntry.objects.get(pk=self.entry.pk), acting_user=self.p.supervisor, reason=REASON,
                     expected_version=1)
        entries = AuditEntry.objects.count()
        with translation.override("en"), self.assertRaises(StaleEdit) as raised:
            cancel_entry(entry=self.entry, acting_user=self.p.supervisor, reason="Một lý do khác hẳn",
                         expected_version=1)
        self.assertIn(STALE, raised.exception.messages[0])
        self.assertEqual([entry.action for entry in raised.exception.changes], ["support.entry_cancel"])
        self.assertEqual(SupportEntry.objects.get(pk=self.entry.pk).cancel_reason, REASON)
        self.assertEqual(AuditEntry.objects.count(), entries)

    def test_the_page_shows_the_other_change(self):
        self.sign_in(self.p.supervisor)
        url = reverse("support:case_support", args=[self.case.code])
        self.assertContains(self.client.get(url), 'name="version" value="1"')
        cancel_entry(entry=self.entry, acting_user=self.p.supervisor, reason=REASON, expected_version=1)
        response = self.client.post(reverse("support:entry_cancel", args=[self.case.code, self.entry.pk]),
                                    {"reason": "Một lý do khác hẳn", "version": "1"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, STALE, status_code=409)
        self.assertContains(response, "cancelled", status_code=409)
        self.assertEqual(SupportEntry.objects.get(pk=self.entry.pk).cancel_reason, REASON)
