"""Caching computed statistics, safely.

Keys hold the data version (``freshness.version()``, one indexed read per request), the date (dashboards count what is
overdue today) and what was asked — figure, period, place, unit option, breakdowns — but never the user: the numbers
are the same for everyone allowed to see them, and who may see them is checked before the cache is read. Entries
expire after ``REPORTS_CACHE_SECONDS`` (default 600) as well, for changes made without model signals.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils import timezone

from trove.reports import freshness


def seconds() -> int:
    return int(getattr(settings, "REPORTS_CACHE_SECONDS", 600))


def key_for(parts: tuple, version: int | None = None) -> str:
    version = freshness.version() if version is None else version
    text = repr((version, timezone.localdate().isoformat(), parts))
    return "trove.reports:" + hashlib.sha256(text.encode()).hexdigest()


def remember(parts: tuple, compute: Callable[[], object], *, version: int | None = None):
    if seconds() <= 0:
        return compute()
    key = key_for(parts, version)
    found = django_cache.get(key)
    if found is not None:
        return found
    value = compute()
    django_cache.set(key, value, seconds())
    return value


def remember_html(parts: tuple, render: Callable[[], str], *, version: int | None = None) -> str:
    """A rendered fragment of a page, cached like the numbers it shows (the language is part of the key)."""
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    return mark_safe(remember(("html", get_language(), *parts), render, version=version))  # noqa: S308 - our own templates
