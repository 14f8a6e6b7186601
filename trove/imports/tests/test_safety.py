"""Safe and repeatable: duplicates linked, the same file twice creates nothing, an interrupted import keeps whole
batches and resumes, an administrator undoes an import while nothing was built on it."""

import datetime
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from trove.cases.models import Case
from trove.core.models import AuditEntry, Job, JobStatus
from trove.imports import actions, engine
from trove.imports.models import STALE_AFTER, BatchStatus, ImportBatch, ImportedRecord, RowNote
from trove.imports.tests.helpers import (
    ImportTestCase,
    existing_case,
    people_workbook,
    persons_workbook,
    suspected_workbook,
)
from trove.people.models import Person, SuspectedVictim
from trove.verification.actions import complete_step

VN = datetime.timezone(datetime.timedelta(hours=7))


class SafetyTests(ImportTestCase):
    def setUp(self):
        super().setUp()
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    # Duplicates ---------------------------------------------------------------------------------------------------

    def test_a_row_of_a_person_already_in_the_registry_is_linked_not_created_again(self):
        known = existing_case(self.p).person
        batch = self.run_import(self.prepared(persons_workbook()))
        self.assertEqual((batch.created_count, batch.linked_count), (2, 1))
        self.assertEqual(Person.objects.count(), 3)  # the known one and two new
        self.assertEqual(Case.objects.filter(person=known).count(), 2)  # a new case for the same person
        link = ImportedRecord.objects.get(row=7, outcome="linked")
        self.assertEqual(link.object_id, known.pk)

    def test_the_same_intake_already_recorded_is_skipped(self):
        existing_case(self.p, received_at=datetime.datetime(2024, 3, 15, 9, 0, tzinfo=VN))
        batch = self.run_import(self.prepared(persons_workbook()))
        self.assertEqual((batch.created_count, batch.linked_count, batch.skipped_count), (2, 0, 2))
        self.assertIn("already has case", RowNote.objects.get(row=7).reasons)

    def test_a_row_matching_several_people_is_left_for_an_officer(self):
        existing_case(self.p)
        existing_case(self.p)
        batch = self.run_import(self.prepared(persons_workbook()))
        self.assertIn("Several people in the registry match", RowNote.objects.get(batch=batch, row=7).reasons)
        self.assertEqual(Person.objects.count(), 4)

    def test_a_registry_row_of_a_known_person_links_without_a_copy(self):
        from trove.people.actions import PersonData, person_create

        person_create(acting_user=self.p.owner, data=PersonData(
            full_name="Phạm Thị Mai", sex="female", birth_year=2003, birth_precision="year", old_id="012345678"))
        known = Person.objects.get()
        batch = self.run_import(self.prepared(suspected_workbook(), name="nghi.xls", kind="suspected"))
        self.assertEqual((batch.created_count, batch.linked_count), (2, 1))
        # The known person gets their entry in the registry, without a copy of them.
        self.assertEqual(SuspectedVictim.objects.count(), 3)
        self.assertEqual(Person.objects.count(), 3)
        self.assertEqual(SuspectedVictim.objects.get(person=known).risk_channel, "labour_export")
        link = ImportedRecord.objects.get(batch=batch, row=2, outcome="linked")
        self.assertEqual(link.object_id, known.pk)
        # The same list again: nothing new.
        again = self.run_import(self.prepared(suspected_workbook(), name="lai.xls", kind="suspected"))
        self.assertEqual(again.skipped_count, 3)
        self.assertEqual(SuspectedVictim.objects.count(), 3)

    # The same file twice --------------------------------------------------------------------------------------------

    def test_importing_the_same_file_twice_creates_nothing_new(self):
        first = self.run_import(self.prepared(persons_workbook()))
        counts = (Person.objects.count(), Case.objects.count())
        second = self.run_import(self.prepared(persons_workbook(), name="Bản sao.xlsx"))
        self.assertEqual((second.created_count, second.linked_count, second.skipped_count), (0, 0, 4))
        self.assertEqual((Person.objects.count(), Case.objects.count()), counts)
        self.assertIn(f"Already imported: import {first.pk}, row 7",
                      RowNote.objects.get(batch=second, row=7).reasons)

    def test_the_same_row_twice_in_one_file_is_imported_once(self):
        from trove.imports.tests.helpers import xlsx_bytes

        row = ["Lý Thị Sâm", "12/12/1990", "Nữ", "05/01/2026", "giải cứu"]
        content = xlsx_bytes([["Họ và tên", "Ngày sinh", "Giới tính", "Ngày tiếp nhận", "Nguồn tiếp nhận"], row,
                              [cell.upper() if isinstance(cell, str) else cell for cell in row]])
        batch = self.run_import(self.prepared(content))
        self.assertEqual((batch.created_count, batch.skipped_count), (1, 1))
        self.assertIn("The same as row 2", RowNote.objects.get(batch=batch, row=3).reasons)

    # Interrupted and resumed ------------------------------------------------------------------------------------------

    def _run_failing(self, batch, at_row):
        real = engine.Runner.write

        def write(runner, results):
            # The batch's records are written, then the worker dies before the batch commits.
            real(runner, results)
            if any(result.number == at_row for result in results):
                raise RuntimeError("the worker died here")

        with mock.patch.object(engine, "BATCH_SIZE", 3), mock.patch.object(engine.Runner, "write", write), \
                self.assertLogs("trove.core.jobs", "ERROR"):
            return self.run_import(batch)

    def test_an_interrupted_import_keeps_whole_batches_and_resumes_after_the_last(self):
        batch = self.prepared(people_workbook(8))  # rows 2 to 9
        batch = self._run_failing(batch, at_row=6)  # in the second batch of three (rows 5, 6, 7)
        self.assertEqual(batch.status, BatchStatus.INTERRUPTED)
        self.assertEqual(Job.objects.get(pk=batch.job_id).status, JobStatus.FAILED)
        self.assertEqual((batch.last_row, batch.created_count), (4, 3))
        self.assertEqual(Person.objects.count(), 3)  # row 5 was written, then rolled back with its batch
        self.assertTrue(batch.resumable)
        with mock.patch.object(engine, "BATCH_SIZE", 3), self.captureOnCommitCallbacks(execute=True):
            actions.batch_resume(acting_user=self.p.owner, batch=batch)
        batch.refresh_from_db()
        self.assertEqual((batch.status, batch.created_count, batch.last_row), (BatchStatus.DONE, 8, 9))
        self.assertEqual(Person.objects.count(), 8)
        self.assertEqual(sorted(ImportedRecord.objects.filter(content_type__model="case").values_list("row",
                                                                                                      flat=True)),
                         list(range(2, 10)))
        self.assertTrue(AuditEntry.objects.filter(action="import.resume").exists())

    def test_a_killed_worker_leaves_the_import_running_until_it_is_seen_stalled(self):
        batch = self._run_failing(self.prepared(people_workbook(5)), at_row=6)
        # A killed process runs no handler: the import stays "running" with its last heartbeat.
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, run_token="dead",
                                                       heartbeat_at=timezone.now())
        batch.refresh_from_db()
        self.assertFalse(batch.resumable)
        with self.assertRaises(ValidationError):
            actions.batch_resume(acting_user=self.p.owner, batch=batch)
        ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - STALE_AFTER - datetime.timedelta(
            minutes=1))
        batch.refresh_from_db()
        self.assertTrue(batch.stalled and batch.resumable)
        with self.captureOnCommitCallbacks(execute=True):
            actions.batch_resume(acting_user=self.p.owner, batch=batch)
        batch.refresh_from_db()
        self.assertEqual((batch.status, batch.created_count, Person.objects.count()), (BatchStatus.DONE, 5, 5))

    def test_a_superseded_run_stops_without_writing(self):
        batch = self.prepared(people_workbook(2))
        batch = actions.batch_start(acting_user=self.p.owner, batch=batch, background=False)
        runner = engine.Runner(batch, self.p.owner)
        with self.assertRaises(engine.Superseded):
            runner.run_batch(list(runner.source_rows()), token="not-the-token")
        self.assertFalse(Person.objects.exists())

    # Undo ---------------------------------------------------------------------------------------------------------

    def test_an_administrator_of_the_agency_undoes_an_import(self):
        known = existing_case(self.p).person
        batch = self.run_import(self.prepared(persons_workbook()))
        self.assertEqual(Case.objects.count(), 4)
        counts = actions.batch_undo(acting_user=self.commune_admin, batch=batch, reason="Nhập nhầm danh sách cũ")
        self.assertEqual(counts, {"cases.case": 3, "people.person": 2})
        self.assertEqual(list(Person.objects.all()), [known])  # the linked person stays, with their own case
        self.assertEqual(Case.objects.count(), 1)
        batch.refresh_from_db()
        self.assertEqual(batch.status, BatchStatus.UNDONE)
        self.assertFalse(ImportedRecord.objects.filter(batch=batch).exists())
        entry = AuditEntry.objects.get(action="import.undo")
        self.assertEqual(entry.changes["deleted cases.case"], [3, 0])
        # Its rows may be imported again.
        again = self.run_import(self.prepared(persons_workbook()))
        self.assertEqual((again.created_count, again.linked_count), (2, 1))

    def test_an_import_something_was_built_on_cannot_be_undone(self):
        batch = self.run_import(self.prepared(persons_workbook()))
        case = Case.objects.order_by("pk").first()
        complete_step(step=case.verification_steps.order_by("order").first(), acting_user=self.p.owner)
        with self.assertRaises(ValidationError) as raised:
            actions.batch_undo(acting_user=self.commune_admin, batch=batch, reason="Nhập nhầm danh sách cũ")
        self.assertIn("worked on records of this import", raised.exception.messages[0])
        self.assertEqual(Case.objects.count(), 3)
        self.assertEqual(ImportBatch.objects.get(pk=batch.pk).status, BatchStatus.DONE)

    def test_only_an_administrator_of_the_importing_agency_undoes_with_a_reason(self):
        batch = self.run_import(self.prepared(persons_workbook()))
        with self.assertRaises(PermissionDenied):
            actions.batch_undo(acting_user=self.p.owner, batch=batch, reason="Nhập nhầm danh sách cũ")
        for user in (self.p.outsider, self.p.administrator):  # another agency's administrator too
            with self.assertRaises(Http404):
                actions.batch_undo(acting_user=user, batch=batch, reason="Nhập nhầm danh sách cũ")
        with self.assertRaises(ValidationError):
            actions.batch_undo(acting_user=self.commune_admin, batch=batch, reason="sai")
        self.assertEqual(Case.objects.count(), 3)
