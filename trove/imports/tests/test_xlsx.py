"""The fast .xlsx reader gives, cell for cell, what openpyxl's read-only mode gives.

Every workbook here is read both ways: ``XlsxWorkbook`` (``trove.imports.xlsx``) and openpyxl's
``load_workbook(read_only=True, data_only=True).iter_rows(values_only=True)``, which the import used before.
"""

import datetime
import io
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from trove.imports.reading import XlsxWorkbook, count_rows, open_workbook
from trove.imports.tests.helpers import persons_workbook


def openpyxl_rows(content: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    return {name: [list(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}


def fast_rows(content: bytes) -> dict[str, list[list]]:
    workbook = XlsxWorkbook(content)
    return {name: list(workbook._raw_rows(name)) for name in workbook.sheet_names()}


def assert_same(content: bytes) -> dict[str, list[list]]:
    expected = openpyxl_rows(content)
    found = fast_rows(content)
    assert found == expected
    # The same types too (1 == 1.0 == True in Python).
    assert [[type(v) for v in row] for rows in found.values() for row in rows] == [
        [type(v) for v in row] for rows in expected.values() for row in rows]
    return found


CELLS = [
    ["Họ và tên", "Ngày sinh", "Số", "Thập phân", "Đúng", "Giờ", "Khoảng", "Lỗi", "Công thức"],
    ["Nguyễn Thị Hoa", datetime.date(1990, 5, 1), 79123456789, 3.25, True, datetime.time(7, 30),
     datetime.timedelta(hours=30), "#N/A", "=1+1"],
    ["LE VAN AN", datetime.datetime(2024, 2, 29, 13, 45), -5, 1e-7, False, None, None, None, None],
    [None, None, 10**14, 12345678901234.5, None, None, None, None, None],
    [],
    ["  espaces  ", "x005F_x0041_", "a&b<c>", "dòng\nmới", "tab\tgiữa", "", 0, 0.0, "Đồng Tháp"],
]


def test_a_workbook_saved_by_openpyxl_shared_strings_dates_and_gaps():
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    for row in CELLS:
        sheet.append(row)
    sheet["B9"] = "after a gap"
    sheet["K12"] = 42  # beyond the other columns
    sheet["C2"].number_format = "0"
    sheet["A4"] = CellRichText(["Trần ", TextBlock(InlineFont(b=True), "Thị"), " Mai"])
    book.create_sheet("Trống")
    other = book.create_sheet("Khác")
    other.append([datetime.date(2001, 1, 1), 36000])
    stream = io.BytesIO()
    book.save(stream)
    rows = assert_same(stream.getvalue())
    assert rows["Danh sách"][3][0] == "Trần Thị Mai"
    assert rows["Danh sách"][1][1] == datetime.datetime(1990, 5, 1)


def test_a_workbook_written_in_write_only_mode_inline_strings_without_dimension():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    for row in CELLS:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    content = stream.getvalue()
    assert XlsxWorkbook(content).row_count("Danh sách") is None  # no <dimension>: as openpyxl says
    assert_same(content)
    # Counted from the row elements' numbers, without reading the cells: the number of the last row read.
    workbook = XlsxWorkbook(content)
    assert workbook.count_quickly("Danh sách") == count_rows(workbook, "Danh sách") == len(CELLS)
    assert [number for number, _cells in workbook.rows("Danh sách")][-1] == len(CELLS)


def test_the_persons_workbook_of_the_import_tests_with_merged_cells():
    content = persons_workbook()
    assert_same(content)
    fast = open_workbook(content, "xlsx")
    assert XlsxWorkbook(content).row_count("Danh sách") == load_workbook(
        io.BytesIO(content), read_only=True)["Danh sách"].max_row
    assert list(fast.rows("Danh sách"))[:8]


def _replace(content: bytes, parts: dict[str, bytes]) -> bytes:
    """The workbook with parts replaced or added (a shared strings part is declared in the content types)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        for name in names:
            data = parts.get(name, source.read(name))
            if name == "[Content_Types].xml" and "xl/sharedStrings.xml" in parts:
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            target.writestr(name, data)
        for name, data in parts.items():
            if name not in names:
                target.writestr(name, data)
    return out.getvalue()


MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def test_hand_written_xml_rich_and_phonetic_text_rows_and_cells_without_references():
    book = Workbook()
    book.active.title = "S"
    book.active.append(["a", "b"])  # makes the shared strings part
    stream = io.BytesIO()
    book.save(stream)
    strings = (f'<sst {MAIN} count="3" uniqueCount="3">'
               '<si><t>Lò Văn</t><rPh sb="0" eb="1"><t>phonetic</t></rPh></si>'
               '<si><r><rPr><b/></rPr><t xml:space="preserve">Giàng </t></r><r><t>Mỷ</t></r></si>'
               '<si><t/></si></sst>').encode()
    sheet = (f'<worksheet {MAIN}><dimension ref="A1:E6"/><sheetData>'
             '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c><c t="s"><v>2</v></c></row>'
             '<row><c r="B2" t="b"><v>1</v></c><c r="C2" t="e"><v>#DIV/0!</v></c>'
             '<c r="D2" t="str"><f>A1</f><v>Lò Văn</v></c><c r="E2"><v>1.5E3</v></c></row>'
             '<row r="4"><c r="A4" t="inlineStr"><is><r><t>Hà </t></r><r><t>Giang</t></r></is></c>'
             '<c r="B4" t="d"><v>2025-07-01T00:00:00</v></c><c r="F4"><v>7</v></c></row>'
             '<row r="5" spans="1:2"/>'
             '<row r="9"><c r="A9"><v>9</v></c></row>'
             '</sheetData></worksheet>').encode()
    content = _replace(stream.getvalue(), {"xl/sharedStrings.xml": strings, "xl/worksheets/sheet1.xml": sheet})
    rows = assert_same(content)["S"]
    assert rows[0][:3] == ["Lò Văn", None, "Giàng Mỷ"]
    assert rows[3][0] == "Hà Giang" and len(rows) == 6  # the dimension ends at row 6 and column E


def test_the_report_writer_gives_a_workbook_excel_and_openpyxl_read_back_value_for_value():
    from trove.imports.xlsx_writing import BOLD, WRAP, SheetWriter

    values = ["  lề ", "a & b <c>", "=1+1", 7, -2.5, 1e-07, 79123456789, True, False,
              datetime.datetime(2024, 2, 29, 13, 45), datetime.date(1990, 5, 1), datetime.time(7, 30),
              datetime.timedelta(hours=30), "Đồng Tháp"]
    writer = SheetWriter("Báo cáo <nhập>", widths={0: 8, 2: 60})
    writer.append(["Dòng", "Kết quả", "Lý do"], style=BOLD)
    writer.append([1, None, "dòng một\ndòng hai", *values], {2: WRAP})
    writer.append([])
    writer.append([3, "x"])
    book = load_workbook(io.BytesIO(writer.save()))
    sheet = book.active
    assert sheet.title == "Báo cáo <nhập>"
    rows = list(sheet.iter_rows(values_only=True))
    expected = [1, None, "dòng một\ndòng hai", *values]
    expected[13] = datetime.datetime(1990, 5, 1)  # a date reads as a datetime
    assert list(rows[1]) == expected
    assert rows[0][:4] == ("Dòng", "Kết quả", "Lý do", None) and rows[3][:3] == (3, "x", None)
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet["C2"].alignment.wrap_text
    assert sheet.column_dimensions["C"].width == 60
    assert sheet["F2"].data_type == "s"  # "=1+1" stays text, never a formula
    assert fast_rows(writer.save())["Báo cáo <nhập>"][1][:5] == [1, None, "dòng một\ndòng hai", "  lề ", "a & b <c>"]
