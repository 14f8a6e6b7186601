"""A large export killed in the middle (issue 14 part 3): the job is left "running" with no result and nothing else
written; ``requeue_abandoned_jobs`` queues it again and it restarts cleanly to the same file a clean run makes."""

import datetime
import io
import re
from unittest import mock

import openpyxl
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from trove.core.models import AuditEntry, Job, JobStatus
from trove.reports import actions
from trove.reports.tests.helpers import ReportsTestCase

EXPORT = reverse("reports:export")
YEAR = {"kind": "year", "year": "2026", "units": "today", "place": "2025:82", "format": "xlsx"}


class Killed(BaseException):
    """What the worker meets when it is killed: not an Exception, so the job runner cannot record a failure."""


MADE = re.compile(r" lúc |ngày \d+ tháng \d+ năm \d+")


def rows(content: bytes) -> list[list]:
    """The workbook's cells, without the lines that say when it was made (the time, and the date under the place's
    name: the restarted export runs three hours later, on the next day after 21:00)."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True) if not any(MADE.search(str(c)) for c in row)]


@override_settings(REPORTS_INLINE_EXPORT_LIMIT=5)
class ExportKilledTests(ReportsTestCase):
    def start_export(self):
        self.sign_in(self.p.statistician)
        real = actions.build_report_file

        def build_then_die(**kwargs):
            real(**kwargs)  # the work is done in memory…
            raise Killed   # …and the process dies before the file is kept

        with mock.patch.object(actions, "build_report_file", build_then_die):
            try:
                with self.captureOnCommitCallbacks(execute=True):
                    self.client.post(EXPORT, YEAR)
            except Killed:
                pass
        return Job.objects.get(created_by=self.p.statistician)

    def test_a_killed_export_leaves_a_running_job_without_a_result_and_restarts_cleanly(self):
        job = self.start_export()
        self.assertEqual(job.status, JobStatus.RUNNING)
        self.assertFalse(job.result)
        entries = AuditEntry.objects.count()
        # Not yet abandoned: a job running for a short while is left alone.
        call_command("requeue_abandoned_jobs", stdout=io.StringIO())
        self.assertEqual(Job.objects.get(pk=job.pk).status, JobStatus.RUNNING)

        later = timezone.now() + datetime.timedelta(hours=3)
        with mock.patch("django.utils.timezone.now", return_value=later), \
                self.captureOnCommitCallbacks(execute=True):
            out = io.StringIO()
            call_command("requeue_abandoned_jobs", stdout=out)
        self.assertIn("1 abandoned job(s) queued again", out.getvalue())
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.DONE)
        self.assertEqual(AuditEntry.objects.filter(action="job.requeue").count(), 1)
        self.assertEqual(AuditEntry.objects.count(), entries + 1)
        download = self.client.get(reverse("job_download", args=[job.pk]))
        self.assertEqual(download.status_code, 200)
        # The same file as an export that was never interrupted.
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(EXPORT, YEAR)
        clean = Job.objects.filter(created_by=self.p.statistician, status=JobStatus.DONE).exclude(pk=job.pk).get()
        again = self.client.get(reverse("job_download", args=[clean.pk]))
        self.assertEqual(rows(download.content), rows(again.content))
        self.assertIn("Số người được tiếp nhận", [row[0] for row in rows(download.content)])
