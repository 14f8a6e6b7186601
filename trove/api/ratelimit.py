"""Rate limits per API caller: a fixed window of one minute, counted in the database.

The count lives in one ``ApiRateWindow`` row per caller and is changed by a single UPDATE that either adds one to the
current minute or starts a new minute at one. The database serialises concurrent UPDATEs of a row, so the count is
exact across every gunicorn worker and server; Django's local-memory cache would count per process. The limit comes
from the ``API_RATE_LIMIT_PER_MINUTE`` setting (environment, 120 by default).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from trove.api.models import ApiRateWindow

WINDOW = datetime.timedelta(minutes=1)


def limit_per_minute() -> int:
    return max(1, settings.API_RATE_LIMIT_PER_MINUTE)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    calls: int
    limit: int
    retry_after: int  # whole seconds until the window ends


def count_call(caller: str, *, now: datetime.datetime | None = None) -> Verdict:
    """Count one call of ``caller`` ("token:12", "user:7") and say whether it is within the limit."""
    now = now or timezone.now()
    start = now.replace(second=0, microsecond=0)
    limit = limit_per_minute()
    with transaction.atomic():
        bump = {"calls": Case(When(window_start=start, then=F("calls") + 1), default=Value(1)),
                "window_start": Value(start)}
        if not ApiRateWindow.objects.filter(caller=caller).update(**bump):
            try:
                with transaction.atomic():
                    ApiRateWindow.objects.create(caller=caller, window_start=start, calls=1)
            except IntegrityError:  # another process created the row first
                ApiRateWindow.objects.filter(caller=caller).update(**bump)
        calls = ApiRateWindow.objects.filter(caller=caller).values_list("calls", flat=True).get()
    retry_after = max(1, math.ceil((start + WINDOW - now).total_seconds()))
    return Verdict(allowed=calls <= limit, calls=calls, limit=limit, retry_after=retry_after)
