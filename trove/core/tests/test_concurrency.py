"""Concurrent writers on PostgreSQL: no lost update, no duplicate case code (issue 14 part 2).

Threads need to see each other's committed rows, so these tests commit for real (a transactional test); afterwards
the reference data that the rest of the suite expects is loaded again. On SQLite every writer waits for the one
before it (one database lock), so there is no race to show: the tests are skipped there.
"""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from trove.cases.models import Case
from trove.core.testing import make_personas
from trove.core.versioning import StaleEdit
from trove.people.actions import PersonData, person_update
from trove.verification.tests.helpers import open_case

WRITERS = 12

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="row locks and concurrent transactions are PostgreSQL behaviour")


@pytest.fixture
def reference_data_afterwards(django_db_setup, django_db_blocker):
    """The flush that empties the database after a transactional test also removes the reference data the rest of
    the suite expects: load it again. Set up before ``transactional_db``, so torn down after its flush."""
    yield
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def committed(reference_data_afterwards, transactional_db):
    """A database whose writes commit, so that threads see each other's rows."""
    from trove.geo.models import AdminUnit

    if not AdminUnit.objects.exists():
        call_command("load_reference_data", verbosity=0)


def run_together(work, count: int) -> list:
    """Start ``count`` threads at the same moment; each runs ``work(index)``; returns their results or errors."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    test_database = connection.settings_dict["NAME"]

    def runner(index: int) -> None:
        # A thread opens its own connection; point it at the test database like the main thread's.
        connections["default"].settings_dict["NAME"] = test_database
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test inspects what each writer met
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_corrections_from_one_version_let_exactly_one_through(committed):
    personas = make_personas()
    case = open_case(personas, name="Lục Thị Đồng Thời")

    def correct(index: int):
        fresh = Case.objects.select_related("person", "intake").get(pk=case.pk)
        return person_update(acting_user=personas.owner, case=fresh, expected_version=1, reason="spelling",
                             data=PersonData(full_name=f"Lục Thị Người Sửa {index}", sex="female"))

    results = run_together(correct, WRITERS)
    saved = [result for result in results if not isinstance(result, Exception)]
    refused = [result for result in results if isinstance(result, StaleEdit)]
    assert len(saved) == 1 and len(refused) == WRITERS - 1, results
    case.person.refresh_from_db()
    assert case.person.version == 2
    assert case.person.full_name == saved[0].full_name


def test_concurrent_intakes_never_share_a_case_code(committed):
    personas = make_personas()
    results = run_together(lambda index: open_case(personas, name=f"Trần Văn Cùng Lúc {index}"), WRITERS)
    errors = [result for result in results if isinstance(result, Exception)]
    assert not errors, errors
    codes = [case.code for case in results]
    assert len(set(codes)) == WRITERS
    assert Case.objects.count() == WRITERS
