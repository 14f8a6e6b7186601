"""Finding the column headings under the title rows, and guessing which column is which field.

Lists start with a few lines of title ("UBND XÃ TÂN HỘ CƠ", "DANH SÁCH NẠN NHÂN NĂM 2023", a date), often merged across
the page, then one to three rows of headings ("Ngày sinh" over "Nam" and "Nữ"), sometimes a row numbering the columns
("(1) (2) (3)…"), then the data. The header is the row among the first ``SCAN_ROWS`` whose cells name the most
fields; the rows just under it belong to it while they hold only words and no name; a numbering row after it is
skipped. A column's label joins its headings from top to bottom ("Ngày sinh / Nam").

Headings are compared folded (lower case, without diacritics, punctuation as spaces), so "Họ và tên", "HO VA TEN" and
"Họ và Tên:" are one heading; except that a sub-heading "Nam" or "Nữ" keeps its meaning (male, female) only as
written, since folded "nam" is also "năm" (year).
"""

from __future__ import annotations

import re

from trove.imports.cleaning import fold
from trove.imports.registry import Kind

SCAN_ROWS = 40
MAX_HEADER_ROWS = 3
HINTS = frozenset({"stt", "tt", "so tt", "so thu tu", "ghi chu", "ky ten", "ket qua"})
FOOTER_STARTS = ("nguoi lap", "lap bieu", "thu truong", "ky ten", "xac nhan cua", "chu tich", "can bo lap",
                 "t m uy ban", "tm uy ban", "tm ubnd", "kt chu tich")
_NUMBERING = re.compile(r"^\(?\d{1,3}\)?$")
_DATE_LIKE = re.compile(r"\d{1,4}[/.-]\d{1,2}")
MALE_WORDS, FEMALE_WORDS = frozenset({"nam"}), frozenset({"nữ", "nu"})


def _score(field, label: str) -> int:
    best = 0
    padded = f" {label} "
    for synonym in field.synonyms:
        if label == synonym:
            best = max(best, 1000 + len(synonym))
        elif f" {synonym} " in padded:
            best = max(best, 100 + len(synonym))
    return best


def _split_by_sex(label: str) -> tuple[str, str] | None:
    """("birth"|"mark", "male"|"female") for a sub-heading Nam/Nữ, by what the heading above it says."""
    parts = [part.strip() for part in label.split(" / ") if part.strip()]
    if not parts:
        return None
    last = " ".join(parts[-1].lower().split())
    sex = "male" if last in MALE_WORDS else "female" if last in FEMALE_WORDS else None
    if sex is None:
        return None
    above = fold(" ".join(parts[:-1]))
    return ("birth" if "sinh" in above.split() else "mark"), sex


def field_scores(kind: Kind, label: str) -> dict[str, int]:
    """How well ``label`` names each field of the kind (0 when it does not)."""
    folded = fold(label)
    scores = {field.name: _score(field, folded) for field in kind.fields if field.synonyms}
    split = _split_by_sex(label)
    if split is not None:
        what, sex = split
        name = f"birth_date_{sex}" if what == "birth" else f"sex_{sex}"
        if kind.field(name) is not None:
            scores = {name: 2000}
    return {name: score for name, score in scores.items() if score}


def suggest(kind: Kind, labels: list[str]) -> dict[str, int]:
    """The likeliest column for each field: the best-scoring pairs first, one column per field and field per column."""
    pairs = [(score, name, column) for column, label in enumerate(labels) if label
             for name, score in field_scores(kind, label).items()]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for _points, name, column in sorted(pairs, key=lambda pair: (-pair[0], pair[2])):
        if name not in mapping and column not in used:
            mapping[name] = column
            used.add(column)
    return mapping


def _texts(cells: list) -> list[str]:
    return [str(value) for value in cells if value is not None and str(value).strip()]


def is_numbering_row(cells: list) -> bool:
    values = [value for value in cells if value is not None and str(value).strip()]
    if len(values) < 3:
        return False
    return all(isinstance(value, int) or (isinstance(value, str) and _NUMBERING.match(value.strip()))
               for value in values)


def is_footer(texts: list[str]) -> bool:
    for text in texts:
        folded = fold(text)
        if folded.startswith(FOOTER_STARTS):
            return True
        words = folded.split()
        if "ngay" in words and "thang" in words and "nam" in words and len(words) <= 12:
            return True
    return False


def _hits(kind: Kind, cells: list) -> int:
    """How many different fields (or usual headings such as STT) a row names; a title merged across the page
    counts once, however many cells it fills."""
    found: set[str] = set()
    for text in set(_texts(cells)):
        if fold(text) in HINTS:
            found.add(fold(text))
            continue
        scores = field_scores(kind, text)
        if scores:
            found.add(max(scores, key=scores.get))
    return len(found)


def detect_header(kind: Kind, rows: list[tuple[int, list]]) -> tuple[int, int]:
    """(first header row number, number of header rows) for the first rows of a sheet."""
    rows = [(number, cells) for number, cells in rows[:SCAN_ROWS]]
    if not rows:
        return 1, 1
    scored = [(_hits(kind, cells), -number, number) for number, cells in rows]
    best_hits, _negative, header = max(scored)
    if best_hits < 2:
        first = next((number for number, cells in rows if _texts(cells)), rows[0][0])
        return first, 1
    by_number = dict(rows)
    best = header
    # Headings above the best row belong to it when they too name fields in several cells ("Ngày sinh" over "Nam"
    # and "Nữ"); a title, merged across the page, holds one text only.
    while header - 1 in by_number and best - header + 1 < MAX_HEADER_ROWS:
        cells = by_number[header - 1]
        if len(set(_texts(cells))) < 2 or not _only_words(cells) or _hits(kind, cells) < 2:
            break
        header -= 1
    name_column = suggest(kind, [str(v) if v is not None else "" for v in by_number[best]]).get("full_name")
    last = best
    while last - header + 1 < MAX_HEADER_ROWS and last + 1 in by_number:
        cells = by_number[last + 1]
        texts = _texts(cells)
        if not texts or is_numbering_row(cells) or not _only_words(cells):
            break
        if any(_DATE_LIKE.search(text) for text in texts):
            break
        has_name = name_column is not None and name_column < len(cells) and cells[name_column] is not None
        above = by_number[last]
        # A merged heading fills the cells it covers, so a data row's name differs from the heading above it.
        if has_name and (name_column >= len(above) or cells[name_column] != above[name_column]):
            break
        last += 1
    return header, last - header + 1


def _only_words(cells: list) -> bool:
    return all(isinstance(value, str) for value in cells if value is not None)


def column_labels(rows: list[tuple[int, list]], header: int, count: int) -> list[str]:
    by_number = dict(rows)
    block = [by_number.get(number, []) for number in range(header, header + count)]
    width = max((len(cells) for cells in block), default=0)
    labels = []
    for column in range(width):
        parts: list[str] = []
        for cells in block:
            value = cells[column] if column < len(cells) else None
            text = " ".join(str(value).split()) if value is not None else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        labels.append(" / ".join(parts))
    return labels


def first_data_row(rows: list[tuple[int, list]], header: int, count: int) -> int:
    after = header + count
    by_number = dict(rows)
    if after in by_number and is_numbering_row(by_number[after]):
        return after + 1
    return after


def labels_for_saving(mapping: dict[str, int], labels: list[str]) -> dict[str, str]:
    """The mapping as field -> folded heading, which a later file with its columns elsewhere still matches."""
    return {name: fold(labels[column]) for name, column in mapping.items()
            if column is not None and 0 <= column < len(labels) and labels[column]}


def apply_saved(columns: dict[str, str], labels: list[str]) -> tuple[dict[str, int], list[str]]:
    """A saved mapping applied to this file's headings, and the fields whose heading the file does not have."""
    positions = {}
    for column, label in enumerate(labels):
        positions.setdefault(fold(label), column)
    mapping, missing = {}, []
    for name, heading in columns.items():
        if heading in positions:
            mapping[name] = positions[heading]
        else:
            missing.append(name)
    return mapping, missing
