"""Writing a one-sheet .xlsx quickly: the report of an import, which has a row for every row of the list.

openpyxl's write-only mode costs about 15 µs a cell (an lxml element each); a report of 100,000 rows of fifteen
columns took half a minute. ``SheetWriter`` writes the sheet's XML as text: inline strings (with
``xml:space="preserve"`` where spaces lead or trail), numbers, booleans, dates and times as Excel serial numbers with
the number formats openpyxl gives them (so they read back as the same values), a bold style for headings and a
wrapping one for long text, and column widths. Text is always written as text: a cell of the list that starts with
"=" is not turned into a formula.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

PLAIN, BOLD, WRAP, DATETIME, DATE, TIME, TIMEDELTA = range(7)
_DATE_STYLES = {datetime.datetime: DATETIME, datetime.date: DATE, datetime.time: TIME, datetime.timedelta: TIMEDELTA}

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/></Relationships>"""
# Styles, in the order of PLAIN, BOLD, WRAP, DATETIME, DATE, TIME, TIMEDELTA; the number formats are openpyxl's.
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ h:mm:ss"/>\
<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="166" formatCode="[hh]:mm:ss"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">\
<alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="21" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""
_SHEET_START = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _cell(reference: str, value, style: int = PLAIN) -> str:
    """One cell's XML, or "" for an empty one."""
    if value is None or value == "":
        return ""
    kind = type(value)
    if kind is str:
        space = ' xml:space="preserve"' if value != value.strip() else ""
        styled = f' s="{style}"' if style else ""
        return f'<c r="{reference}"{styled} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'
    if kind is bool:
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is float:
        styled = f' s="{style}"' if style else ""
        return f'<c r="{reference}"{styled}><v>{value!r}</v></c>'
    if kind in _DATE_STYLES:
        return f'<c r="{reference}" s="{_DATE_STYLES[kind]}"><v>{to_excel(value)!r}</v></c>'
    if isinstance(value, (int, float)):  # a subclass (a Decimal is not expected from a sheet)
        return _cell(reference, float(value) if isinstance(value, float) else int(value), style)
    return _cell(reference, str(value), style)


class SheetWriter:
    """Rows appended one at a time to one sheet; ``save()`` gives the .xlsx file's bytes."""

    def __init__(self, title: str, widths: dict[int, float] | None = None) -> None:
        self.title = title
        self.widths = widths or {}
        self.parts: list[str] = []
        self.number = 0
        self.letters: list[str] = []

    def _letter(self, column: int) -> str:
        while len(self.letters) <= column:
            self.letters.append(get_column_letter(len(self.letters) + 1))
        return self.letters[column]

    def append(self, values: list, styles: dict[int, int] | None = None, *, style: int = PLAIN) -> None:
        """A row of values; ``styles`` gives the style of some columns (0-based), ``style`` that of the others."""
        self.number += 1
        number = self.number
        letter = self._letter
        cells = []
        for column, value in enumerate(values):
            if value is None:
                continue
            cell_style = styles.get(column, style) if styles else style
            cells.append(_cell(f"{letter(column)}{number}", value, cell_style))
        self.parts.append(f'<row r="{number}">{"".join(cells)}</row>')

    def save(self) -> bytes:
        columns = "".join(f'<col min="{column + 1}" max="{column + 1}" width="{width}" customWidth="1"/>'
                          for column, width in sorted(self.widths.items()))
        sheet = "".join([_SHEET_START, f"<cols>{columns}</cols>" if columns else "", "<sheetData>", *self.parts,
                         "</sheetData></worksheet>"])
        stream = io.BytesIO()
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
            archive.writestr("_rels/.rels", _ROOT_RELS)
            archive.writestr("xl/workbook.xml", _WORKBOOK.format(name=quoteattr(self.title)))
            archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
            archive.writestr("xl/styles.xml", _STYLES)
            archive.writestr("xl/worksheets/sheet1.xml", sheet.encode("utf-8"))
        return stream.getvalue()
