"""Caching computed statistics, safely.

Keys hold the data version (``freshness.version()``, one indexed read per request), the date (dashboards count what is
overdue today) and what was asked — figure, period, place, unit option, breakdowns — but never the user: the numbers
are the same for everyone allowed to see them, and who may see them is checked before the cache is read. Entries
expire after ``REPORTS_CACHE_SECONDS`` (default 600) as well, for changes made without model signals. With a cache
shared by the workers (``CACHE_URL``), an entry is computed by one worker while the others wait for it.

The version moves when a change *commits*. Inside a transaction that has changed counted records and not committed
yet (an action that writes and then reads figures; a test, whose data never commit), an entry under the current
version does not count those changes. Callers that must count them (``exact=True``: the plans' figures) get the
values computed afresh there, and nothing computed from uncommitted data is stored (``writes_pending``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Hashable

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import transaction
from django.utils import timezone

from trove.reports import freshness


def seconds() -> int:
    return int(getattr(settings, "REPORTS_CACHE_SECONDS", 600))


def writes_pending() -> bool:
    """Whether the current transaction changed records the statistics count that have not committed yet: the version
    bump ``freshness`` queued for the commit is still waiting (a rolled-back savepoint takes its bumps with it)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    return any(callback is freshness._bump_now for _savepoints, callback, _robust in connection.run_on_commit)


def key_for(parts: tuple, version: int | None = None) -> str:
    version = freshness.version() if version is None else version
    text = repr((version, timezone.localdate().isoformat(), parts))
    return "trove.reports:" + hashlib.sha256(text.encode()).hexdigest()


def _bypass(exact: bool) -> bool:
    return seconds() <= 0 or (exact and writes_pending())


# While one worker computes an entry the others wait for it (a cold yearly statistic of a province takes seconds),
# polling every POLL_SECONDS, at most WAIT_SECONDS; after that, or if the computing worker died, they compute it too.
WAIT_SECONDS = 30.0
POLL_SECONDS = 0.05


def remember(parts: tuple, compute: Callable[[], object], *, version: int | None = None, exact: bool = False):
    if _bypass(exact):
        return compute()
    key = key_for(parts, version)
    found = django_cache.get(key)
    if found is not None:
        return found
    claim = key + ":computing"
    if not django_cache.add(claim, 1, int(WAIT_SECONDS)):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            found = django_cache.get(key)
            if found is not None:
                return found
            if django_cache.get(claim) is None:
                found = django_cache.get(key)
                if found is not None:
                    return found
                break  # the computing worker failed: compute it here
    try:
        value = compute()
        django_cache.set(key, value, seconds())
    finally:
        django_cache.delete(claim)
    return value


def remember_many(parts: dict[Hashable, tuple], compute: Callable[[list], dict], *, version: int | None = None,
                  exact: bool = False) -> dict:
    """Several entries at once: ``parts`` names each entry's key parts; ``compute`` gets the names of those not in the
    cache and returns their values by name (so that they can be computed together). One read of the version and one
    round trip to the cache whatever the number of entries."""
    if not parts:
        return {}
    if _bypass(exact):
        return compute(list(parts))
    version = freshness.version() if version is None else version
    keys = {name: key_for(key_parts, version) for name, key_parts in parts.items()}
    found = django_cache.get_many(list(keys.values()))
    values = {name: found[key] for name, key in keys.items() if found.get(key) is not None}
    missing = [name for name in parts if name not in values]
    if missing:
        computed = compute(missing)
        django_cache.set_many({keys[name]: computed[name] for name in missing}, seconds())
        values.update({name: computed[name] for name in missing})
    return values


def remember_html(parts: tuple, render: Callable[[], str], *, version: int | None = None) -> str:
    """A rendered fragment of a page, cached like the numbers it shows (the language is part of the key)."""
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    return mark_safe(remember(("html", get_language(), *parts), render, version=version))  # noqa: S308 - our own templates
