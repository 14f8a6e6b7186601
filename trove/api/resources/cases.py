"""Cases: the list with the case list page's filters, one case, and its status changes (through
``trove.verification.actions``). The identity and the free text of the intake come only with ``reveal=true``, for a
caller who may see them, and are audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema

from trove.agencies.selectors import find_unit
from trove.api.auditing import reveal, touched
from trove.api.errors import ERRORS, WRITE_ERRORS
from trove.api.lookups import case_of
from trove.api.pagination import paginate
from trove.api.resources.persons import PersonOut, person_out
from trove.api.schemas import (
    AgencyRef,
    CaseCode,
    Choice,
    Day,
    Error,
    Id,
    Listing,
    Page,
    PageSize,
    Text,
    UnitRef,
    agency_ref,
    unit_ref,
)
from trove.api.versioning import IF_MATCH_DESCRIPTION, check_if_match, etag_of
from trove.cases import selectors
from trove.cases.models import Case, CaseStatus, IntakeChannel, PlaceKind
from trove.cases.sections import section_shown
from trove.core import policy
from trove.verification import actions as verification
from trove.verification.selectors import case_summary as verification_summary
from trove.verification.transitions import ClosingReason

router = Router(tags=["cases"])
UNIT_FILTER = Query(None, description="A unit key (2025:82) or a name (Tân Hồng): the unit and what lies under it, "
                                      "in either unit set.")
AGENCY_FILTER = Query(None, description="The owning agency's id.")
CASE_QUERY = Query(None, description="A case code, or words of a name (needs case.view_identity).")
REVEAL = Query(False, alias="reveal", description="Include who the person is and the intake's free text, for a "
                                                  "caller who may see them (audited).")
IF_MATCH = Header(None, alias="If-Match", description=IF_MATCH_DESCRIPTION)


class CaseSummary(Schema):
    code: str
    pseudonym: str
    status: Choice(CaseStatus)
    closed_reason: str
    opened_at: datetime.datetime
    channel: str | None
    received_at: datetime.datetime | None
    owner_agency: AgencyRef
    unit: UnitRef
    url: str


class CaseList(Listing):
    results: list[CaseSummary]


class DocumentOut(Schema):
    title: str
    number: str
    issued_by: str
    issued_on: datetime.date | None


class IntakeOut(Schema):
    channel: Choice(IntakeChannel)
    received_at: datetime.datetime
    place_kind: Choice(PlaceKind)
    place_name: str
    country_returned_from: str | None
    source_reference: str
    consent_given: bool
    documents: list[DocumentOut]
    children: int
    immediate_needs: str | None = Field(None, description="Only with reveal=true, for a caller who may see it.")
    first_support: str | None = None
    notes: str | None = None


class NextStep(Schema):
    id: int
    order: int
    deadline: datetime.date | None


class VerificationSummary(Schema):
    steps_total: int
    steps_open: int
    next_step: NextStep | None


class CaseDetail(CaseSummary):
    person_id: int | None = Field(description="Only for a caller who may see who the person is.")
    person: PersonOut | None = Field(description="Only with reveal=true, for a caller who may see it (audited).")
    intake: IntakeOut | None = Field(description="Null when the intake is not shared with the caller's agency.")
    verification: VerificationSummary | None
    sections: list[str] | None = Field(description="The parts of the case shared with the caller; null: all.")
    permissions: list[str] = Field(description="What the caller may do on this case.")


class CaseStatusIn(Schema):
    to: Choice([CaseStatus.SUPPORTING, CaseStatus.REINTEGRATING, CaseStatus.CLOSED])
    closing_reason: Choice(["", *ClosingReason.values]) = ""


class ReasonIn(Schema):
    reason: Text(2000)


def case_summary(case: Case) -> dict:
    intake = getattr(case, "intake", None)
    return {
        "code": case.code, "pseudonym": case.pseudonym, "status": case.status, "closed_reason": case.closed_reason,
        "opened_at": case.opened_at, "channel": intake.channel if intake else None,
        "received_at": intake.received_at if intake else None, "owner_agency": agency_ref(case.owner_agency),
        "unit": unit_ref(case.unit), "url": f"/api/v1/cases/{case.code}",
    }


def case_etag(case: Case) -> str:
    return etag_of("case", case.pk, case.status, case.closed_reason, case.owner_agency_id)


def case_detail_out(request, case: Case, permissions: frozenset[str], *, revealed: bool = False) -> dict:
    shown = policy.sections_on(request.user, case)
    intake = getattr(case, "intake", None) if section_shown(shown, "intake") else None
    intake_out = None
    if intake is not None:
        intake_out = {
            "channel": intake.channel, "received_at": intake.received_at, "place_kind": intake.place_kind,
            "place_name": intake.place_name, "country_returned_from": intake.country_returned_from_id,
            "source_reference": intake.source_reference, "consent_given": intake.consent_given,
            "documents": [{"title": d.title, "number": d.number, "issued_by": d.issued_by, "issued_on": d.issued_on}
                          for d in intake.documents.all()],
            "children": case.children.count(),
        }
        if revealed:
            intake_out.update(immediate_needs=intake.immediate_needs, first_support=intake.first_support,
                              notes=intake.notes)
    summary = verification_summary(case) if section_shown(shown, "verification") else None
    next_step = summary and summary["next_step"]
    return {
        **case_summary(case),
        "person_id": case.person_id if "case.view_identity" in permissions else None,
        "person": person_out(case.person, [case.code]) if revealed else None,
        "intake": intake_out,
        "verification": None if summary is None else {
            "steps_total": summary["steps_total"], "steps_open": summary["steps_open"],
            "next_step": {"id": next_step.pk, "order": next_step.order, "deadline": next_step.deadline}
            if next_step else None,
        },
        "sections": None if shown is None else sorted(shown),
        "permissions": sorted(permissions),
    }


@router.get("/cases", response={200: CaseList, ERRORS: Error}, summary="List cases")
def case_list(
    request,
    status: Choice(CaseStatus) | None = None,
    channel: Choice(IntakeChannel) | None = None,
    unit: Text(200) | None = UNIT_FILTER,
    agency: Id | None = AGENCY_FILTER,
    received_from: Day | None = None,
    received_to: Day | None = None,
    q: Text(200) | None = CASE_QUERY,
    page: Page = 1,
    page_size: PageSize = 50,
):
    """The cases the caller may see, newest intake first, filtered like the case list page."""
    if not policy.has_permission(request.user, "case.view"):
        raise PermissionDenied
    query = (q or "").strip()
    by_name = bool(query) and not selectors.looks_like_case_code(query)
    if by_name:
        if not policy.has_permission(request.user, "case.view_identity"):
            raise PermissionDenied(_("Your role does not let you search cases by a person's name."))
        touched(request, object_type="cases.case", object_id="name-search")
    chosen = None
    if unit:
        chosen = find_unit(unit, on=timezone.localdate()).unit
        if chosen is None:
            raise ValidationError({"unit": [_("No administrative unit matches “%(unit)s”.") % {"unit": unit}]})
    filters = selectors.CaseFilters(status=status or "", channel=channel or "", unit=chosen, agency_id=agency,
                                    received_from=received_from, received_to=received_to, query=query)
    found = paginate(request, selectors.case_list(request.user, filters), page, page_size)
    return found.frame([case_summary(case) for case in found.rows])


@router.get("/cases/{code}", response={200: CaseDetail, ERRORS: Error}, summary="One case")
def case_detail(request, code: CaseCode, response: HttpResponse,
                reveal_identity: bool = REVEAL):
    case, permissions = case_of(request, code)
    revealed = reveal_identity and "case.view_identity" in permissions and reveal(request, case)
    response["ETag"] = case_etag(case)
    return case_detail_out(request, case, permissions, revealed=revealed)


def _changed(request, response: HttpResponse, code: str) -> dict:
    case, permissions = case_of(request, code)
    response["ETag"] = case_etag(case)
    return case_detail_out(request, case, permissions)


@router.post("/cases/{code}/status", response={200: CaseDetail, WRITE_ERRORS: Error},
             summary="Move a case on after the decision, or close it")
def case_status(request, code: CaseCode, payload: CaseStatusIn, response: HttpResponse,
                if_match: str | None = IF_MATCH):
    case, _permissions = case_of(request, code, "case.edit")
    check_if_match(if_match, case_etag(case))
    verification.change_status(case=case, acting_user=request.user, to=payload.to, reason=payload.closing_reason,
                               request=request)
    touched(request, case)
    return _changed(request, response, code)


@router.post("/cases/{code}/reopen", response={200: CaseDetail, WRITE_ERRORS: Error},
             summary="Reopen a closed case, or one decided not to be a victim")
def case_reopen(request, code: CaseCode, payload: ReasonIn, response: HttpResponse,
                if_match: str | None = IF_MATCH):
    case, _permissions = case_of(request, code, "case.edit")
    check_if_match(if_match, case_etag(case))
    verification.reopen(case=case, acting_user=request.user, reason=payload.reason, request=request)
    touched(request, case)
    return _changed(request, response, code)
