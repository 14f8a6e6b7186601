"""Reporting periods of a plan: the calendar months, quarters, halves or years that meet the plan's period, cut to it,
and when each report falls due."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from trove.plans.models import ReportFrequency

MONTHS_IN = {ReportFrequency.MONTH: 1, ReportFrequency.QUARTER: 3, ReportFrequency.HALF: 6, ReportFrequency.YEAR: 12}


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    due: datetime.date
    label: str

    @property
    def key(self) -> str:
        return self.start.isoformat()

    def is_due(self, today: datetime.date) -> bool:
        return self.due < today


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def _label(frequency: str, start: datetime.date) -> str:
    if frequency == ReportFrequency.MONTH:
        return _("Month %(month)d/%(year)d") % {"month": start.month, "year": start.year}
    if frequency == ReportFrequency.QUARTER:
        return _("Quarter %(number)d/%(year)d") % {"number": (start.month - 1) // 3 + 1, "year": start.year}
    if frequency == ReportFrequency.HALF:
        return (_("First six months of %(year)d") if start.month <= 6 else _("Last six months of %(year)d")) % {
            "year": start.year}
    return _("Year %(year)d") % {"year": start.year}


def reporting_periods(start: datetime.date, end: datetime.date, frequency: str, due_days: int) -> list[Period]:
    months = MONTHS_IN[frequency]
    # The calendar period that holds ``start``: January, April, July or October for quarters, and so on.
    cursor = datetime.date(start.year, (start.month - 1) // months * months + 1, 1)
    periods = []
    while cursor <= end:
        following = _add_months(cursor, months)
        period_end = min(end, following - datetime.timedelta(days=1))
        periods.append(Period(start=max(start, cursor), end=period_end,
                              due=period_end + datetime.timedelta(days=due_days), label=_label(frequency, cursor)))
        cursor = following
    return periods


def plan_periods(plan) -> list[Period]:
    return reporting_periods(plan.period_start, plan.period_end, plan.report_frequency, plan.report_due_days)


def shift_year(day: datetime.date, years: int = 1) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
