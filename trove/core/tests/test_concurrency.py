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


# Cases, support entries and plans (issue 14 part 2): the same lock, through their own actions.

def _identified_case(personas):
    """A case identified as a victim's, so that it may be closed."""
    from django.utils import timezone

    from trove.agencies.models import Role
    from trove.core.testing import _member, _user
    from trove.rules.models import IdentificationGround
    from trove.verification.actions import approve_decision, propose_decision, tick_ground

    verifier = _member(_user("c_verifier", "Bùi Văn Định"), personas.owner_agency, Role.VERIFIER, personas.commune)
    case = open_case(personas, name="Lục Thị Đóng Hồ Sơ")
    ground = IdentificationGround.objects.filter(regime__code="B").first()
    tick_ground(case=case, acting_user=personas.owner, ground=ground, source="Công văn 3/CAT")
    decision = propose_decision(case=case, acting_user=verifier, outcome="victim", reasons="Đủ căn cứ",
                                decision_date=timezone.localdate())
    approve_decision(decision=decision, acting_user=personas.supervisor)
    return Case.objects.get(pk=case.pk)


def test_concurrent_closes_of_one_case_let_exactly_one_through(committed):
    from trove.cases.lifecycle import case_close
    from trove.core.models import AuditEntry

    personas = make_personas()
    case = _identified_case(personas)
    start = case.version
    reasons = ["reintegrated", "moved", "unreachable", "refused"]

    def close(index: int):
        fresh = Case.objects.get(pk=case.pk)
        return case_close(acting_user=personas.owner, case=fresh, reason=reasons[index % len(reasons)],
                          expected_version=start)

    results = run_together(close, WRITERS)
    saved = [result for result in results if not isinstance(result, Exception)]
    refused = [result for result in results if isinstance(result, StaleEdit)]
    assert len(saved) == 1 and len(refused) == WRITERS - 1, results
    stored = Case.objects.get(pk=case.pk)
    assert stored.version == start + 1
    assert stored.closed_reason == saved[0].closed_reason
    assert AuditEntry.objects.filter(action="case.close", object_id=str(case.pk)).count() == 1


def test_concurrent_cancellations_of_one_support_entry_let_exactly_one_through(committed):
    from trove.core.models import AuditEntry
    from trove.support.ledger_actions import cancel_entry, record_support
    from trove.support.models import SupportEntry
    from trove.support.tests.helpers import d, types, vn
    from trove.support.tests.helpers import open_case as open_support_case

    personas = make_personas()
    case = open_support_case(personas, vn(2025, 8, 4))
    entry = record_support(case=case, acting_user=personas.owner, support_type=types()["a"], given_on=d(2025, 8, 5),
                           giving_agency=personas.owner_agency, amount=40_000, days_covered=1)

    def cancel(index: int):
        fresh = SupportEntry.objects.select_related("case").get(pk=entry.pk)
        return cancel_entry(entry=fresh, acting_user=personas.supervisor, reason=f"Nhập nhầm lần thứ {index}",
                            expected_version=1)

    results = run_together(cancel, WRITERS)
    saved = [result for result in results if not isinstance(result, Exception)]
    refused = [result for result in results if isinstance(result, StaleEdit)]
    assert len(saved) == 1 and len(refused) == WRITERS - 1, results
    stored = SupportEntry.objects.get(pk=entry.pk)
    assert (stored.version, stored.cancel_reason) == (2, saved[0].cancel_reason)
    assert AuditEntry.objects.filter(action="support.entry_cancel").count() == 1


def test_writers_that_retry_on_a_stale_plan_lose_no_update(committed):
    """Each writer adds its own objective to the same draft, re-reading and retrying when refused: at the end every
    writer's objective is there and the revision moved once per writer — no update was lost."""
    from trove.agencies.models import Role
    from trove.core.testing import _member, _user
    from trove.plans import actions
    from trove.plans.models import Plan
    from trove.plans.tests.helpers import draft_plan, plan_data

    personas = make_personas()
    coordinator = _member(_user("c_coordinator", "Đinh Văn Điều"), personas.owner_agency, Role.PLAN_COORDINATOR,
                          personas.commune)
    plan = draft_plan(personas, coordinator, goals=[])
    start = Plan.objects.get(pk=plan.pk).revision

    def add_goal(index: int):
        for _attempt in range(WRITERS * 3):
            fresh = Plan.objects.get(pk=plan.pk)
            goals = [objective.text for objective in fresh.objectives.filter(kind="goal").order_by("order")]
            try:
                return actions.plan_update(acting_user=coordinator, plan=fresh,
                                           data=plan_data(personas, goals=[*goals, f"Mục tiêu của người {index}."]),
                                           expected_version=fresh.revision)
            except StaleEdit:
                continue
        raise AssertionError("a writer never got through")

    results = run_together(add_goal, WRITERS)
    errors = [result for result in results if isinstance(result, Exception)]
    assert not errors, errors
    stored = Plan.objects.get(pk=plan.pk)
    goals = set(stored.objectives.filter(kind="goal").values_list("text", flat=True))
    assert goals == {f"Mục tiêu của người {index}." for index in range(WRITERS)}
    assert stored.revision == start + WRITERS
