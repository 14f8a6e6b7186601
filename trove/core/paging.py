"""Keyset paging for long lists: "newer" and "older" pages from a position, and a count that stops at a cap.

A page number is an offset: page 200 of a case list makes the database find and throw away 9,950 rows first, and
the "page 1 of N" line needs every visible row counted. Over a million cases both grow with the data. Here a page is
asked for by the position of a row next to it (its sort value and id, written in the link), so every page costs what
the first one does, and the count is exact up to ``COUNT_CAP`` and "more than" beyond it: whoever needs an exact
figure over thousands of records asks the statistics pages, which are made for that.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models

COUNT_CAP = 1000
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def encode(moment: datetime.datetime, pk: int) -> str:
    """A row's position as a short, URL-safe text: microseconds since 1970 (UTC) and the id."""
    return f"{(moment - _EPOCH) // datetime.timedelta(microseconds=1)}_{pk}"


def decode(text: str | None) -> tuple[datetime.datetime, int] | None:
    """The position written by ``encode``; None for anything else (a hand-edited link shows the first page)."""
    try:
        micros, pk = (int(part) for part in (text or "").split("_"))
        moment = _EPOCH + datetime.timedelta(microseconds=micros)
    except (ValueError, OverflowError):
        return None
    return (moment, pk) if pk > 0 else None


@dataclass
class Window:
    rows: list
    newer: str | None  # the position to ask for the page before this one (None: this is the newest page)
    older: str | None  # the position to ask for the page after it (None: nothing older)
    count: int  # rows in the whole list, up to the cap
    count_capped: bool  # True: there are more than ``count``

    @property
    def has_other_pages(self) -> bool:
        return bool(self.newer or self.older)


def newest_first(queryset: models.QuerySet, field: str, *, older: str | None = None, newer: str | None = None,
                 size: int = 50, cap: int | None = None) -> Window:
    """One page of ``queryset`` sorted by ``field`` (a date-time) then id, newest first: the newest page, the page
    older than the position ``older``, or the page newer than the position ``newer``."""
    cap = COUNT_CAP if cap is None else cap
    after, before = decode(older), decode(newer)
    if after:
        moment, pk = after
        page = queryset.filter(models.Q(**{f"{field}__lt": moment}) | models.Q(**{field: moment, "pk__lt": pk}))
        rows = list(page.order_by(f"-{field}", "-pk")[: size + 1])
        more_older, more_newer = len(rows) > size, True
        rows = rows[:size]
    elif before:
        moment, pk = before
        page = queryset.filter(models.Q(**{f"{field}__gt": moment}) | models.Q(**{field: moment, "pk__gt": pk}))
        rows = list(page.order_by(field, "pk")[: size + 1])
        more_older, more_newer = True, len(rows) > size
        rows = rows[:size][::-1]
    else:
        rows = list(queryset.order_by(f"-{field}", "-pk")[: size + 1])
        more_older, more_newer = len(rows) > size, False
        rows = rows[:size]
    if not rows:
        more_older = more_newer = False
    if not after and not before and not more_older:
        counted = len(rows)  # the whole list is on this page
    else:
        counted = queryset.order_by().values("pk")[: cap + 1].count()
    return Window(
        rows=rows,
        newer=encode(getattr(rows[0], field), rows[0].pk) if more_newer else None,
        older=encode(getattr(rows[-1], field), rows[-1].pk) if more_older else None,
        count=min(counted, cap),
        count_capped=counted > cap,
    )


# Beyond the last page of any list; a larger number in a hand-written address is read as this one (the database
# refuses an offset past a 64-bit integer).
MAX_PAGE_NUMBER = 100_000


def page_number(request, name: str = "page") -> int:
    """The page (from 1) of a list paged by number that ``request`` asks for: 1 when the number is missing or
    unreadable, at most ``MAX_PAGE_NUMBER``."""
    try:
        number = int(request.GET.get(name, 1))
    except (TypeError, ValueError):
        return 1
    return min(max(1, number), MAX_PAGE_NUMBER)
