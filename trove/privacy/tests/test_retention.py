"""Retention (issue 14 part 7): closed cases are archived after CASE_ARCHIVE_AFTER_DAYS, in audited batches; an
archived case is read-only and out of the daily lists unless asked for."""

import datetime
import io

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from trove.cases.lifecycle import case_reopen, case_transfer_request
from trove.cases.models import Case, CaseEvent
from trove.core.models import AuditEntry
from trove.privacy.actions import archive_closed_cases
from trove.privacy.tests.helpers import PrivacyTestCase

LATER = datetime.timedelta(days=5 * 365 + 2)


class RetentionTests(PrivacyTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.closed_case = cls.closed()
        cls.open_case = cls.identified("Lê Văn Còn Mở")

    def test_the_default_period_is_five_years(self):
        from django.conf import settings

        self.assertEqual(settings.CASE_ARCHIVE_AFTER_DAYS, 5 * 365 + 1)

    def test_a_closed_case_is_archived_only_after_the_period_in_audited_batches(self):
        self.assertEqual(archive_closed_cases()["archived"], 0)  # closed today: not yet
        later = timezone.now() + LATER
        second = self.closed("Đỗ Thị Thứ Hai")
        counts = archive_closed_cases(now=later, batch_size=1)
        self.assertEqual((counts["archived"], counts["batches"]), (2, 2))
        self.assertIsNotNone(Case.objects.get(pk=self.closed_case.pk).archived_at)
        self.assertIsNotNone(Case.objects.get(pk=second.pk).archived_at)
        self.assertIsNone(Case.objects.get(pk=self.open_case.pk).archived_at)
        entries = AuditEntry.objects.filter(action="case.archive")
        self.assertEqual(sorted(entries.values_list("object_id", flat=True)),
                         sorted([str(self.closed_case.pk), str(second.pk)]))
        self.assertEqual(archive_closed_cases(now=later)["archived"], 0)  # a second run finds nothing more

    def test_a_run_stopped_after_one_batch_is_finished_by_the_next(self):
        second = self.closed("Đỗ Thị Thứ Hai")
        later = timezone.now() + LATER
        self.assertEqual(archive_closed_cases(now=later, batch_size=1, max_batches=1)["archived"], 1)
        self.assertEqual(Case.objects.filter(archived_at__isnull=False).count(), 1)
        self.assertEqual(archive_closed_cases(now=later, batch_size=1)["archived"], 1)
        self.assertEqual(set(Case.objects.filter(archived_at__isnull=False).values_list("pk", flat=True)),
                         {self.closed_case.pk, second.pk})

    @override_settings(CASE_ARCHIVE_AFTER_DAYS=0)
    def test_the_command_has_a_dry_run(self):
        out = io.StringIO()
        call_command("apply_retention", "--dry-run", stdout=out)
        self.assertIn("1 closed case(s) are older than 0 days and would be archived", out.getvalue())
        self.assertFalse(Case.objects.filter(archived_at__isnull=False).exists())
        call_command("apply_retention", stdout=out)
        self.assertIn("Archived 1 case(s)", out.getvalue())
        self.assertIsNotNone(Case.objects.get(pk=self.closed_case.pk).archived_at)

    def test_an_archived_case_refuses_edits_with_a_clear_message(self):
        archive_closed_cases(now=timezone.now() + LATER)
        case = Case.objects.get(pk=self.closed_case.pk)
        with translation.override("en"):
            with self.assertRaisesMessage(ValidationError, "is kept read-only"):
                case_reopen(acting_user=self.p.owner, case=case, reason="Có thông tin mới cần hỗ trợ")
            with self.assertRaisesMessage(ValidationError, "is kept read-only"):
                case_transfer_request(acting_user=self.p.owner, case=case, to_agency=self.p.other_agency,
                                      reason="Chuyển về sống ở An Giang cùng gia đình")
            # Whatever writes a row of the case meets the same refusal (the last line behind every action).
            with self.assertRaisesMessage(ValidationError, "is kept read-only"):
                CaseEvent.objects.create(case=case, actor=self.p.owner, agency=self.p.owner_agency, kind="note")
            with self.assertRaisesMessage(ValidationError, "is kept read-only"):
                case.pseudonym = "Đổi tên gọi"
                case.save()
        self.assertEqual(Case.objects.get(pk=case.pk).status, self.closed_case.status)

    def test_archived_cases_leave_the_case_list_unless_the_filter_asks(self):
        archive_closed_cases(now=timezone.now() + LATER)
        self.sign_in(self.p.owner)
        listed = self.client.get(reverse("cases:list"))
        self.assertNotContains(listed, self.closed_case.code)
        self.assertContains(listed, self.open_case.code)
        archived = self.client.get(reverse("cases:list"), {"archived": "on"})
        self.assertContains(archived, self.closed_case.code)
        self.assertNotContains(archived, self.open_case.code)
        by_code = self.client.get(reverse("cases:list"), {"q": self.closed_case.code})
        self.assertContains(by_code, self.closed_case.code)
        lifecycle = self.client.get(reverse("cases:lifecycle", args=[self.closed_case.code]),
                                    HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(lifecycle, "kept read-only")
        self.assertNotContains(lifecycle, reverse("cases:reopen", args=[self.closed_case.code]))
