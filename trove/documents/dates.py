"""Dates as Vietnamese administrative documents write them (Decree 30/2020/NĐ-CP, Appendix I, part II, item 5)."""

from __future__ import annotations

import datetime

from django.utils import timezone


def vietnamese_date(day: datetime.date | datetime.datetime) -> str:
    """"ngày 14 tháng 5 năm 2026".

    Decree 30/2020/NĐ-CP on administrative documents (Appendix I, II.5.b): a day below 10 and the months 1 and 2 are
    written with a leading zero ("ngày 05 tháng 01 năm 2026"), so that nobody can add a digit afterwards; the other
    months are written as they are ("tháng 5", "tháng 12"). An aware datetime is read in Vietnam's time zone.
    """
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def vietnamese_time(moment: datetime.datetime) -> str:
    """"09 giờ 30 phút", in Vietnam's time zone."""
    moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút"
