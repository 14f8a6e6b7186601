"""Test-session set-up shared by every app.

Reference data (admin units, countries) is loaded once into the test database, the way `make setup` loads it, so that
tests run against the real unit sets rather than hand-made stand-ins. Each test then runs in a transaction that is
rolled back, leaving the reference data in place.
"""

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def personas(db):
    """The test personas (trove.core.testing) for pytest-style tests."""
    from trove.core.testing import make_personas

    return make_personas()
