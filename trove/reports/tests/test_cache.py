"""The statistics cache: one computation of an entry however many workers ask for it at once, a cache that all
workers share when ``CACHE_URL`` names a Redis server, and older figures served while the current ones are computed."""

import socket
import threading
import time

import pytest
from django.core.cache import cache as django_cache
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.test import override_settings
from django.utils import timezone, translation

from trove.env import cache_from_url
from trove.reports import cache


def _redis_listening() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_workers_asking_at_once_wait_for_one_computation(monkeypatch):
    monkeypatch.setattr(cache, "POLL_SECONDS", 0.01)
    calls, values = [], []
    started = threading.Event()

    def slow():
        calls.append(1)
        started.set()
        threading.Event().wait(0.3)
        return {"cases": 42}

    def ask():
        values.append(cache.remember(("test", "stampede"), slow, version=-1))

    first = threading.Thread(target=ask)
    first.start()
    started.wait(5)
    others = [threading.Thread(target=ask) for _ in range(3)]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join(10)
    assert calls == [1]
    assert values == [{"cases": 42}] * 4


def test_a_failed_computation_lets_the_next_asker_compute(monkeypatch):
    def broken():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        cache.remember(("test", "broken"), broken, version=-2)
    # The claim went with the failure: the next request computes at once instead of waiting for nobody.
    monkeypatch.setattr(cache, "WAIT_SECONDS", 60.0)
    assert cache.remember(("test", "broken"), lambda: "computed", version=-2) == "computed"


def test_cache_url_chooses_the_shared_cache():
    assert cache_from_url("")["default"]["BACKEND"].endswith("LocMemCache")
    assert cache_from_url("")["default"]["OPTIONS"]["MAX_ENTRIES"] >= 5000  # not Django's 300: a few pages' figures
    shared = cache_from_url("redis://:secret@10.0.0.5:6379/2")["default"]
    assert shared["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert shared["LOCATION"] == "redis://:secret@10.0.0.5:6379/2"
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url("memcached://127.0.0.1:11211")


@pytest.mark.skipif(not _redis_listening(), reason="needs a Redis server on 127.0.0.1:6379")
def test_an_entry_computed_by_one_worker_serves_another_through_redis():
    config = cache_from_url("redis://127.0.0.1:6379/15")
    with override_settings(CACHES=config):
        caches["default"].clear()
        worker_one = cache.remember(("test", "shared"), lambda: [1, 2, 3], version=-3)
        # Another process has its own connection but the same server: simulated by closing this one's.
        caches["default"].close()
        del caches["default"]
        worker_two = cache.remember(("test", "shared"), lambda: pytest.fail("computed twice"), version=-3)
        caches["default"].clear()
    assert worker_one == worker_two == [1, 2, 3]


def _wait_for(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_older_figures_are_served_at_once_while_one_thread_computes_the_current_ones():
    cache.remember(("test", "older"), lambda: "figures of version 1", version=-20, served=cache.Served())
    release, calls = threading.Event(), []

    def slow():
        calls.append(translation.get_language())
        release.wait(10)
        return "figures of version 2"

    served = cache.Served()
    with translation.override("vi"):
        started = time.monotonic()
        value = cache.remember(("test", "older"), slow, version=-21, served=served)
    assert value == "figures of version 1"
    assert time.monotonic() - started < 5  # not waiting for the computation
    assert served.as_of is not None and served.as_of <= timezone.now()
    # A second request meanwhile gets the older figures too, and starts no second computation.
    again = cache.Served()
    assert cache.remember(("test", "older"), slow, version=-21, served=again) == "figures of version 1"
    assert again.as_of == served.as_of
    release.set()
    assert _wait_for(lambda: django_cache.get(cache.key_for(("test", "older"), -21)) is not None)
    assert calls == ["vi"]  # once, in the language of the request that started it
    fresh = cache.Served()
    assert cache.remember(("test", "older"), slow, version=-21, served=fresh) == "figures of version 2"
    assert fresh.as_of is None


def test_without_earlier_figures_the_request_computes_them_itself():
    served = cache.Served()
    assert cache.remember(("test", "first"), lambda: "computed", version=-22, served=served) == "computed"
    assert served.as_of is None


def test_a_failed_refresh_is_logged_and_the_next_request_tries_again(caplog):
    cache.remember(("test", "refresh fails"), lambda: "old", version=-23, served=cache.Served())

    def broken():
        raise RuntimeError("the database went away")

    assert cache.remember(("test", "refresh fails"), broken, version=-24, served=cache.Served()) == "old"
    claim = cache.key_for(("test", "refresh fails"), -24) + ":computing"
    assert _wait_for(lambda: django_cache.get(claim) is None)
    assert "statistics refresh failed: RuntimeError" in caplog.text
    assert cache.remember(("test", "refresh fails"), lambda: "new", version=-24) == "new"


@pytest.mark.django_db
def test_inside_a_transaction_the_current_figures_are_computed():
    cache.remember(("test", "in a transaction"), lambda: "old", version=-25, served=cache.Served())
    with transaction.atomic():
        served = cache.Served()
        assert not served.allowed
        value = cache.remember(("test", "in a transaction"), lambda: "new", version=-26, served=served)
    assert value == "new"
    assert served.as_of is None


def test_many_entries_are_served_older_together_while_one_thread_computes_them():
    parts = {"a": ("test", "many", "a"), "b": ("test", "many", "b")}
    cache.remember_many(parts, lambda names: {name: f"{name}1" for name in names}, version=-30,
                        served=cache.Served())
    asked = []

    def compute(names):
        asked.append(sorted(names))
        return {name: f"{name}2" for name in names}

    served = cache.Served()
    assert cache.remember_many(parts, compute, version=-31, served=served) == {"a": "a1", "b": "b1"}
    assert served.as_of is not None
    assert _wait_for(lambda: django_cache.get(cache.key_for(parts["b"], -31)) == "b2")
    assert asked == [["a", "b"]]  # computed together, once
    assert cache.remember_many(parts, compute, version=-31, served=cache.Served()) == {"a": "a2", "b": "b2"}
    # An entry never computed before today is computed at once, with the others.
    parts["c"] = ("test", "many", "c")
    fresh = cache.Served()
    assert cache.remember_many(parts, compute, version=-32, served=fresh) == {"a": "a2", "b": "b2", "c": "c2"}
    assert fresh.as_of is None
