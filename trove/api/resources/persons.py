"""Persons: who someone is. Only for a caller who holds ``case.view_identity`` on a record of that person (a case,
a case they came with as a child, a registry entry), through ``policy.reveal_identity``: every read is audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from trove.api.auditing import reveal
from trove.api.schemas import Error, Id, UnitRef, unit_ref
from trove.cases.models import AccompanyingChild, Case
from trove.core import policy
from trove.people.models import MissingPerson, Person, SuspectedVictim

router = Router(tags=["persons"])


class PersonOut(Schema):
    id: int
    full_name: str
    other_names: list[str]
    sex: str
    birth_date: datetime.date | None
    birth_precision: str
    birth_year: int | None
    citizen_id: str
    old_id: str
    passport: str
    phone: str
    home_address: str
    home_unit: UnitRef | None
    current_address: str
    current_unit: UnitRef | None
    father_name: str
    mother_name: str
    ethnicity: str
    nationality: str | None
    languages: list[str]
    education: str
    marital_status: str
    cases: list[str] = []


def person_out(person: Person, cases: list[str] | None = None) -> dict:
    return {
        "id": person.pk, "full_name": person.full_name, "other_names": list(person.other_names or []),
        "sex": person.sex, "birth_date": person.birth_date, "birth_precision": person.birth_precision,
        "birth_year": person.birth_year, "citizen_id": person.citizen_id, "old_id": person.old_id,
        "passport": person.passport, "phone": person.phone, "home_address": person.home_address,
        "home_unit": unit_ref(person.home_unit), "current_address": person.current_address,
        "current_unit": unit_ref(person.current_unit), "father_name": person.father_name,
        "mother_name": person.mother_name, "ethnicity": person.ethnicity, "nationality": person.nationality_id,
        "languages": [str(language) for language in person.languages or []], "education": person.education,
        "marital_status": person.marital_status, "cases": cases or [],
    }


def _records_of(person_id: int) -> list:
    """The records that say who this person is: their cases, the cases they came with, their registry entries."""
    return [
        Case.objects.filter(person_id=person_id),
        Case.objects.filter(pk__in=AccompanyingChild.objects.filter(person_id=person_id).values("case_id")),
        SuspectedVictim.objects.filter(person_id=person_id),
        MissingPerson.objects.filter(person_id=person_id),
    ]


@router.get("/persons/{person_id}", response={200: PersonOut, (400, 401, 403, 404, 429): Error},
            summary="Who a person is (audited)")
def person_detail(request, person_id: Id):
    """The identity of a person, for a caller who may see it on at least one record of theirs. Each read writes
    ``identity.view`` and ``api.call`` entries in the audit log. 403 when the caller sees the person's records but
    not who they are; 404 when they see none."""
    user = request.user
    seen = False
    for records in _records_of(person_id):
        for record in policy.visible(user, records, "case.view_identity")[:5]:
            if reveal(request, record):
                person = Person.objects.select_related("home_unit", "current_unit").get(pk=person_id)
                codes = list(policy.visible(user, Case.objects.filter(person_id=person_id))
                             .order_by("code").values_list("code", flat=True)[:100])
                return person_out(person, codes)
        seen = seen or policy.visible(user, records).exists()
    if seen:
        raise PermissionDenied(_("Your role does not let you see who this person is."))
    raise Http404
