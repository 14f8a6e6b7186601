"""Codes of tips (TB-2026-00017) and proceedings (VA-2026-00003), and the deadlines of a tip received on a day."""

from __future__ import annotations

import datetime

from django.db import transaction

from trove.intel.models import IntelCounter, TipTimeLimit
from trove.rules.models import LimitKind
from trove.rules.workdays import add_calendar_days, add_working_days

TIP_PREFIX = "TB"  # tin báo
PROCEEDING_PREFIX = "VA"  # vụ án


def next_code(prefix: str, year: int) -> str:
    """The next code of the series, allocated under a row lock so that two officers never get the same one."""
    with transaction.atomic():
        IntelCounter.objects.get_or_create(prefix=prefix, year=year)
        counter = IntelCounter.objects.select_for_update().get(prefix=prefix, year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:05d}"


def tip_deadline(kind: str, received_on: datetime.date) -> datetime.date | None:
    """The last day to classify (or handle) a tip received on ``received_on``, under the row in force that day;
    None when no row is in force or its number of days is not set."""
    limit = TipTimeLimit.objects.in_force(kind, received_on)
    if limit is None or limit.days is None:
        return None
    if limit.limit_kind == LimitKind.WORKING:
        return add_working_days(received_on, limit.days)
    return add_calendar_days(received_on, limit.days)
