"""The workbook, the Word draft, CSV tables, large exports in the background, and their audit entries."""

import csv
import io

import docx
import openpyxl
from django.test import override_settings
from django.urls import reverse

from trove.core.models import AuditEntry, Job, User
from trove.reports.tests.helpers import ReportsTestCase

EXPORT = reverse("reports:export")
YEAR = {"kind": "year", "year": "2026", "units": "today"}


def cells(sheet) -> list[list]:
    return [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]


class WorkbookTests(ReportsTestCase):
    def export(self, user, file_format="xlsx", **params):
        self.sign_in(user)
        return self.client.post(EXPORT, {**YEAR, "format": file_format, **params})

    def test_the_workbook_is_laid_out_like_an_official_form(self):
        response = self.export(self.p.statistician, place="2025:82")
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response["Content-Type"])
        self.assertIn("attachment", response["Content-Disposition"])
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = cells(sheet)
        flat = [str(value) for row in rows for value in row if value is not None]
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", flat)
        self.assertIn("Độc lập - Tự do - Hạnh phúc", flat)
        self.assertIn("SỞ Y TẾ TỈNH ĐỒNG THÁP (THỬ)", flat)
        self.assertTrue(any(text.startswith("BÁO CÁO THỐNG KÊ") for text in flat))
        self.assertIn("Kỳ báo cáo: Năm 2026 (từ ngày 01/01/2026 đến ngày 31/12/2026)", flat)
        self.assertTrue(any(text.startswith("Địa bàn: Xã") or "Tỉnh Đồng Tháp" in text for text in flat))
        self.assertIn("NGƯỜI LẬP BIỂU", flat)
        self.assertIn("THỦ TRƯỞNG ĐƠN VỊ", flat)
        self.assertIn("Hồ Văn Số", flat)  # the statistician who made it
        # The first table: persons received, with exact numbers for a statistician.
        first = next(i for i, row in enumerate(rows) if row[0] == "Chỉ tiêu")
        self.assertEqual(list(rows[first + 1][:9]), ["Số người được tiếp nhận", 16, 10, 5, 1, 1, 1, 13, 1])
        entry = AuditEntry.objects.filter(action="report.export").latest("id")
        self.assertEqual(entry.changes["format"], [None, "xlsx"])
        self.assertEqual(entry.object_id, "today:2025:82/2026")
        self.assertEqual(entry.actor_id, self.p.statistician.pk)

    def test_small_counts_stay_hidden_in_the_file(self):
        sheet = openpyxl.load_workbook(io.BytesIO(self.export(self.p.owner).content)).active
        rows = cells(sheet)
        first = next(i for i, row in enumerate(rows) if row[0] == "Chỉ tiêu")
        self.assertEqual(rows[first + 1][1], 14)
        self.assertEqual(rows[first + 1][2], "<11")
        self.assertTrue(any("từ 1 đến 10 người" in str(row[0]) for row in rows if row[0]))

    def test_the_word_draft_has_the_figures_filled_in(self):
        response = self.export(self.p.statistician, "docx", place="2025:82")
        self.assertEqual(response.status_code, 200)
        document = docx.Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", text)
        self.assertIn("Tổng kết công tác phòng, chống mua bán người năm 2026", text)
        self.assertIn("Trong kỳ đã tiếp nhận 16 người; trong đó từ nước ngoài trở về 8 người (trao trả chính "
                      "thức 3, tự trở về 4, trở về qua cơ quan đại diện Việt Nam ở nước ngoài 1)", text)
        self.assertIn("Đã xác định 3 người là nạn nhân bị mua bán và 1 người không phải là nạn nhân; 12 người đang "
                      "trong quá trình xác định.", text)
        self.assertIn("Có 6 người nghi là nạn nhân bị mua bán (xuất khẩu lao động: 2", text)
        self.assertIn("còn 2 người chưa được giải cứu", text)
        table = document.tables[-1] if len(document.tables) > 2 else document.tables[0]
        figures = next(t for t in document.tables if t.rows[0].cells[0].text == "Chỉ tiêu")
        self.assertEqual([c.text for c in figures.rows[1].cells][:3], ["Số người được tiếp nhận", "16", "10"])
        self.assertIsNotNone(table)
        half = self.export(self.p.statistician, "docx", place="2025:82", kind="half", number="1")
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(half.content)).paragraphs)
        self.assertIn("Sơ kết công tác phòng, chống mua bán người 6 tháng đầu năm 2026", text)
        self.assertTrue(AuditEntry.objects.filter(action="report.export", changes__format=[None, "docx"]).exists())

    def test_a_table_as_csv(self):
        self.sign_in(self.p.statistician)
        response = self.client.get(reverse("reports:table_csv"), {**YEAR, "place": "2025:82", "table": "units"},
                                   HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 200)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][1], "Persons received")
        self.assertIn(["Xã Tân Hồng", "14"], [row[:2] for row in rows])
        self.assertEqual(self.client.get(reverse("reports:table_csv"), {**YEAR, "table": "nope"}).status_code, 404)
        self.assertTrue(AuditEntry.objects.filter(action="report.export", changes__table=[None, "units"]).exists())

    @override_settings(REPORTS_INLINE_EXPORT_LIMIT=5)
    def test_a_large_export_runs_in_the_background_with_a_download_link(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.export(self.p.statistician, place="2025:82")
        job = Job.objects.get(created_by=self.p.statistician)
        self.assertRedirects(response, reverse("job", args=[job.pk]), fetch_redirect_response=False)
        job.refresh_from_db()
        self.assertEqual(job.status, "done")
        self.assertTrue(job.result_name.endswith(".xlsx"))
        download = self.client.get(reverse("job_download", args=[job.pk]))
        self.assertEqual(download.status_code, 200)
        rows = cells(openpyxl.load_workbook(io.BytesIO(download.content)).active)
        self.assertIn("Số người được tiếp nhận", [row[0] for row in rows])
        self.assertTrue(AuditEntry.objects.filter(action="report.export", changes__background=[None, True]).exists())
        self.sign_in(self.p.supervisor)  # nobody else may download it
        self.assertEqual(self.client.get(reverse("job_download", args=[job.pk])).status_code, 404)

    def test_exports_by_someone_not_allowed_are_refused(self):
        before = AuditEntry.objects.filter(action="report.export").count()
        self.assertEqual(self.export(self.p.outsider, place="2025:82").status_code, 404)
        nobody = User.objects.create(username="p_nobody", full_name="Không Vai Trò")
        self.assertEqual(self.export(nobody).status_code, 403)
        self.assertEqual(self.export(self.p.owner, "pdf").status_code, 400)
        response = self.export(self.p.owner, kind="dates", start="2026-03-01", end="2026-02-01")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(AuditEntry.objects.filter(action="report.export").count(), before)
        self.assertEqual(self.client.get(EXPORT).status_code, 405)
