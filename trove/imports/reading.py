"""Reading workbooks: the sheets of an .xlsx, .xls or .csv file, row by row, with merged cells filled in.

Rows come as ``(row number, [cell values])`` with the numbers Excel shows (1 = the first row), so that the report and
the officer speak of the same row. A merged range gives its value to every cell it covers — a title merged across the
page, a heading "Ngày sinh" over the columns "Nam" and "Nữ", a commune written once for a group of rows — which is
how the person who typed the list meant it to be read. Cells are ``str``, ``int``, ``float``, ``datetime`` or None.

Large files are streamed: openpyxl's read-only mode for .xlsx, and rows read one at a time from .xls and .csv.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

CSV_SHEET = "CSV"
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")
_ROW_ELEMENT = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"\sr=\"(\d+)\"")
# (first row, last row, first column, last column), 1-based rows and 0-based columns, both ends included.
Merge = tuple[int, int, int, int]


class UnreadableFile(ValueError):
    """The file is not a workbook of the format it claims, or is damaged."""


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.decode():
        number = number * 26 + ord(letter) - 64
    return number - 1


def _clean(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, datetime.time):
        return None
    return value


class Workbook(ABC):
    """What the import reads from a file, whatever its format (XlsxWorkbook, XlsWorkbook, CsvWorkbook)."""

    @abstractmethod
    def sheet_names(self) -> list[str]: ...

    @abstractmethod
    def row_count(self, sheet: str) -> int | None:
        """The number of the last row, when the file says it without being read through."""

    @abstractmethod
    def _raw_rows(self, sheet: str) -> Iterator[list]: ...

    def merges(self, sheet: str) -> list[Merge]:
        return []

    def count_quickly(self, sheet: str) -> int | None:
        """The number of the last row, found without reading the cells, or None when the format cannot say."""
        return None

    def rows(self, sheet: str, start: int = 1, stop: int | None = None) -> Iterator[tuple[int, list]]:
        """Rows ``start`` to ``stop`` (both included), merged cells filled in."""
        if sheet not in self.sheet_names():
            raise UnreadableFile(_("The file has no sheet of this name."))
        merges = sorted(self.merges(sheet))
        pending = 0
        active: list[tuple[Merge, object]] = []
        for number, raw in enumerate(self._raw_rows(sheet), start=1):
            if stop is not None and number > stop:
                return
            cells = [_clean(value) for value in raw]
            active = [(m, value) for m, value in active if m[1] >= number]
            while pending < len(merges) and merges[pending][0] <= number:
                merge = merges[pending]
                pending += 1
                if merge[0] == number and merge[2] < len(cells):
                    active.append((merge, cells[merge[2]]))
            for (first, _last, left, right), value in active:
                if len(cells) <= right:
                    cells.extend([None] * (right + 1 - len(cells)))
                for column in range(left, right + 1):
                    if (number, column) != (first, left):
                        cells[column] = value
            if number >= start:
                while cells and cells[-1] is None:
                    cells.pop()
                yield number, cells


class XlsxWorkbook(Workbook):
    """An .xlsx workbook: its structure and styles read by openpyxl, its cells by ``trove.imports.xlsx``."""

    def __init__(self, content: bytes) -> None:
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet
        from openpyxl.xml.constants import SHARED_STRINGS

        from trove.imports import xlsx

        self.content = content
        try:
            reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
            reader.read_manifest()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            self._names: list[str] = []
            self._paths: dict[str, str] = {}
            for sheet, rel in reader.parser.find_sheets():
                if rel.target not in reader.valid_files:
                    continue
                self._names.append(sheet.name)
                if "chartsheet" not in rel.Type:
                    self._paths[sheet.name] = rel.target
            strings = reader.package.find(SHARED_STRINGS)
            self._strings = xlsx.shared_strings(reader.archive, strings.PartName[1:] if strings is not None else None)
            self._bounds = {name: xlsx.dimension(reader.archive, path) for name, path in self._paths.items()}
            self._book = reader.wb
            reader.archive.close()
        except Exception as error:  # noqa: BLE001 - openpyxl and lxml raise many kinds on a damaged file
            raise UnreadableFile(_("This .xlsx file cannot be read; open it in Excel and save it again.")) from error

    def sheet_names(self) -> list[str]:
        return list(self._names)

    def row_count(self, sheet: str) -> int | None:
        bounds = self._bounds.get(sheet)
        return bounds[3] if bounds else None

    def _raw_rows(self, sheet: str) -> Iterator[list]:
        from trove.imports import xlsx

        if sheet not in self._paths:
            raise UnreadableFile(_("This sheet holds a chart, not a list."))
        reader = xlsx.SheetReader(self.content, self._paths[sheet], self._strings, epoch=self._book.epoch,
                                  date_formats=self._book._date_formats,
                                  timedelta_formats=self._book._timedelta_formats)
        yield from reader.rows(self._bounds[sheet])

    def count_quickly(self, sheet: str) -> int | None:
        # The row elements' numbers, when every row has one and they go up, say where the rows end.
        path = self._paths.get(sheet)
        if not path:
            return None
        with zipfile.ZipFile(io.BytesIO(self.content)) as archive:
            data = archive.read(path)
        last = 0
        for match in _ROW_ELEMENT.finditer(data):
            number = _ROW_NUMBER.search(match.group(1))
            if number is None or int(number.group(1)) <= last:
                return None
            last = int(number.group(1))
        return last

    def merges(self, sheet: str) -> list[Merge]:
        # Merged ranges sit after the rows in the sheet's XML: the stream is decompressed and searched, not parsed.
        path = self._paths.get(sheet)
        if not path:
            return []
        found: list[Merge] = []
        tail = b""
        with zipfile.ZipFile(io.BytesIO(self.content)) as archive, archive.open(path) as stream:
            while chunk := stream.read(1 << 20):
                text = tail + chunk
                if b"mergeCell" in text:
                    for left, top, right, bottom in _MERGE.findall(text):
                        found.append((int(top), int(bottom), _column_number(left), _column_number(right)))
                tail = text[-200:]  # a reference cut by the chunk's end is found whole next time
        return sorted(set(found))


class XlsWorkbook(Workbook):
    def __init__(self, content: bytes) -> None:
        import xlrd

        try:
            self.book = xlrd.open_workbook(file_contents=content, formatting_info=True, on_demand=True)
        except NotImplementedError:  # xlrd keeps no formatting (merged cells) for some files: read them without
            self.book = xlrd.open_workbook(file_contents=content, on_demand=True)
        except Exception as error:  # noqa: BLE001 - xlrd raises many kinds on a damaged file
            raise UnreadableFile(_("This .xls file cannot be read; open it in Excel and save it as .xlsx.")) from error

    def sheet_names(self) -> list[str]:
        return self.book.sheet_names()

    def row_count(self, sheet: str) -> int | None:
        return self.book.sheet_by_name(sheet).nrows

    def merges(self, sheet: str) -> list[Merge]:
        # xlrd gives (first row, row after the last, first column, column after the last), 0-based.
        return [(top + 1, bottom, left, right - 1) for top, bottom, left, right in
                self.book.sheet_by_name(sheet).merged_cells]

    def _raw_rows(self, sheet: str) -> Iterator[list]:
        import xlrd

        book = self.book
        worksheet = book.sheet_by_name(sheet)
        for index in range(worksheet.nrows):
            cells = []
            for cell in worksheet.row(index):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        cells.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        cells.append(cell.value)
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    cells.append(int(cell.value) if float(cell.value).is_integer() else cell.value)
                elif cell.ctype in (xlrd.XL_CELL_TEXT, xlrd.XL_CELL_BOOLEAN):
                    cells.append(cell.value)
                else:
                    cells.append(None)
            yield cells


def _decode(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Vietnamese Windows machines save CSV in the Vietnamese code page, whose tone marks are separate
        # characters: recomposed, "Lê Thị" compares equal to the same name typed elsewhere.
        return unicodedata.normalize("NFC", content.decode("cp1258", errors="replace"))


class CsvWorkbook(Workbook):
    def __init__(self, content: bytes) -> None:
        self.text = _decode(content)
        sample = self.text[:8192]
        try:
            self.dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            self.dialect = csv.excel

    def sheet_names(self) -> list[str]:
        return [CSV_SHEET]

    def row_count(self, sheet: str) -> int | None:
        return None

    def _raw_rows(self, sheet: str) -> Iterator[list]:
        yield from csv.reader(io.StringIO(self.text), self.dialect)


READERS = {"xlsx": XlsxWorkbook, "xls": XlsWorkbook, "csv": CsvWorkbook}


def format_of(name: str) -> str | None:
    """The format a file name says: xlsx, xls or csv (None for anything else)."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return extension if extension in READERS else None


def sniff_format(content: bytes, claimed: str) -> bool:
    """Whether the bytes look like the claimed format (a renamed file is refused before it reaches a parser)."""
    if claimed == "xlsx":
        return content[:4] == b"PK\x03\x04"
    if claimed == "xls":
        return content[:8] == bytes.fromhex("d0cf11e0a1b11ae1") or content[:2] == b"\x09\x08"
    return b"\x00" not in content[:4096] or content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def open_workbook(content: bytes, file_format: str) -> Workbook:
    try:
        return READERS[file_format](content)
    except UnreadableFile:
        raise
    except Exception as error:  # noqa: BLE001 - whatever the parser trips on, the file is unreadable
        raise UnreadableFile(_("This file cannot be read as %(format)s.") % {"format": file_format}) from error


def count_rows(workbook: Workbook, sheet: str) -> int:
    known = workbook.row_count(sheet)
    if known is not None:
        return known
    counted = workbook.count_quickly(sheet)
    if counted is not None:
        return counted
    count = 0
    for count, _row in workbook.rows(sheet):  # noqa: B007 - counting
        pass
    return count


@dataclass
class SheetSample:
    name: str
    rows: list[tuple[int, list]]
    row_count: int | None
