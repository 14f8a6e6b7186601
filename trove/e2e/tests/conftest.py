"""The world the journeys run in: the demo data, committed, served by a live server for the whole module.

Seeding the demo once (a few seconds) rather than per test keeps the suite fast; the journeys are written so that
each one works on records the others leave alone. Afterwards the database is emptied and the reference data loaded
again, as the rest of the suite expects (the same reason as core/tests/test_concurrency.py).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from trove.e2e.browser import PHONE, Browser, missing_tools


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def _django_db_helper(django_db_setup):
    """The journeys carry the ``django_db`` mark so that pytest-django creates the test database, but they share one
    committed world (``world``) instead of a transaction per test: the live server's own connection must see what the
    browser and the test create. (This overrides a private fixture of pytest-django, pinned in constraints.txt.)"""
    yield


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    reason = missing_tools()
    if reason:
        pytest.skip(reason)
    from pytest_django.live_server_helper import LiveServer

    from trove.core.demo import seed_demo
    from trove.geo.models import AdminUnit

    # The live server speaks plain HTTP; the test settings would otherwise mark the cookies Secure.
    insecure_cookies = override_settings(SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False)
    with django_db_blocker.unblock():
        insecure_cookies.enable()
        try:
            if not AdminUnit.objects.exists():
                call_command("load_reference_data", verbosity=0)
            seed_demo()
            server = LiveServer("localhost")
            try:
                yield server.url
            finally:
                server.stop()
        finally:
            insecure_cookies.disable()
            call_command("flush", interactive=False, verbosity=0)
            call_command("load_reference_data", verbosity=0)


@pytest.fixture
def downloads():
    with tempfile.TemporaryDirectory(prefix="trove-e2e-") as directory:
        yield Path(directory)


def _browser(request, world: str, downloads: Path, size: tuple[int, int]):
    browser = Browser(world, downloads, size=size)
    yield browser
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        browser.save_failure(re.sub(r"[^\w-]+", "_", request.node.name))
    browser.quit()


@pytest.fixture
def browser(request, world, downloads):
    yield from _browser(request, world, downloads, (1280, 900))


@pytest.fixture
def phone(request, world, downloads):
    yield from _browser(request, world, downloads, PHONE)


@pytest.fixture
def sign_in_as(world):
    """Sign a demo user in on a browser the quick way: a session made on the server, second factor verified, its
    cookie handed to the browser (the sign-in journey itself goes through the real pages)."""
    from django.conf import settings

    from trove.core.models import User
    from trove.core.testing import sign_in

    def do(browser: Browser, username: str) -> None:
        client = Client()
        sign_in(client, User.objects.get(username=username))
        browser.driver.get(world + "/healthz")
        browser.driver.delete_all_cookies()
        browser.driver.add_cookie({"name": settings.SESSION_COOKIE_NAME, "path": "/",
                                   "value": client.cookies[settings.SESSION_COOKIE_NAME].value})

    return do
