"""Background jobs: queued on commit, run, progress, result kept encrypted, only the owner sees the job."""

import uuid

import pytest
from django.urls import reverse

from trove.core import jobs
from trove.core.models import AuditEntry, Job, JobStatus
from trove.core.testing import PersonaTestCase

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@jobs.handler("test.count")
def count_to(job, progress):
    total = job.params["total"]
    progress.start(total=total, message="counting")
    for _ in range(total):
        progress.advance(1)
    progress.attach("kết quả.xlsx", XLSX, b"PK-fake-workbook-bytes")
    progress.finish(summary={"counted": total})


@jobs.handler("test.explode")
def explode(job, progress):
    progress.start(total=2)
    progress.advance(1)
    raise ValueError("Nguyễn Văn A, 079123456789")  # data from a file: must not reach the page or the log


class JobTests(PersonaTestCase):
    def enqueue(self, kind="test.count", **params):
        with self.captureOnCommitCallbacks(execute=True):
            return jobs.enqueue(kind=kind, acting_user=self.p.owner, params=params or {"total": 3})

    def test_a_job_runs_when_the_transaction_commits_and_keeps_its_result_encrypted(self):
        job = self.enqueue()
        job.refresh_from_db()
        self.assertEqual((job.status, job.done, job.total, job.percent), (JobStatus.DONE, 3, 3, 100))
        self.assertEqual(job.summary, {"counted": 3})
        with job.result.open("rb") as stored:
            self.assertNotIn(b"PK-fake", stored.read())
        self.assertEqual(jobs.read_result(acting_user=self.p.owner, job=job), b"PK-fake-workbook-bytes")

    def test_nothing_is_queued_if_the_transaction_rolls_back(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            job = jobs.enqueue(kind="test.count", acting_user=self.p.owner, params={"total": 1})
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(Job.objects.get(pk=job.pk).status, JobStatus.QUEUED)

    def test_an_unknown_kind_is_refused_at_once(self):
        with pytest.raises(KeyError):
            jobs.enqueue(kind="no.such.job", acting_user=self.p.owner)
        self.assertFalse(Job.objects.exists())

    def test_a_failing_job_is_marked_failed_without_the_error_text(self):
        with self.assertLogs("trove.core.jobs", "ERROR") as logs:
            job = self.enqueue("test.explode")
        job.refresh_from_db()
        self.assertEqual((job.status, job.done), (JobStatus.FAILED, 1))
        self.assertNotIn("079123456789", job.message)
        self.assertNotIn("079123456789", "".join(logs.output))
        self.assertIn("ValueError", "".join(logs.output))

    def test_a_job_runs_once(self):
        job = self.enqueue()
        jobs.run(str(job.pk))
        self.assertEqual(Job.objects.get(pk=job.pk).done, 3)

    def test_the_owner_sees_the_page_the_status_and_the_download(self):
        job = self.enqueue()
        self.sign_in(self.p.owner)
        page = self.client.get(reverse("job", args=[job.pk]))
        self.assertContains(page, reverse("job_download", args=[job.pk]))
        status = self.client.get(reverse("job_status", args=[job.pk])).json()
        self.assertEqual((status["status"], status["percent"], status["finished"]), ("done", 100, True))
        download = self.client.get(reverse("job_download", args=[job.pk]))
        self.assertEqual(download.content, b"PK-fake-workbook-bytes")
        self.assertIn("attachment", download["Content-Disposition"])
        self.assertTrue(AuditEntry.objects.filter(action="job.download", object_id=str(job.pk)).exists())

    def test_anyone_else_gets_404_whatever_their_role(self):
        job = self.enqueue()
        for user in (self.p.readonly, self.p.supervisor, self.p.administrator, self.p.outsider):
            self.sign_in(user)
            for name in ("job", "job_status", "job_download"):
                self.assertEqual(self.client.get(reverse(name, args=[job.pk])).status_code, 404, (user, name))
        self.sign_in(self.p.owner)
        self.assertEqual(self.client.get(reverse("job", args=[uuid.uuid4()])).status_code, 404)

    def test_signed_out_users_are_sent_to_sign_in(self):
        job = self.enqueue()
        response = self.client.get(reverse("job", args=[job.pk]))
        self.assertEqual(response.status_code, 302)


class RequeueTests(PersonaTestCase):
    def test_an_administrator_puts_a_stuck_job_back_in_the_queue_and_it_runs(self):
        job = Job.objects.create(kind="test.count", params={"total": 2}, created_by=self.p.owner,
                                 status=JobStatus.RUNNING)
        staff = self.p.administrator
        staff.is_staff = staff.is_superuser = True
        staff.save()
        self.sign_in(staff)
        response = self.client.post(reverse("admin:core_job_changelist"),
                                    {"action": "requeue", "_selected_action": [str(job.pk)]})
        self.assertEqual(response.status_code, 302)
        job.refresh_from_db()
        self.assertEqual((job.status, job.done), (JobStatus.DONE, 2))
        self.assertTrue(AuditEntry.objects.filter(action="job.requeue", object_id=str(job.pk)).exists())
