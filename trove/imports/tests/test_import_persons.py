"""Importing persons and their cases, suspected victims and missing persons from messy files, end to end through
the background job."""

import datetime
import io

from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from openpyxl import load_workbook

from trove.cases.models import Case
from trove.core import jobs
from trove.core.models import AuditEntry
from trove.geo.models import AdminUnit
from trove.imports.models import BatchStatus, ImportedRecord, NoteLevel, RowNote
from trove.imports.tests.helpers import (
    ImportTestCase,
    missing_csv,
    persons_workbook,
    suspected_workbook,
    xlsx_bytes,
)
from trove.people.models import MissingPerson, Person, SuspectedVictim


class PersonsImportTests(ImportTestCase):
    def setUp(self):
        super().setUp()
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def test_a_messy_workbook_is_read_as_it_was_meant(self):
        batch = self.prepared(persons_workbook())
        self.assertEqual((batch.header_row, batch.header_rows, batch.first_data_row), (4, 2, 7))
        batch = self.run_import(batch)
        self.assertEqual((batch.status, batch.created_count, batch.linked_count, batch.skipped_count,
                          batch.failed_count), (BatchStatus.DONE, 3, 0, 1, 0))
        cases = {case.person.full_name: case for case in Case.objects.select_related("person", "intake", "unit")}
        hoa = cases["Nguyen Thi Hoa"]  # typed in capitals without diacritics
        self.assertEqual((hoa.person.sex, hoa.person.birth_date, hoa.person.citizen_id),
                         ("female", datetime.date(1998, 5, 12), "079123456789"))  # the Nữ column; zero restored
        self.assertEqual(hoa.person.home_unit.key, "legacy:29929")  # received in 2024: the old units
        self.assertEqual((hoa.intake.channel, hoa.intake.country_returned_from_id), ("returned_self", "CN"))
        self.assertEqual(hoa.intake.received_at.date(), datetime.date(2024, 3, 15))
        self.assertEqual(hoa.unit.unit_set, "legacy")  # the place must exist on the day of intake
        nam = cases["Trần Văn Nam"]
        self.assertEqual((nam.person.sex, nam.person.birth_year, nam.person.birth_precision),
                         ("male", 1995, "year"))  # a year in the Nam column
        self.assertEqual(nam.person.home_unit.key, "legacy:29929")  # "Tan Ho Co - Tan Hong - DT"
        self.assertEqual(nam.intake.received_at.date(), datetime.date(2024, 4, 18))  # Excel serial 45400
        self.assertEqual(nam.intake.country_returned_from_id, "KH")  # "CPC"
        lan = cases["Lê Thị Lan"]
        self.assertEqual((lan.person.birth_year, lan.person.home_unit.key, lan.intake.channel),
                         (2001, "2025:29929", "rescued_domestic"))  # "năm 2001"; received in 2026: the new units
        # The verification the law prescribes was opened, as for a case typed by hand.
        self.assertTrue(all(case.verification_steps.exists() for case in cases.values()))
        # Every record knows its row; the signature line was skipped with a reason; the remark on the zeros kept.
        self.assertEqual(sorted(set(ImportedRecord.objects.values_list("row", flat=True))), [7, 8, 9])
        self.assertEqual(RowNote.objects.get(level=NoteLevel.SKIPPED).row, 12)
        self.assertIn("Zeros lost", RowNote.objects.get(level=NoteLevel.WARNING, row=7).reasons)

    def test_the_file_is_kept_encrypted_then_deleted_and_its_name_never_in_clear(self):
        batch = self.prepared(persons_workbook(), name="Danh sach Nguyen Thi Hoa.xlsx")
        stored = self.stored_files()
        self.assertEqual(len(stored), 1)
        self.assertNotIn(b"UBND", stored[0].read_bytes())
        self.assertNotIn(b"PK\x03\x04", stored[0].read_bytes()[:4])
        batch = self.run_import(batch)
        self.assertEqual(self.stored_files(), [])
        self.assertFalse(batch.file)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT file_name FROM imports_importbatch WHERE id = %s", [batch.pk])
            self.assertNotIn("Nguyen", cursor.fetchone()[0])

    def test_the_import_is_audited_with_counts_and_no_identity(self):
        batch = self.run_import(self.prepared(persons_workbook()))
        finish = AuditEntry.objects.get(action="import.finish", object_id=str(batch.pk))
        self.assertEqual(finish.changes["created"], [None, 3])
        bulk = AuditEntry.objects.get(action="case.receive_bulk")
        entries = " ".join(str(e.changes) + e.reason for e in AuditEntry.objects.filter(action__startswith="import"))
        entries += str(bulk.changes)
        for secret in ("Hoa", "HOA", "079123456789", "Tân Hộ Cơ", "Danh sách"):
            self.assertNotIn(secret, entries)
        # The batch's records were written by the bulk intake action, which audited them in one entry, by id.
        cases = sorted(Case.objects.values_list("pk", flat=True))
        self.assertEqual(bulk.changes["cases"], [None, cases])
        self.assertEqual(bulk.changes["persons created"],
                         [None, sorted(Person.objects.values_list("pk", flat=True))])
        self.assertFalse(AuditEntry.objects.filter(action__in=("case.receive", "person.create")).exists())

    def test_the_report_lists_every_row_with_its_result_and_reasons(self):
        batch = self.run_import(self.prepared(persons_workbook()))
        content = jobs.read_result(acting_user=self.p.owner, job=batch.job)
        sheet = load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:4], ("Row", "Result", "Reasons", "Records"))
        self.assertEqual(rows[0][5], "Họ và tên")
        by_row = {row[0]: row for row in rows[1:]}
        self.assertEqual(by_row[7][1], "Created")
        self.assertIn("DT-2024-", by_row[7][3])
        self.assertEqual(by_row[12][1], "Skipped")
        self.assertIn("signature", by_row[12][2])
        self.assertNotIn(10, by_row)  # blank rows are left out

    def test_rows_the_actions_refuse_fail_with_their_messages_and_nothing_is_saved_for_them(self):
        content = xlsx_bytes([
            ["Họ và tên", "Ngày tiếp nhận", "Nguồn tiếp nhận", "CCCD", "Ngày sinh"],
            ["Lê Thị Bé", "10/02/2026", "tự trở về", None, None],  # from abroad: the country is missing
            ["Lê Thị Cúc", "10/02/2026", "giải cứu", "07912345", None],  # a CCCD of 8 digits
            ["Lê Thị Dung", "10/02/2026", "đi chơi", None, None],  # not a channel
            ["Lê Thị Em", "10/02/2026", "giải cứu", None, "31/02/1990"],  # no such day
            ["Lê Thị Gấm", "10/02/2099", "giải cứu", None, None],  # in the future
            ["Lê Thị Hà", "10/02/2026", "giải cứu", None, None],  # fine
        ])
        batch = self.run_import(self.prepared(content))
        self.assertEqual((batch.created_count, batch.failed_count), (1, 5))
        reasons = dict(RowNote.objects.filter(level=NoteLevel.FAILED).values_list("row", "reasons"))
        self.assertIn("Say which country the person came back from", reasons[2])
        self.assertIn("12 digits", reasons[3])
        self.assertIn("not one of the list; use one of: Official handover;", reasons[4])
        self.assertIn("dd/mm/yyyy", reasons[5])
        self.assertIn("future", reasons[6])
        self.assertEqual(Person.objects.count(), 1)

    def test_suspected_victims_from_an_xls_file(self):
        batch = self.prepared(suspected_workbook(), name="nghi.xls", kind="suspected")
        self.assertEqual(batch.header_row, 1)
        batch = self.run_import(batch)
        self.assertEqual((batch.created_count, batch.failed_count), (3, 0))
        entries = {e.person.full_name: e for e in SuspectedVictim.objects.select_related("person")}
        mai = entries["Phạm Thị Mai"]  # "PHẠM THỊ MAI"
        self.assertEqual((mai.risk_channel, mai.person.sex, mai.person.birth_year, mai.person.old_id),
                         ("labour_export", "female", 2003, "012345678"))
        self.assertEqual((mai.reported_on, mai.destination_country_id), (datetime.date(2024, 8, 2), "MY"))
        self.assertEqual(entries["Võ Văn Tài"].risk_channel, "marriage_foreigner")
        self.assertEqual(entries["Võ Văn Tài"].destination_country_id, "CN")  # "TQ"
        self.assertEqual(entries["Đỗ Thị Hằng"].reported_on, datetime.date(2025, 8, 31))  # "45900" as text
        self.assertEqual(entries["Đỗ Thị Hằng"].owner_agency, self.p.owner_agency)

    def test_missing_persons_from_a_csv_file_with_headings_without_diacritics(self):
        batch = self.run_import(self.prepared(missing_csv(), name="mat tich.csv", kind="missing"))
        self.assertEqual((batch.created_count, batch.failed_count), (2, 0))
        my = MissingPerson.objects.select_related("person").get(person__sex="female")
        self.assertEqual((my.person.birth_date, my.person.phone, my.missing_since),
                         (datetime.date(2004, 2, 1), "0912345678", datetime.date(2026, 1, 1)))
        self.assertEqual(my.person.home_unit, AdminUnit.objects.by_key("2025:29929"))
        pao = MissingPerson.objects.select_related("person").get(person__sex="male")  # "1"
        self.assertEqual((pao.person.birth_date, pao.person.birth_precision), (datetime.date(2002, 7, 1), "month"))
        self.assertTrue(RowNote.objects.filter(row=2, level=NoteLevel.WARNING, reasons__isnull=False).exists())

    def test_records_link_to_their_batch_and_row(self):
        batch = self.run_import(self.prepared(persons_workbook()))
        case = Case.objects.get(person__citizen_id_index__isnull=False, intake__channel="rescued_domestic")
        link = ImportedRecord.objects.get(content_type=ContentType.objects.get_for_model(Case), object_id=case.pk)
        self.assertEqual((link.batch_id, link.row, link.outcome), (batch.pk, 9, "created"))
        self.assertEqual(len(link.fingerprint), 64)
