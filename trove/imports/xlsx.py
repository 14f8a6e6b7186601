"""A fast reader of the cell values of .xlsx sheets, giving what openpyxl's read-only mode gives.

openpyxl's read-only mode costs about 14 µs a cell and, for a sheet without a ``<dimension>`` element (files written
by many programs other than Excel, openpyxl's own write-only mode among them), parses the whole sheet once more when
the workbook is opened, to look for it: a list of 100,000 rows took 20 s of CPU to open and read, and an import reads
its file more than once. The small parts of a workbook (the list of sheets, the styles that say which cells are
dates, the 1900 or 1904 epoch) are still read by openpyxl; the shared strings and the rows are parsed here by lxml
with a parser target (callbacks, no element tree), following openpyxl's ``WorkSheetParser.parse_cell`` (data only,
no rich text) and ``ReadOnlyWorksheet._cells_by_row``: the same types (int, float, str, bool, datetime, date, time,
timedelta, error strings), missing rows and cells as None, the sheet's ``<dimension>`` bounding the rows and columns.
``trove/imports/tests/test_xlsx.py`` compares the two on workbooks with every kind of cell.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from warnings import warn

from lxml import etree
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, CELL, VALUE, INLINE, TEXT, RUN = (f"{_MAIN}{name}" for name in ("row", "c", "v", "is", "t", "r"))
SHARED_ITEM, DIMENSION, SHEET_DATA = f"{_MAIN}si", f"{_MAIN}dimension", f"{_MAIN}sheetData"
CHUNK = 1 << 16


def _parser(target) -> etree.XMLParser:
    # No entity expansion or network access: the file comes from outside.
    return etree.XMLParser(target=target, resolve_entities=False, no_network=True, huge_tree=True)


class _RichText:
    """The text of a container of rich text (``<si>``, ``<is>``) as openpyxl's ``Text.from_tree(node).content``
    gives it: the plain ``<t>`` child, then the ``<t>`` of each ``<r>`` run; phonetic runs left out."""

    __slots__ = ("plain", "runs")

    def __init__(self) -> None:
        self.plain: str | None = None
        self.runs: list[str | None] = []

    def content(self) -> str:
        return (self.plain or "") + "".join(run for run in self.runs if run is not None)


class _Target:
    """Parser target for a sheet (rows of cells) or the shared strings (``<si>`` items); ``container`` is the tag
    whose rich text is collected (``<is>`` in a cell, or ``<si>``)."""

    def __init__(self, container: str) -> None:
        self.container = container
        self.stack: list[str] = []
        self.buffer: list[str] | None = None
        self.text: _RichText | None = None
        self.row: tuple[str | None, list] | None = None
        self.cell: list | None = None  # coordinate, type, style, value, inline text, value seen, inline seen
        self.done: list = []  # finished rows, or finished strings

    def start(self, tag, attrib) -> None:
        parent = self.stack[-1] if self.stack else None
        self.stack.append(tag)
        if tag == ROW:
            self.row = (attrib.get("r"), [])
        elif tag == CELL and parent == ROW:
            self.cell = [attrib.get("r"), attrib.get("t", "n"), attrib.get("s", 0), None, None, False, False]
        elif tag == VALUE and parent == CELL and self.cell is not None and not self.cell[5]:
            self.buffer = []
        elif tag == self.container and (parent == CELL and self.cell is not None and not self.cell[6]
                                        or self.container == SHARED_ITEM):
            self.text = _RichText()
        elif tag == RUN and parent == self.container and self.text is not None:
            self.text.runs.append(None)
        elif tag == TEXT and self.text is not None and (
                parent == self.container or parent == RUN and self.stack[-3:-2] == [self.container]):
            self.buffer = []

    def data(self, data) -> None:
        if self.buffer is not None:
            self.buffer.append(data)

    def end(self, tag) -> None:
        self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        if tag == TEXT and self.buffer is not None:
            text = "".join(self.buffer) if self.buffer else None
            self.buffer = None
            if parent == self.container:
                self.text.plain = text
            else:
                self.text.runs[-1] = text
        elif tag == VALUE and self.buffer is not None:
            self.cell[3] = "".join(self.buffer)
            self.cell[5] = True
            self.buffer = None
        elif tag == self.container and self.text is not None:
            if self.container == SHARED_ITEM:
                self.done.append(self.text.content().replace("x005F_", ""))
            elif self.cell is not None:
                self.cell[4] = self.text.content()
                self.cell[6] = True
            self.text = None
        elif tag == CELL and self.cell is not None and parent == ROW:
            self.row[1].append(self.cell)
            self.cell = None
        elif tag == ROW and self.row is not None:
            self.done.append(self.row)
            self.row = None

    def close(self) -> None:
        return None


def _parse(archive: zipfile.ZipFile, path: str, target: _Target) -> Iterator[list]:
    """Feed the part to the target, yielding what it finished after each chunk."""
    parser = _parser(target)
    with archive.open(path) as source:
        while chunk := source.read(CHUNK):
            parser.feed(chunk)
            if target.done:
                yield target.done
                target.done = []
    parser.close()
    if target.done:
        yield target.done
        target.done = []


def shared_strings(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    """The shared string table, as openpyxl's ``read_string_table`` reads it."""
    if not path:
        return []
    strings: list[str] = []
    for done in _parse(archive, path, _Target(SHARED_ITEM)):
        strings += done
    return strings


class _Found(Exception):  # noqa: N818 - ends the parse once the dimension (or the data) is reached
    pass


class _DimensionTarget:
    def __init__(self) -> None:
        self.ref: str | None = None

    def start(self, tag, attrib) -> None:
        if tag == DIMENSION:
            self.ref = attrib.get("ref")
            raise _Found
        if tag == SHEET_DATA:
            raise _Found

    def close(self) -> None:
        return None


def dimension(archive: zipfile.ZipFile, path: str) -> tuple[int, int, int, int] | None:
    """(min column, min row, max column, max row) from the sheet's ``<dimension>``, read only up to the data."""
    target = _DimensionTarget()
    parser = _parser(target)
    with archive.open(path) as source:
        try:
            while chunk := source.read(CHUNK):
                parser.feed(chunk)
        except _Found:
            pass
        except etree.XMLSyntaxError:
            if target.ref is None:
                raise
    return range_boundaries(target.ref) if target.ref else None


def _column_of(coordinate: str) -> int:
    number = 0
    for char in coordinate:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
    return number


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        as_float = float(text)
        if not as_float.is_integer():
            raise ValueError(f"{text} is not a valid row number") from None
        return int(as_float)


class SheetReader:
    """The rows of one sheet as lists of values, as openpyxl's ``iter_rows(values_only=True)`` gives them."""

    def __init__(self, content: bytes, path: str, strings: list[str], *, epoch, date_formats,
                 timedelta_formats) -> None:
        self.content, self.path, self.strings = content, path, strings
        self.epoch, self.date_formats, self.timedelta_formats = epoch, date_formats, timedelta_formats

    def _value(self, coordinate, data_type, style, value, inline):
        if style:
            style = int(style)
        if data_type == "inlineStr":
            return inline
        if not value:
            return None
        if data_type == "n":
            value = _number(value)
            if style in self.date_formats:
                try:
                    return from_excel(value, self.epoch, timedelta=style in self.timedelta_formats)
                except (OverflowError, ValueError):
                    warn(f"Cell {coordinate} is marked as a date but the serial value {value} is outside the limits "
                         "for dates. The cell will be treated as an error.", stacklevel=2)
                    return "#VALUE!"
            return value
        if data_type == "s":
            return self.strings[int(value)]
        if data_type == "b":
            return bool(int(value))
        if data_type == "d":
            return from_ISO8601(value)
        return value  # "str" (a formula's text), "e" (an error such as #N/A)

    def _parsed(self, archive: zipfile.ZipFile) -> Iterator[tuple[int, list[tuple[int, object]]]]:
        row_counter = 0
        value_of = self._value
        plain_numbers = 0 not in self.date_formats  # a number without a style is no date
        for done in _parse(archive, self.path, _Target(INLINE)):
            for number, cells in done:
                row_counter = _row_number(number) if number is not None else row_counter + 1
                column = 0
                values = []
                for coordinate, data_type, style, value, inline, _seen, _inline_seen in cells:
                    column = _column_of(coordinate) if coordinate else column + 1
                    if data_type == "n" and value and not style and plain_numbers:
                        values.append((column, _number(value)))  # the common case, without a call
                    else:
                        values.append((column, value_of(coordinate, data_type, style, value, inline)))
                yield row_counter, values

    def rows(self, bounds: tuple[int, int, int, int] | None) -> Iterator[list]:
        max_col = max_row = None
        if bounds is not None:
            _min_col, _min_row, max_col, max_row = bounds
        empty_row = [None] * max_col if max_col else []
        counter, number = 1, 1
        with zipfile.ZipFile(io.BytesIO(self.content)) as archive:
            for number, cells in self._parsed(archive):
                if max_row is not None and number > max_row:
                    break
                for _missing in range(counter, number):
                    counter += 1
                    yield list(empty_row)
                if counter <= number:
                    counter += 1
                    if not cells and not max_col:
                        yield []
                        continue
                    width = max_col or cells[-1][0]
                    values = [None] * width
                    for column, value in cells:
                        if 1 <= column <= width:
                            values[column - 1] = value
                    yield values
        if max_row is not None and max_row < number:
            for _missing in range(counter, max_row + 1):
                yield list(empty_row)
