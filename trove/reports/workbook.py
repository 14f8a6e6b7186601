"""The periodic report as an Excel workbook laid out like an official form: the issuing body and the national title,
the title, the place and the period, the tables, the notes and the signature block (openpyxl, no template).

The workbook is an official document, so it is in Vietnamese whatever the interface language; numbers hidden by the
small-count rule are written "<11" or "×", exactly as the page shows them to the same person.
"""

from __future__ import annotations

import io

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from trove.reports.officials import DOTS, MOTTO, NATIONAL_TITLE, Issuer
from trove.reports.presenting import PresentedTable
from trove.reports.report import HIDDEN_OTHER, HIDDEN_SMALL

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE = "BÁO CÁO THỐNG KÊ CÔNG TÁC TIẾP NHẬN, XÁC MINH, BẢO VỆ VÀ HỖ TRỢ NẠN NHÂN BỊ MUA BÁN"


def _font(bold=False, italic=False, size=12) -> Font:
    return Font(name=FONT, bold=bold, italic=italic, size=size)


def _put(sheet, row: int, first: int, last: int, text, *, bold=False, italic=False, size=12, align="center",
         wrap=False):
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = sheet.cell(row=row, column=first, value=text)
    cell.font = _font(bold, italic, size)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    return cell


def workbook(tables: list[PresentedTable], *, issuer: Issuer, period_label: str, period_dates: str,
             place_label: str, units_label: str, exact: bool, title: str = TITLE) -> bytes:
    """The .xlsx of the report; ``tables`` as presented to the person who asked (numbers or hidden marks)."""
    with translation.override("vi"):
        book = Workbook()
        sheet = book.active
        sheet.title = "Báo cáo"
        width = max([len(table.columns) + 1 for table in tables] + [8])
        half = max(3, width // 2)
        _put(sheet, 1, 1, half - 1, issuer.parent, size=11)
        _put(sheet, 1, half, width, NATIONAL_TITLE, bold=True, size=12)
        _put(sheet, 2, 1, half - 1, issuer.body, bold=True, size=12)
        _put(sheet, 2, half, width, MOTTO, bold=True, size=13)
        _put(sheet, 3, 1, half - 1, f"Số: {DOTS}/BC-{issuer.abbreviation}", size=12)
        _put(sheet, 3, half, width, f"{issuer.place_name}, {issuer.date_line}", italic=True, size=12)
        _put(sheet, 5, 1, width, title, bold=True, size=14, wrap=True)
        sheet.row_dimensions[5].height = 36
        _put(sheet, 6, 1, width, f"Kỳ báo cáo: {period_label} ({period_dates})", size=12)
        _put(sheet, 7, 1, width, f"Địa bàn: {place_label} — {units_label}", size=12)
        row = 9
        for number, table in enumerate(tables, start=1):
            row = _table(sheet, row, number, table) + 1
        _put(sheet, row, 1, width, "Ghi chú:", bold=True, italic=True, align="left")
        notes = [f"Số liệu trích từ hệ thống Trở Về lúc {timezone.localtime():%H:%M ngày %d/%m/%Y}."]
        if not exact:
            notes += [f"“{HIDDEN_SMALL}”: từ 1 đến 10 người, không ghi số cụ thể để không thể nhận ra người nào.",
                      f"“{HIDDEN_OTHER}”: số được ẩn để không thể suy ra các ô “{HIDDEN_SMALL}” từ số tổng."]
        for note in notes:
            row += 1
            _put(sheet, row, 1, width, f"- {note}", italic=True, size=11, align="left", wrap=True)
        row += 2
        _put(sheet, row, 1, half - 1, "NGƯỜI LẬP BIỂU", bold=True)
        _put(sheet, row, half, width, "THỦ TRƯỞNG ĐƠN VỊ", bold=True)
        _put(sheet, row + 1, 1, half - 1, "(Ký, ghi rõ họ tên)", italic=True, size=11)
        _put(sheet, row + 1, half, width, "(Ký, ghi rõ họ tên, đóng dấu)", italic=True, size=11)
        _put(sheet, row + 5, 1, half - 1, issuer.signer_name, bold=True)
        sheet.column_dimensions["A"].width = 42
        for column in range(2, width + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 13
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _table(sheet, row: int, number: int, table: PresentedTable) -> int:
    last = len(table.columns) + 1
    _put(sheet, row, 1, last, f"Biểu {number}. {table.title}", bold=True, align="left")
    row += 1
    if any(label for label, _span in table.groups):
        column = 2
        header = sheet.cell(row=row, column=1, value="")
        header.border = BOX
        for label, span in table.groups:
            cell = _put(sheet, row, column, column + span - 1, label, bold=True, size=11, wrap=True)
            for offset in range(span):
                sheet.cell(row=row, column=column + offset).border = BOX
            cell.border = BOX
            column += span
        row += 1
    heading = sheet.cell(row=row, column=1, value="Chỉ tiêu")
    heading.font, heading.border = _font(True, size=11), BOX
    for index, column in enumerate(table.columns, start=2):
        cell = sheet.cell(row=row, column=index, value=column.label)
        cell.font, cell.border = _font(True, size=11), BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for presented in table.rows:
        row += 1
        label = sheet.cell(row=row, column=1, value=presented.label)
        label.font = _font(bold=presented.level == 0, size=11)
        label.alignment = Alignment(indent=presented.level * 2, wrap_text=True)
        label.border = BOX
        for index, shown in enumerate(presented.cells, start=2):
            cell = sheet.cell(row=row, column=index, value=shown.value if shown.value is not None else shown.text)
            cell.font, cell.border = _font(size=11), BOX
            cell.alignment = Alignment(horizontal="right")
            if shown.value is not None:
                cell.number_format = "#,##0"
    if table.note:
        row += 1
        _put(sheet, row, 1, last, table.note, italic=True, size=10, align="left", wrap=True)
        sheet.row_dimensions[row].height = 30
    return row + 1
