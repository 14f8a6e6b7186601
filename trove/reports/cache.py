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

A cold statistic of a large province takes seconds, and any change anywhere makes every entry stale. Pages that can
show slightly older figures say so (``served=Served()``): when the current entry is missing but an earlier computation
of the same figures today is kept, they get that one at once, with the time it was computed (the page shows it), while
one worker computes the current figures in a thread for the next request. A request inside a transaction (a test, an
action that reads figures after writing) computes them itself: another connection would not see what it sees.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Hashable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import connections, transaction
from django.utils import timezone, translation

from trove.reports import freshness

logger = logging.getLogger(__name__)


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


def _latest_key(parts: tuple) -> str:
    """The last computation of these figures today, whatever the data version: ``(computed_at, value)``."""
    text = repr((timezone.localdate().isoformat(), parts))
    return "trove.reports:latest:" + hashlib.sha256(text.encode()).hexdigest()


# The last computation is kept until the day ends (its key holds the date), not only REPORTS_CACHE_SECONDS.
LATEST_SECONDS = 24 * 3600


def _outside_transaction() -> bool:
    return not transaction.get_connection().in_atomic_block


class Served:
    """What a page was served from figures computed before the latest change: ``as_of`` is the oldest such
    computation's time (None: every figure is current). Made at the start of a request: older figures are allowed only
    if it is not inside a transaction then (one opened later to contain a failure does not count)."""

    def __init__(self) -> None:
        self.as_of: datetime | None = None
        self.allowed = _outside_transaction()

    def older(self, computed_at: datetime) -> None:
        if self.as_of is None or computed_at < self.as_of:
            self.as_of = computed_at


def _store(key: str, parts: tuple, value, served: Served | None) -> None:
    django_cache.set(key, value, seconds())
    if served is not None:
        django_cache.set(_latest_key(parts), (timezone.now(), value), LATEST_SECONDS)


def _refresh_in_background(claim: str, refresh: Callable[[], None]) -> None:
    """Run ``refresh`` (compute the current figures and store them) in a thread of this worker, in the request's
    language and time zone, and release the claim whatever happens. The thread has its own database connection,
    closed when it ends."""
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def run() -> None:
        try:
            with translation.override(language), timezone.override(zone):
                refresh()
        except Exception as error:  # noqa: BLE001 - the next request computes them itself
            logger.error("statistics refresh failed: %s", type(error).__name__)
        finally:
            django_cache.delete(claim)
            connections.close_all()

    threading.Thread(target=run, name="trove-statistics-refresh", daemon=True).start()


def _bypass(exact: bool) -> bool:
    return seconds() <= 0 or (exact and writes_pending())


# While one worker computes an entry the others wait for it (a cold yearly statistic of a province takes seconds),
# polling every POLL_SECONDS, at most WAIT_SECONDS; after that, or if the computing worker died, they compute it too.
WAIT_SECONDS = 30.0
POLL_SECONDS = 0.05


def remember(parts: tuple, compute: Callable[[], object], *, version: int | None = None, exact: bool = False,
             served: Served | None = None):
    """The cached value of these figures under the current data version, computed if missing. With ``served``, an
    earlier computation of today may be returned instead while the current one is computed (module docstring)."""
    if _bypass(exact):
        return compute()
    key = key_for(parts, version)
    found = django_cache.get(key)
    if found is not None:
        return found
    claim = key + ":computing"
    if served is not None and served.allowed:
        kept = django_cache.get(_latest_key(parts))
        if kept is not None:
            computed_at, value = kept
            if django_cache.add(claim, 1, int(WAIT_SECONDS)):
                _refresh_in_background(claim, lambda: _store(key, parts, compute(), served))
            served.older(computed_at)
            return value
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
        _store(key, parts, value, served)
    finally:
        django_cache.delete(claim)
    return value


def remember_many(parts: dict[Hashable, tuple], compute: Callable[[list], dict], *, version: int | None = None,
                  exact: bool = False, served: Served | None = None) -> dict:
    """Several entries at once: ``parts`` names each entry's key parts; ``compute`` gets the names of those not in the
    cache and returns their values by name (so that they can be computed together). One read of the version and one
    round trip to the cache whatever the number of entries. With ``served``, as ``remember``: when every missing entry
    was computed earlier today, those earlier values are returned while one worker computes the current ones."""
    if not parts:
        return {}
    if _bypass(exact):
        return compute(list(parts))
    version = freshness.version() if version is None else version
    keys = {name: key_for(key_parts, version) for name, key_parts in parts.items()}
    found = django_cache.get_many(list(keys.values()))
    values = {name: found[key] for name, key in keys.items() if found.get(key) is not None}
    missing = [name for name in parts if name not in values]
    if not missing:
        return values
    latest = {name: _latest_key(parts[name]) for name in missing} if served is not None else {}

    def store(computed: dict) -> None:
        django_cache.set_many({keys[name]: computed[name] for name in missing}, seconds())
        if latest:
            now = timezone.now()
            django_cache.set_many({latest[name]: (now, computed[name]) for name in missing}, LATEST_SECONDS)

    if served is not None and served.allowed:
        kept = django_cache.get_many(list(latest.values()))
        if all(latest[name] in kept for name in missing):
            claim = "trove.reports:computing:" + hashlib.sha256(repr(sorted(keys[name] for name in missing)).encode()
                                                                 ).hexdigest()
            if django_cache.add(claim, 1, int(WAIT_SECONDS)):
                _refresh_in_background(claim, lambda: store(compute(missing)))
            for name in missing:
                computed_at, values[name] = kept[latest[name]]
                served.older(computed_at)
            return values
    computed = compute(missing)
    store(computed)
    values.update({name: computed[name] for name in missing})
    return values


def remember_html(parts: tuple, render: Callable[[], str], *, version: int | None = None,
                  served: Served | None = None) -> str:
    """A rendered fragment of a page, cached like the numbers it shows (the language is part of the key)."""
    from django.utils.safestring import mark_safe

    html = remember(("html", translation.get_language(), *parts), render, version=version, served=served)
    return mark_safe(html)  # noqa: S308 - our own templates
