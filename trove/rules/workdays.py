"""Counting time limits in calendar days and in working days.

The convention, the one the Civil Code sets for periods counted in days (Bộ luật Dân sự 91/2015/QH13, Art. 147 and
148): the day of the event does not count, and the limit ends at the end of the n-th day after it. So a 3-day limit
that starts on Monday ends at the end of Thursday. A limit of 0 days means "at once" (ngay): it ends at the end of the
day of the event.

Working days are Monday to Friday, except the days in the ``Holiday`` table (public holidays, Tết, compensatory and
swapped days off), plus the Saturdays and Sundays in the ``WorkdayOverride`` table (worked to make up for a swapped
day). The calendar is the one of state agencies, whose time limits the system counts.

A calendar-day limit that ends on a day off is not moved here; whether it should roll to the next working day (as the
Civil Code's Art. 148 does for a period that ends on a weekend or holiday) is for the workflow to decide per step.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, Value
from django.utils import timezone

from trove.rules.models import Holiday, LimitKind, ProcedureStep, WorkdayOverride

# How far ahead one query looks: n working days rarely need more than 7/5 n calendar days, and the longest run of days
# off (Tết with its weekends) is nine or ten days.
_SLACK_DAYS = 21
# Legal time limits run on Vietnamese days, whatever time zone a request has activated.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class DayCalendar:
    """The days off and the working weekend days between two dates, read with one query."""

    def __init__(self, first: datetime.date, last: datetime.date) -> None:
        self.first, self.last = first, last
        holidays = Holiday.objects.filter(date__range=(first, last)).order_by().values_list(
            "date", Value(False, output_field=BooleanField())
        )
        worked = WorkdayOverride.objects.filter(date__range=(first, last)).order_by().values_list(
            "date", Value(True, output_field=BooleanField())
        )
        rows = list(holidays.union(worked, all=True))
        self.holidays = {day for day, is_working in rows if not is_working}
        self.worked_weekend_days = {day for day, is_working in rows if is_working}

    def covers(self, day: datetime.date) -> bool:
        return self.first <= day <= self.last

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.worked_weekend_days:
            return True
        return day.weekday() < 5 and day not in self.holidays


def is_working_day(day: datetime.date) -> bool:
    return DayCalendar(day, day).is_working_day(day)


def add_calendar_days(start: datetime.date, n: int) -> datetime.date:
    """The last day of an ``n``-calendar-day limit that starts on ``start`` (which does not count)."""
    if n < 0:
        raise ValueError("A time limit cannot be negative.")
    return start + datetime.timedelta(days=n)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The last day of an ``n``-working-day limit that starts on ``start``: the n-th working day after ``start``.

    ``start`` itself does not count, whether or not it is a working day. Reads the holiday table once for the span the
    count is expected to need, and again only in the unlikely case that it runs past it.
    """
    if n < 0:
        raise ValueError("A time limit cannot be negative.")
    if n == 0:
        return start
    day, counted = start, 0
    calendar = DayCalendar(start, start + datetime.timedelta(days=n * 7 // 5 + _SLACK_DAYS))
    while counted < n:
        day += datetime.timedelta(days=1)
        if not calendar.covers(day):
            calendar = DayCalendar(day, day + datetime.timedelta(days=(n - counted) * 7 // 5 + _SLACK_DAYS))
        if calendar.is_working_day(day):
            counted += 1
    return day


def deadline_for(step: ProcedureStep, start: datetime.datetime | datetime.date) -> datetime.date | None:
    """The last day of ``step``'s time limit when the step starts at ``start``; None while the limit is unset.

    An aware datetime is taken on its day in Vietnam (Asia/Ho_Chi_Minh), so a step that starts at 23:30 on Monday
    in Hà Nội starts on Monday whatever the server's clock says.
    """
    if step.limit_days is None:
        return None
    if isinstance(start, datetime.datetime):
        if timezone.is_naive(start):
            raise ValueError("deadline_for() needs an aware datetime (or a date), to know the day in Vietnam.")
        day = timezone.localdate(start, VIETNAM)
    else:
        day = start
    if step.limit_kind == LimitKind.WORKING:
        return add_working_days(day, step.limit_days)
    return add_calendar_days(day, step.limit_days)
