"""Reporting periods: a month, a quarter, six months, a year, or any dates, both days included.

A period has a text key used in addresses, cache keys and exports: ``2026`` (year), ``2026-H1`` (six months),
``2026-Q3`` (quarter), ``2026-03`` (month) or ``2026-01-05..2026-02-10`` (dates). ``parse_period`` reads a key and
``make_period`` the form's fields; both refuse a period that ends before it starts with a message that says what to do.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trove.rules.workdays import VIETNAM

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
FIRST_YEAR = 2000
LAST_YEAR = 2100


class PeriodKind(models.TextChoices):
    MONTH = "month", gettext_lazy("Month")
    QUARTER = "quarter", gettext_lazy("Quarter")
    HALF = "half", gettext_lazy("Six months")
    YEAR = "year", gettext_lazy("Year")
    DATES = "dates", gettext_lazy("Dates")


MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}


def _month_start(year: int, month: int) -> datetime.date:
    return datetime.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date
    number: int | None = None  # the month, quarter or half

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def key(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return f"{self.year}"
        if self.kind == PeriodKind.HALF:
            return f"{self.year}-H{self.number}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}-Q{self.number}"
        if self.kind == PeriodKind.MONTH:
            return f"{self.year}-{self.number:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def label(self) -> str:
        """In the interface language: "Quý III/2026", "Quarter 3/2026"."""
        values = {"year": self.year, "number": self.number, "roman": ROMAN.get(self.number or 0, "")}
        if self.kind == PeriodKind.YEAR:
            return _("Year %(year)d") % values
        if self.kind == PeriodKind.HALF:
            if self.number == 1:
                return _("First six months of %(year)d") % values
            return _("Last six months of %(year)d") % values
        if self.kind == PeriodKind.QUARTER:
            return _("Quarter %(roman)s/%(year)d") % values
        if self.kind == PeriodKind.MONTH:
            return _("Month %(number)d/%(year)d") % values
        return _("From %(start)s to %(end)s") % {"start": self.start.strftime("%d/%m/%Y"),
                                                  "end": self.end.strftime("%d/%m/%Y")}

    def dates(self) -> tuple[datetime.date, datetime.date]:
        return (self.start, self.end)

    def start_moment(self) -> datetime.datetime:
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=VIETNAM)

    def end_moment(self) -> datetime.datetime:
        """The first moment after the period (exclusive bound for times)."""
        return datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=VIETNAM)

    def months(self) -> list[tuple[int, int]]:
        months, cursor = [], _month_start(self.start.year, self.start.month)
        while cursor <= self.end:
            months.append((cursor.year, cursor.month))
            cursor = _month_start(cursor.year, cursor.month + 1)
        return months

    @property
    def is_review_of_year(self) -> bool:
        return self.kind == PeriodKind.YEAR


def _check_year(year: int | None, field: str = "year") -> int:
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({field: _("Give a year between %(first)d and %(last)d.") % {
            "first": FIRST_YEAR, "last": LAST_YEAR}})
    return year


def make_period(kind: str, *, year: int | None = None, number: int | None = None,
                start: datetime.date | None = None, end: datetime.date | None = None) -> Period:
    """The period the form describes, or a ValidationError naming the field to correct."""
    if kind == PeriodKind.DATES:
        errors = {}
        if start is None:
            errors["start"] = _("Give the first day of the period.")
        if end is None:
            errors["end"] = _("Give the last day of the period.")
        if errors:
            raise ValidationError(errors)
        if end < start:
            raise ValidationError({"end": _("The period ends (%(end)s) before it starts (%(start)s): choose an end "
                                            "date on or after the start date.") % {
                "end": end.strftime("%d/%m/%Y"), "start": start.strftime("%d/%m/%Y")}})
        _check_year(start.year, "start")
        _check_year(end.year, "end")
        return Period(PeriodKind.DATES, start, end)
    if kind not in MONTHS:
        raise ValidationError({"kind": _("Choose a month, a quarter, six months, a year or dates.")})
    year = _check_year(year)
    count = 12 // MONTHS[kind]
    if kind == PeriodKind.YEAR:
        number = None
    elif number is None or not 1 <= number <= count:
        raise ValidationError({"number": _("Give a number from 1 to %(count)d.") % {"count": count}})
    first_month = 1 if number is None else (number - 1) * MONTHS[kind] + 1
    period_start = _month_start(year, first_month)
    period_end = _month_start(year, first_month + MONTHS[kind]) - datetime.timedelta(days=1)
    return Period(kind, period_start, period_end, number)


_KEY = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?$")


def parse_period(key: str) -> Period:
    """A period from its key (``2026``, ``2026-H1``, ``2026-Q3``, ``2026-03``, ``2026-01-05..2026-02-10``)."""
    key = (key or "").strip()
    if ".." in key:
        first, _sep, last = key.partition("..")
        try:
            start, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
        except ValueError:
            raise ValidationError(_("Write the dates as YYYY-MM-DD..YYYY-MM-DD, for example "
                                    "2026-01-01..2026-03-31.")) from None
        return make_period(PeriodKind.DATES, start=start, end=end)
    match = _KEY.match(key)
    if not match:
        raise ValidationError(_("“%(key)s” is not a period: write 2026, 2026-H1, 2026-Q3, 2026-03 or "
                                "2026-01-01..2026-03-31.") % {"key": key[:40]})
    year, part = int(match.group(1)), match.group(2)
    if part is None:
        return make_period(PeriodKind.YEAR, year=year)
    if part[0] == "H":
        return make_period(PeriodKind.HALF, year=year, number=int(part[1]))
    if part[0] == "Q":
        return make_period(PeriodKind.QUARTER, year=year, number=int(part[1]))
    return make_period(PeriodKind.MONTH, year=year, number=int(part))


def current_year() -> Period:
    return make_period(PeriodKind.YEAR, year=timezone.localdate().year)
