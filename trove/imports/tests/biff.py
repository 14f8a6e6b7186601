"""A tiny writer of .xls files (BIFF8 records in a plain stream, which xlrd reads as it reads Excel's own files),
enough to make test workbooks: text, numbers, date cells and merged ranges. Nothing installed writes .xls any more,
and committing a binary fixture would hide what it holds."""

from __future__ import annotations

import datetime
import struct

EXCEL_EPOCH = datetime.date(1899, 12, 30)
GENERAL_XF, DATE_XF = 15, 16


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _text(value: str, length_bytes: int) -> bytes:
    encoded = value.encode("utf-16-le")
    length = struct.pack("<H" if length_bytes == 2 else "<B", len(value))
    return length + b"\x01" + encoded


def _xf(format_index: int, style: bool) -> bytes:
    return _record(0x00E0, struct.pack("<HHHBBBBIIH", 0, format_index, 0xFFF5 if style else 0, 0x20, 0, 0, 0, 0, 0,
                                       0x20C0))


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def _cell(row: int, column: int, value) -> bytes:
    if value is None or value == "":
        return b""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        serial = (value - EXCEL_EPOCH).days
        return _record(0x0203, struct.pack("<HHHd", row, column, DATE_XF, float(serial)))
    if isinstance(value, (int, float)):
        return _record(0x0203, struct.pack("<HHHd", row, column, GENERAL_XF, float(value)))
    return _record(0x0204, struct.pack("<HHH", row, column, GENERAL_XF) + _text(str(value), 2))


def xls_bytes(sheets: list[tuple[str, list[list], list[tuple[int, int, int, int]]]]) -> bytes:
    """``sheets``: (name, rows, merges); a merge is (first row, last row, first column, last column), 0-based."""
    font = _record(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _text("Arial", 1))
    head = (_bof(0x0005) + _record(0x0042, struct.pack("<H", 1200)) + _record(0x0022, struct.pack("<H", 0))
            + font * 5 + _xf(0, True) * 15 + _xf(0, False) + _xf(14, False))
    bodies = []
    for _name, rows, merges in sheets:
        body = _bof(0x0010) + b"".join(_cell(r, c, value) for r, row in enumerate(rows) for c, value in enumerate(row))
        if merges:
            body += _record(0x00E5, struct.pack("<H", len(merges)) + b"".join(struct.pack("<HHHH", *m) for m in merges))
        bodies.append(body + _record(0x000A))
    sheet_records = [_record(0x0085, struct.pack("<IBB", 0, 0, 0) + _text(name, 1)) for name, _rows, _m in sheets]
    offset = len(head) + sum(len(r) for r in sheet_records) + len(_record(0x000A))
    directory = b""
    for (name, _rows, _merges), body in zip(sheets, bodies, strict=True):
        directory += _record(0x0085, struct.pack("<IBB", offset, 0, 0) + _text(name, 1))
        offset += len(body)
    return head + directory + _record(0x000A) + b"".join(bodies)
