"""The registries of suspected victims and missing persons (``trove.people.registry_actions``): lists with the
registry pages' filters, entries, new entries, status changes and "becomes a case"."""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status

from trove.api.auditing import reveal, touched
from trove.api.errors import ERRORS, WRITE_ERRORS
from trove.api.pagination import paginate
from trove.api.resources.cases import CaseDetail, case_detail_out, case_etag
from trove.api.resources.intakes import PersonIn, Resolver, receiving_agency
from trove.api.schemas import (
    AgencyRef,
    Choice,
    CountryCode,
    Day,
    Error,
    Id,
    Listing,
    Moment,
    Page,
    PageSize,
    Text,
    UnitKey,
    UnitRef,
    agency_ref,
    unit_ref,
)
from trove.api.versioning import IF_MATCH_DESCRIPTION, check_if_match, etag_of
from trove.cases.models import IntakeChannel, PlaceKind
from trove.cases.selectors import case_for_user
from trove.core import policy
from trove.people import registry_actions
from trove.people.identity import persons_named
from trove.people.models import MissingPerson, MissingStatus, RiskChannel, SuspectedStatus, SuspectedVictim

router = Router(tags=["registries"])
MODELS = {"suspected": SuspectedVictim, "missing": MissingPerson}
STATUSES = {"suspected": SuspectedStatus, "missing": MissingStatus}
Kind = Literal["suspected", "missing"]
NAME_QUERY = Query(None, description="Words of a name (needs case.view_identity).")
REVEAL = Query(False, alias="reveal", description="Include who reported and the notes, for a caller who may see "
                                                  "identity (audited).")
IF_MATCH = Header(None, alias="If-Match", description=IF_MATCH_DESCRIPTION)


class EntryOut(Schema):
    id: int
    registry: Kind
    status: str = Field(description="A status of the registry: suspected "
                                    f"({', '.join(SuspectedStatus.values)}) or missing "
                                    f"({', '.join(MissingStatus.values)}).")
    reported_on: datetime.date
    owner_agency: AgencyRef
    unit: UnitRef
    case: str | None = Field(description="The case opened from the entry, when the caller may see it.")
    risk_channel: str | None = Field(description="Suspected victims: the risk channel.")
    destination_country: str | None
    missing_since: datetime.date | None = Field(description="Missing persons.")
    last_known_country: str | None
    person_id: int | None = Field(description="Only for a caller who may see who the person is.")
    reported_by: str | None = Field(None, description="Only with reveal=true (audited).")
    notes: str | None = None
    last_known_place: str | None = None


class EntryList(Listing):
    results: list[EntryOut]


class EntryIn(Schema):
    agency: Id | None = None
    person: PersonIn
    reported_on: Day
    reported_by: Text(300) = ""
    notes: Text(4000) = ""


class SuspectedIn(EntryIn):
    risk_channel: Choice(RiskChannel)
    destination_country: CountryCode | None = None


class MissingIn(EntryIn):
    last_known_place: Text(300) = ""
    last_known_country: CountryCode | None = None
    missing_since: Day | None = None


class StatusIn(Schema):
    status: Text(20) = Field(description="The new status; see the registry's statuses.")
    reason: Text(500) = ""


class ToCaseIn(Schema):
    channel: Choice(IntakeChannel)
    received_at: Moment
    place_kind: Choice(PlaceKind)
    place_unit: UnitKey
    place_name: Text(200) = ""
    country_returned_from: CountryCode | None = None
    source_reference: Text(200) = ""


def entry_out(request, entry, kind: str, permissions: frozenset[str] | None = None, *, revealed: bool = False,
              visible_cases: set[int] | None = None) -> dict:
    case_code = None
    if entry.case_id is not None:
        if visible_cases is None:
            visible_cases = {entry.case_id} if policy.can(request.user, "case.view", entry.case) else set()
        case_code = entry.case.code if entry.case_id in visible_cases else None
    return {
        "id": entry.pk, "registry": kind, "status": entry.status, "reported_on": entry.reported_on,
        "owner_agency": agency_ref(entry.owner_agency), "unit": unit_ref(entry.unit), "case": case_code,
        "risk_channel": getattr(entry, "risk_channel", None),
        "destination_country": getattr(entry, "destination_country_id", None),
        "missing_since": getattr(entry, "missing_since", None),
        "last_known_country": getattr(entry, "last_known_country_id", None),
        "person_id": entry.person_id if permissions and "case.view_identity" in permissions else None,
        "reported_by": entry.reported_by if revealed else None, "notes": entry.notes if revealed else None,
        "last_known_place": getattr(entry, "last_known_place", None) if revealed else None,
    }


def entry_etag(entry) -> str:
    return etag_of(type(entry).__name__, entry.pk, entry.status, entry.case_id)


def _entry(request, kind: str, entry_id: int, action: str | None = None):
    queryset = MODELS[kind].objects.select_related("owner_agency", "unit", "case")
    return policy.get_for_user(request.user, queryset, entry_id, action)


def _detail(request, kind: str, entry_id: int, response: HttpResponse, *, wanted_reveal: bool = False) -> dict:
    entry = _entry(request, kind, entry_id)
    permissions = policy.permissions_on(request.user, entry)
    revealed = wanted_reveal and "case.view_identity" in permissions and reveal(request, entry)
    response["ETag"] = entry_etag(entry)
    return entry_out(request, entry, kind, permissions, revealed=revealed)


@router.post("/registries/suspected", response={201: EntryOut, (400, 401, 403, 422, 429): Error},
             summary="Record a suspected victim")
def suspected_create(request, payload: SuspectedIn, response: HttpResponse):
    agency = receiving_agency(request.user, payload.agency)
    resolver = Resolver()
    person = resolver.person(payload.person, "person")
    country = resolver.country(payload.destination_country, "destination_country")
    resolver.raise_errors()
    entry = registry_actions.suspected_create(
        acting_user=request.user, agency=agency, person=person, risk_channel=payload.risk_channel,
        reported_on=payload.reported_on, reported_by=payload.reported_by, destination_country=country,
        notes=payload.notes, request=request)
    return _created(request, "suspected", entry, response)


@router.post("/registries/missing", response={201: EntryOut, (400, 401, 403, 422, 429): Error},
             summary="Record a missing person")
def missing_create(request, payload: MissingIn, response: HttpResponse):
    agency = receiving_agency(request.user, payload.agency)
    resolver = Resolver()
    person = resolver.person(payload.person, "person")
    country = resolver.country(payload.last_known_country, "last_known_country")
    resolver.raise_errors()
    entry = registry_actions.missing_create(
        acting_user=request.user, agency=agency, person=person, reported_on=payload.reported_on,
        reported_by=payload.reported_by, last_known_place=payload.last_known_place, last_known_country=country,
        missing_since=payload.missing_since, notes=payload.notes, request=request)
    return _created(request, "missing", entry, response)


def entry_list(request, kind: str, status: str | None, q: str | None, page: int, page_size: int) -> dict:
    """The entries the caller may see, the latest report first, filtered like the registry pages."""
    if not policy.has_permission(request.user, "case.view"):
        raise PermissionDenied
    model = MODELS[kind]
    entries = policy.visible(request.user, model.objects.all())
    if status:
        entries = entries.filter(status=status)
    query = (q or "").strip()
    if query:
        if not policy.has_permission(request.user, "case.view_identity"):
            raise PermissionDenied(_("Your role does not let you search by a person's name."))
        identifiable = policy.visible(request.user, model.objects.all(), "case.view_identity")
        entries = entries.filter(person_id__in=persons_named(query), pk__in=identifiable.values("pk"))
        touched(request, object_type=model._meta.label_lower, object_id="name-search")
    entries = entries.select_related("owner_agency", "unit", "case").order_by("-reported_on", "-pk")
    found = paginate(request, entries, page, page_size)
    from trove.cases.models import Case

    case_ids = [entry.case_id for entry in found.rows if entry.case_id]
    visible_cases = set(policy.visible(request.user, Case.objects.filter(pk__in=case_ids)).values_list("pk", flat=True)
                        ) if case_ids else set()
    return found.frame([entry_out(request, entry, kind, visible_cases=visible_cases) for entry in found.rows])


@router.get("/registries/suspected", response={200: EntryList, ERRORS: Error}, summary="List suspected victims")
def suspected_list(request, status: Choice(SuspectedStatus) | None = None, q: Text(200) | None = NAME_QUERY,
                   page: Page = 1, page_size: PageSize = 50):
    return entry_list(request, "suspected", status, q, page, page_size)


@router.get("/registries/missing", response={200: EntryList, ERRORS: Error}, summary="List missing persons")
def missing_list(request, status: Choice(MissingStatus) | None = None, q: Text(200) | None = NAME_QUERY,
                 page: Page = 1, page_size: PageSize = 50):
    return entry_list(request, "missing", status, q, page, page_size)


@router.get("/registries/{kind}/{entry_id}", response={200: EntryOut, ERRORS: Error}, summary="One entry")
def entry_detail(request, kind: Kind, entry_id: Id, response: HttpResponse,
                 reveal_text: bool = REVEAL):
    return _detail(request, kind, entry_id, response, wanted_reveal=reveal_text)


def _created(request, kind: str, entry, response: HttpResponse):
    touched(request, entry)
    response["Location"] = f"/api/v1/registries/{kind}/{entry.pk}"
    return Status(201, _detail(request, kind, entry.pk, response))


@router.post("/registries/{kind}/{entry_id}/status", response={200: EntryOut, WRITE_ERRORS: Error},
             summary="Change an entry's status")
def entry_status(request, kind: Kind, entry_id: Id, payload: StatusIn, response: HttpResponse,
                 if_match: str | None = IF_MATCH):
    entry = _entry(request, kind, entry_id, "case.edit")
    check_if_match(if_match, entry_etag(entry))
    registry_actions.registry_entry_transition(acting_user=request.user, entry=entry, status=payload.status,
                                               reason=payload.reason, request=request)
    touched(request, entry)
    return _detail(request, kind, entry_id, response)


@router.post("/registries/{kind}/{entry_id}/case", response={201: CaseDetail, WRITE_ERRORS: Error},
             summary="Open a case for the entry's person")
def entry_to_case(request, kind: Kind, entry_id: Id, payload: ToCaseIn, response: HttpResponse,
                  if_match: str | None = IF_MATCH):
    entry = _entry(request, kind, entry_id, "case.edit")
    check_if_match(if_match, entry_etag(entry))
    resolver = Resolver()
    intake = resolver.intake(payload)
    resolver.raise_errors()
    case = registry_actions.registry_entry_to_case(acting_user=request.user, entry=entry, intake=intake,
                                                   request=request)
    touched(request, entry)
    touched(request, case)
    case, permissions = case_for_user(request.user, case.code)
    response["Location"] = f"/api/v1/cases/{case.code}"
    response["ETag"] = case_etag(case)
    return Status(201, case_detail_out(request, case, permissions))
