"""An administrator abandons an import whose job is stuck or failed: the job stops, the rows not imported are given
up, what was imported stays and can still be undone; audited; personas."""

from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from trove.core.models import AuditEntry, Job, JobStatus
from trove.imports import actions, engine
from trove.imports.models import STALE_AFTER, BatchStatus, ImportBatch
from trove.imports.tests.helpers import ImportTestCase, people_workbook
from trove.people.models import Person

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
REASON = "Tiến trình bị treo từ hôm qua, dừng hẳn"


class AbandonByAdministratorTests(ImportTestCase):
    def setUp(self):
        super().setUp()
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def stuck(self, rows=8, at_row=6):
        """An import whose worker died in its second batch of three rows (rows 2-4 committed), left "running" as a
        killed process leaves it, with a job that never finished."""
        batch = self.prepared(people_workbook(rows))
        real = engine.Runner.write

        def write(runner, results):
            real(runner, results)
            if any(result.number == at_row for result in results):
                raise RuntimeError("the worker died here")

        with mock.patch.object(engine, "BATCH_SIZE", 3), mock.patch.object(engine.Runner, "write", write), \
                self.assertLogs("trove.core.jobs", "ERROR"):
            batch = self.run_import(batch)
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, run_token="dead",
                                                       heartbeat_at=timezone.now() - STALE_AFTER)
        Job.objects.filter(pk=batch.job_id).update(status=JobStatus.RUNNING, finished_at=None)
        batch.refresh_from_db()
        return batch

    def test_a_stuck_import_is_abandoned_and_what_it_imported_can_still_be_undone(self):
        batch = self.stuck()
        self.assertEqual((batch.last_row, batch.created_count, Person.objects.count()), (4, 3, 3))
        with self.captureOnCommitCallbacks(execute=True):
            batch = actions.batch_stop(acting_user=self.commune_admin, batch=batch, reason=REASON)
        self.assertEqual(batch.status, BatchStatus.ABANDONED)
        self.assertFalse(batch.file)
        self.assertEqual(self.stored_files(), [])
        job = Job.objects.get(pk=batch.job_id)
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIn("Abandoned by an administrator", job.message)
        self.assertEqual(Person.objects.count(), 3)  # the committed batch stays
        entry = AuditEntry.objects.get(action="import.abandon", object_id=str(batch.pk))
        self.assertEqual(entry.reason, REASON)
        self.assertEqual((entry.changes["status"], entry.changes["rows not imported"], entry.changes["last_row"]),
                         (["running", "abandoned"], [None, 5], [None, 4]))
        self.assertEqual(entry.actor_id, self.commune_admin.pk)
        with self.assertRaises(ValidationError):  # nothing to resume any more
            actions.batch_resume(acting_user=self.p.owner, batch=batch)
        actions.batch_undo(acting_user=self.commune_admin, batch=batch, reason="Dữ liệu nhập dở, làm lại từ đầu")
        self.assertEqual(Person.objects.count(), 0)

    def test_a_failed_import_is_abandoned_too_and_a_worker_still_running_it_stops_without_writing(self):
        batch = self.prepared(people_workbook(4))
        batch = actions.batch_start(acting_user=self.p.owner, batch=batch, background=False)
        runner = engine.Runner(batch, self.p.owner)
        actions.batch_stop(acting_user=self.commune_admin, batch=batch, reason=REASON)
        with self.assertRaises(engine.Superseded):
            runner.run_batch(list(runner.source_rows(stop=3)), token=batch.run_token)
        self.assertFalse(Person.objects.exists())
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.INTERRUPTED)
        batch.refresh_from_db()
        with self.assertRaises(ValidationError):  # a failed import is abandoned with a written reason
            actions.batch_stop(acting_user=self.commune_admin, batch=batch, reason="x")
        self.assertEqual(actions.batch_stop(acting_user=self.commune_admin, batch=batch, reason=REASON).status,
                         BatchStatus.ABANDONED)

    def test_only_an_import_running_or_stopped_is_abandoned_here(self):
        batch = self.run_import(self.prepared(people_workbook(2)))
        with self.assertRaises(ValidationError) as raised:
            actions.batch_stop(acting_user=self.commune_admin, batch=batch, reason=REASON)
        self.assertIn("running or stopped on an error", " ".join(raised.exception.messages))
        self.assertEqual(ImportBatch.objects.get(pk=batch.pk).status, BatchStatus.DONE)
        self.assertFalse(AuditEntry.objects.filter(action="import.abandon").exists())

    def test_only_an_administrator_of_the_importing_agency_abandons(self):
        batch = self.stuck(rows=5)
        for user, error in ((self.p.owner, PermissionDenied), (self.p.readonly, PermissionDenied),
                            (self.p.outsider, Http404), (self.p.administrator, Http404)):
            with self.subTest(user=user.username), self.assertRaises(error):
                actions.batch_stop(acting_user=user, batch=batch, reason=REASON)
        self.assertEqual(ImportBatch.objects.get(pk=batch.pk).status, BatchStatus.RUNNING)

    def test_the_page_for_the_administrator_and_the_link_on_the_list(self):
        batch = self.stuck(rows=5)
        url = reverse("imports:stop", args=[batch.pk])
        for user in (self.p.owner, self.p.readonly, self.p.outsider, self.p.administrator, self.p.supervisor):
            self.sign_in(user)
            self.assertEqual(self.client.get(url, **EN).status_code, 404, user.username)
        self.sign_in(self.commune_admin)
        listing = self.client.get(reverse("imports:list"), **EN)
        self.assertContains(listing, url)
        self.assertEqual(self.client.get(url, **EN).status_code, 200)
        self.assertEqual(self.client.post(url, {"reason": "x"}, **EN).status_code, 400)
        self.assertEqual(ImportBatch.objects.get(pk=batch.pk).status, BatchStatus.RUNNING)
        response = self.client.post(url, {"reason": REASON}, **EN)
        self.assertRedirects(response, reverse("imports:detail", args=[batch.pk]), fetch_redirect_response=False)
        self.assertEqual(ImportBatch.objects.get(pk=batch.pk).status, BatchStatus.ABANDONED)
        self.sign_in(self.p.owner)
        detail = self.client.get(reverse("imports:detail", args=[batch.pk]), **EN)
        self.assertContains(detail, "rows after row 4 were not imported")
        self.assertNotContains(self.client.get(reverse("imports:list"), **EN), url)
