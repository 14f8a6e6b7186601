"""manage.py import_legacy: progress on the terminal, the same import as the wizard, exit status 1 when rows fail."""

import io

from django.core.management import call_command
from django.core.management.base import CommandError

from trove.cases.models import Case
from trove.imports import actions
from trove.imports.models import BatchStatus, ColumnMapping, ImportBatch
from trove.imports.tests.helpers import ImportTestCase, persons_workbook, xlsx_bytes
from trove.people.models import Person


class ImportLegacyCommandTests(ImportTestCase):
    def write(self, content: bytes, name: str = "ds.xlsx"):
        path = self.root / name
        path.write_bytes(content)
        return str(path)

    def command(self, *args, **options):
        out = io.StringIO()
        call_command("import_legacy", *args, "--user", self.p.owner.username, "--agency", str(self.p.owner_agency.pk),
                     "--language", "en", stdout=out, stderr=io.StringIO(), **options)
        return out.getvalue()

    def test_a_clean_import_exits_zero_with_a_progress_bar_and_a_report(self):
        report = self.root / "report.xlsx"
        out = self.command(self.write(persons_workbook()), "--kind", "persons", "--report", str(report))
        self.assertIn("\r6/6 rows", out)
        self.assertIn("3 created", out)
        self.assertEqual(Case.objects.count(), 3)
        self.assertTrue(report.read_bytes().startswith(b"PK"))
        self.assertEqual(ImportBatch.objects.get().status, BatchStatus.DONE)

    def test_failed_rows_make_the_command_exit_non_zero(self):
        content = xlsx_bytes([["Họ và tên", "Ngày tiếp nhận", "Nguồn tiếp nhận"],
                              ["Lê Thị Hà", "10/02/2026", "giải cứu"], ["Lê Thị Bé", "10/02/2026", "đi chơi"]])
        with self.assertRaises(CommandError) as raised:
            self.command(self.write(content))
        self.assertEqual(raised.exception.returncode, 1)
        self.assertIn("1 row(s) failed", str(raised.exception))
        self.assertEqual(Case.objects.count(), 1)

    def test_a_dry_run_saves_nothing_and_still_says_what_would_fail(self):
        content = xlsx_bytes([["Họ và tên", "Ngày tiếp nhận", "Nguồn tiếp nhận"],
                              ["Lê Thị Hà", "10/02/2026", "giải cứu"], ["Lê Thị Bé", "10/02/2026", "đi chơi"]])
        with self.assertRaises(CommandError) as raised, self.captureOnCommitCallbacks(execute=True):
            self.command(self.write(content), "--dry-run")
        self.assertEqual(raised.exception.returncode, 1)
        self.assertFalse(Person.objects.exists())
        self.assertEqual(ImportBatch.objects.get().status, BatchStatus.ABANDONED)
        self.assertEqual(self.stored_files(), [])

    def test_a_saved_mapping_and_values_for_empty_cells(self):
        content = xlsx_bytes([["Tên", "Ngày về", "Ghi chú"], ["Lê Thị Hà", "10/02/2026", "x"]])
        actions.mapping_save(acting_user=self.p.owner, agency=self.p.owner_agency, kind="persons",
                             name="Mẫu huyện", columns={"full_name": "ten", "received_at": "ngay ve"})
        self.command(self.write(content), "--mapping", "Mẫu huyện", "--set", "channel=rescued_domestic")
        self.assertEqual(Case.objects.get().intake.channel, "rescued_domestic")
        self.command(self.write(xlsx_bytes([["Tên", "Ngày về"], ["Lê Thị Bé", "11/02/2026"]]), "b.xlsx"),
                     "--mapping", "Mẫu huyện", "--set", "channel=self_reported", "--save-mapping", "Mẫu 2")
        self.assertEqual(Case.objects.filter(intake__channel="self_reported").count(), 1)
        self.assertTrue(ColumnMapping.objects.filter(name="Mẫu 2").exists())

    def test_an_import_that_cannot_start_exits_two(self):
        with self.assertRaises(CommandError) as raised:
            self.command(self.write(b"not a workbook", "x.pdf"))
        self.assertEqual(raised.exception.returncode, 2)
        with self.assertRaises(CommandError) as raised:
            call_command("import_legacy", self.write(persons_workbook()), "--user", self.p.readonly.username,
                         "--agency", str(self.p.owner_agency.pk), stdout=io.StringIO())
        self.assertEqual(raised.exception.returncode, 2)
