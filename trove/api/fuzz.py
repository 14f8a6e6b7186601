"""Property-based fuzzing of the API with schemathesis (issue 11): for every operation of the OpenAPI document, as
several personas, schemathesis generates requests (valid and invalid) and checks each answer:

- no 5xx (``not_a_server_error``);
- the status code, content type and body are those the document declares;
- ``in_scope``: no persona receives a record outside its scope. Every case code, registry entry and person in an
  answer is checked against ``policy.visible`` for the persona, and a person's identity against
  ``case.view_identity`` on at least one of their records.

``make fuzz`` runs it against a server on a seeded demo database (``manage.py api_fuzz``); the test suite runs a
bounded version against the WSGI application (``tests/test_fuzz.py``). Synthetic data only.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field

from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from trove.cases.models import Case
from trove.core import policy
from trove.people.models import MissingPerson, SuspectedVictim

REGISTRIES = {"suspected": SuspectedVictim, "missing": MissingPerson}


@dataclass
class Found:
    cases: set[str] = field(default_factory=set)
    entries: dict[str, set[int]] = field(default_factory=lambda: {"suspected": set(), "missing": set()})
    persons: set[int] = field(default_factory=set)


def collect(value, found: Found) -> Found:
    """The records an answer holds: case codes, registry entries and persons shown with their identity."""
    if isinstance(value, dict):
        if isinstance(value.get("code"), str) and "pseudonym" in value:
            found.cases.add(value["code"])
        if isinstance(value.get("case"), str):
            found.cases.add(value["case"])
        if value.get("registry") in REGISTRIES and isinstance(value.get("id"), int):
            found.entries[value["registry"]].add(value["id"])
        if "full_name" in value and isinstance(value.get("id"), int):
            found.persons.add(value["id"])
        for key, item in value.items():
            if key == "cases" and isinstance(item, list):
                found.cases.update(code for code in item if isinstance(code, str))
            else:
                collect(item, found)
    elif isinstance(value, list):
        for item in value:
            collect(item, found)
    return found


def out_of_scope(user, body) -> list[str]:
    """What the answer shows that ``user`` may not see; empty when all is in scope."""
    found = collect(body, Found())
    problems = []
    if found.cases:
        seen = set(policy.visible(user, Case.objects.filter(code__in=found.cases)).values_list("code", flat=True))
        problems += [f"case {code}" for code in sorted(found.cases - seen)]
    for kind, ids in found.entries.items():
        if ids:
            seen = set(policy.visible(user, REGISTRIES[kind].objects.filter(pk__in=ids)).values_list("pk", flat=True))
            problems += [f"{kind} entry {pk}" for pk in sorted(ids - seen)]
    for person_id in found.persons:
        records = [Case.objects.filter(person_id=person_id), Case.objects.filter(children__person_id=person_id),
                   *(model.objects.filter(person_id=person_id) for model in REGISTRIES.values())]
        if not any(policy.visible(user, records_of, "case.view_identity").exists() for records_of in records):
            problems.append(f"identity of person {person_id}")
    return problems


def scope_check(user):
    """A schemathesis check: the answer shows nothing outside ``user``'s scope."""

    def in_scope(ctx, response, case):
        if response.status_code >= 300:
            return None
        try:
            body = json.loads(response.content or b"null")
        except ValueError:
            return None
        problems = out_of_scope(user, body)
        if problems:
            raise AssertionError(f"{user.username} received what lies outside their scope: {', '.join(problems)}")
        return None

    return in_scope


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass
class Persona:
    user: object
    token: str


@dataclass
class Report:
    runs: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _runner(operation, mode, max_examples: int, base_url: str | None, headers: dict, checks: list):
    """A Hypothesis test that calls one operation with generated requests and checks every answer."""

    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(base_url=base_url, headers=headers, checks=checks)

    return run


def fuzz(schema, personas: Iterable[Persona], *, max_examples: int = 10, base_url: str | None = None,
         operations: Iterable[str] | None = None, modes=(GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
         log=print) -> Report:
    """Run every operation (or those whose label contains one of ``operations``) for every persona."""
    report = Report()
    selected = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operations and not any(part in operation.label for part in operations):
            continue
        selected.append(operation)
    for persona in personas:
        checks = [*CHECKS, scope_check(persona.user)]
        headers = {"Authorization": f"Bearer {persona.token}"}
        for operation in selected:
            for mode in modes:
                run = _runner(operation, mode, max_examples, base_url, headers, checks)
                report.runs += 1
                try:
                    run()
                except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - report every failure, go on
                    summary = "".join(traceback.format_exception_only(error)).strip()
                    report.failures.append(f"{persona.user.username} {operation.label} [{mode}]: {summary}")
                    log(report.failures[-1][:2000])
    return report
