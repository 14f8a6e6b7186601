"""One sheet row made into typed values: the mapped cells parsed, defaults filled in, and what to do with the row.

``RowReader.read`` returns a ``ParsedRow``: the values by field, the remarks (zeros restored, a date read month
first…), the problems that stop the row (a cell that cannot be read), or why the row is no data at all (blank, a total,
a heading). ``fingerprint`` is the row's identity across imports: a keyed hash (the blind-index key, as
``trove.core.crypto.blind_index`` uses it) of the normalised values of the mapped cells, so the same row in the same
file, or re-typed with other spacing or capitals, has the same fingerprint, and the fingerprint gives nothing away.
"""

from __future__ import annotations

import datetime
import hmac
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.imports import cleaning
from trove.imports.cleaning import CellError, FuzzyDate, fold, is_empty
from trove.imports.headers import is_footer
from trove.imports.places import CountryReader, PlaceReader
from trove.imports.registry import Kind

# A total row says so in its first cells ("Tổng cộng", "Cộng:"); a name is never one word of these alone.
TOTAL_WORDS = frozenset({"tong cong", "tong so", "cong", "tong", "total", "sum", "cong toan bo", "tong so nguoi"})
TOTAL_STARTS = ("tong cong", "tong so", "total")


@dataclass
class WriteContext:
    """What every row of one run shares: who imports, for which agency, and the caches of places and countries."""

    acting_user: object
    agency: object
    kind: Kind
    defaults: dict
    places: PlaceReader = field(default_factory=PlaceReader)
    countries: CountryReader = field(default_factory=CountryReader)
    request: object = None
    # The duplicate check's resolver of home units, shared with the bulk actions for the whole run.
    unit_resolver: object = None
    # The time zone of the run, looked up once: the current one's look-up costs more than the conversion.
    zone: datetime.tzinfo = field(default_factory=timezone.get_current_timezone)

    def day_of(self, moment: datetime.datetime) -> datetime.date:
        """``timezone.localdate(moment)`` for the run."""
        return timezone.localdate(moment, self.zone)


@dataclass
class ParsedRow:
    number: int
    cells: list
    values: dict = field(default_factory=dict)
    remarks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skip: str = ""  # why the row is not data: "blank", or a message
    fingerprint: str = ""


PARSERS = {
    "text": cleaning.clean_text,
    "name": cleaning.clean_name,
    "date": cleaning.clean_date,
    "moment": cleaning.clean_moment,
    "sex": cleaning.clean_sex,
    "mark": cleaning.clean_mark,
    "id_number": cleaning.clean_id_number,
    "citizen_id": cleaning.clean_citizen_id,
    "old_id": cleaning.clean_old_id,
    "passport": cleaning.clean_passport,
    "phone": cleaning.clean_phone,
    "amount": cleaning.clean_amount,
    "count": cleaning.clean_count,
}


def _canonical(value: object) -> object:
    if isinstance(value, FuzzyDate):
        return f"{value.day.isoformat()}/{value.precision}"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, str):
        return fold(value)
    if hasattr(value, "pk"):
        return f"{type(value).__name__}:{value.pk}"
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    return value


def fingerprint(kind: str, values: dict) -> str:
    canonical = json.dumps({name: _canonical(value) for name, value in values.items() if value not in (None, "")},
                           sort_keys=True, default=str, ensure_ascii=True)
    return hmac.digest(settings.BLIND_INDEX_KEY.encode(), f"import-row:{kind}:{canonical}".encode(), "sha256").hex()


class RowReader:
    def __init__(self, context: WriteContext, mapping: dict[str, int], labels: dict[str, str]) -> None:
        self.context = context
        self.kind = context.kind
        self.mapping = {name: column for name, column in mapping.items()
                        if column is not None and self.kind.field(name) is not None}
        self.labels = labels  # field -> the column's heading, for messages
        self._lookups: dict[str, dict[str, str]] = {}

    def _parse(self, name: str, value: object) -> cleaning.Cleaned:
        target = self.kind.field(name)
        if target.parse == "choice":
            if name not in self._lookups:
                self._lookups[name] = cleaning.choice_lookup(target.choices, target.aliases)
            return cleaning.clean_choice(value, self._lookups[name], target.choices)
        if target.parse == "country":
            return cleaning.Cleaned(self.context.countries.country(value))
        return PARSERS[target.parse](value)

    def _default(self, name: str) -> object:
        target = self.kind.field(name)
        value = self.context.defaults.get(name)
        if value in (None, "") or target is None or not target.default:
            return None
        if target.parse == "country":
            return self.context.countries.by_code(value)
        return value

    def label(self, name: str) -> str:
        target = self.kind.field(name)
        return self.labels.get(name) or (str(target.label) if target else name)

    def read(self, number: int, cells: list) -> ParsedRow:
        row = ParsedRow(number=number, cells=cells)
        mapped = {name: cells[column] if column < len(cells) else None for name, column in self.mapping.items()}
        present = [value for value in mapped.values() if not is_empty(value)]
        if not present:
            row.skip = "blank"
            return row
        folded = {column: fold(cleaning.as_text(value)) for column, value in enumerate(cells) if not is_empty(value)}
        texts = [folded[column] for column in self.mapping.values()
                 if column < len(cells) and not is_empty(cells[column])]
        name_value = mapped.get("full_name")
        # "Tổng cộng" often sits in the numbering column, which is not mapped: every cell of the row counts here.
        every = list(folded.values())
        if fold(cleaning.as_text(name_value)) in TOTAL_WORDS or any(text.startswith(TOTAL_STARTS) for text in every):
            row.skip = _("A total row, not a person.")
            return row
        if len(set(texts)) == 1 and len(present) > 1:
            row.skip = _("A heading across the columns, not a person.")
            return row
        # Signatures and "Tân Hồng, ngày … tháng … năm …" under the list; a date of birth written in words in a
        # person's row is not one, so only rows without a name, or with such words in the name column, are.
        footer_texts = [cleaning.as_text(value) for value in present] if is_empty(name_value) else [
            cleaning.as_text(name_value)]
        if is_footer(footer_texts):
            row.skip = _("A signature or a date line under the list, not a person.")
            return row
        if "full_name" in self.mapping and is_empty(name_value) and len(present) == 1:
            row.skip = _("A heading or a note, not a person: the row has no name and one cell only.")
            return row
        raw: dict[str, object] = {}
        for name, value in mapped.items():
            if is_empty(value):
                continue
            try:
                cleaned = self._parse(name, value)
            except CellError as error:
                row.problems.append(f"{self.label(name)}: {error}")
                continue
            raw[name] = cleaned.value
            row.remarks.extend(f"{self.label(name)}: {remark}" for remark in cleaned.remarks)
        row.fingerprint = fingerprint(self.kind.code, raw)
        row.values = dict(raw)
        for target in self.kind.fields:
            if row.values.get(target.name) in (None, "") and target.default:
                default = self._default(target.name)
                if default is not None:
                    row.values[target.name] = default
        return row
