"""The statistics cache: one computation of an entry however many workers ask for it at once, and a cache that all
workers share when ``CACHE_URL`` names a Redis server."""

import socket
import threading

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

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
