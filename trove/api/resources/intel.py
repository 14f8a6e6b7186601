"""Tips and criminal proceedings (``trove.intel``): the tip list with its page's views and filters, one tip, the
informant (only for members of the handling agency who hold ``tip.view_informant``; every look and every refusal is
audited by the action), recording, classifying (within the legal time limits the actions apply), handling steps and
the outcome; the proceedings with their stages, and recording the next stage."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema, Status

from trove.agencies.models import Agency
from trove.api.auditing import reveal, touched
from trove.api.errors import ERRORS, WRITE_ERRORS
from trove.api.pagination import paginate
from trove.api.schemas import (
    AgencyRef,
    Choice,
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
from trove.core import policy
from trove.geo.models import AdminUnit
from trove.intel import actions, proceeding_actions, selectors
from trove.intel.models import (
    Classification,
    Priority,
    Proceeding,
    Stage,
    Tip,
    TipOutcome,
    TipSource,
    TipStatus,
    TipStepKind,
)

router = Router(tags=["intel"])
Code = Text(24)
TIP_REVEAL = Query(False, alias="reveal", description="Include what was reported and the notes (audited); the people "
                                                      "named only for a caller who may see identity.")


class TipOut(Schema):
    code: str
    source: Choice(TipSource)
    received_at: datetime.datetime
    priority: Choice(Priority)
    status: Choice(TipStatus)
    classification: str
    classification_due: datetime.date | None
    handling_due: datetime.date | None
    next_due: datetime.date | None
    outcome: str
    concluded_on: datetime.date | None
    owner_agency: AgencyRef
    unit: UnitRef | None
    url: str


class TipList(Listing):
    results: list[TipOut]


class TipStepOut(Schema):
    kind: str
    done_on: datetime.date
    agency: AgencyRef | None
    note: str | None = Field(None, description="Only with reveal=true.")


class TipLinkOut(Schema):
    kind: str
    label: str = Field(description="Empty when the caller may not open the linked record.")


class TipDetail(TipOut):
    classified_on: datetime.date | None
    incident_on: datetime.date | None
    rescued_count: int | None
    informant_anonymous: bool
    may_see_informant: bool
    content: str | None = Field(None, description="What was reported: only with reveal=true (audited).")
    place_text: str | None = None
    subjects: dict | None = Field(None, description="People, places, phones and accounts named: only with "
                                                    "reveal=true, for a caller who may see identity.")
    steps: list[TipStepOut]
    links: list[TipLinkOut]


class InformantOut(Schema):
    tip: str
    name: str
    contact: str
    anonymous: bool


class TipIn(Schema):
    agency: Id = Field(description="The caller's agency that records the tip.")
    source: Choice(TipSource)
    received_at: Moment
    content: Text(8000)
    unit: UnitKey
    place_text: Text(500) = ""
    incident_on: Day | None = None
    persons: list[Text(200)] = Field([], max_length=50)
    places: list[Text(200)] = Field([], max_length=50)
    phones: list[Text(40)] = Field([], max_length=50)
    accounts: list[Text(100)] = Field([], max_length=50)
    informant_name: Text(200) = ""
    informant_contact: Text(200) = ""
    informant_anonymous: bool = False
    priority: Choice(Priority) = Priority.NORMAL


class ClassifyIn(Schema):
    classification: Choice(Classification)
    priority: Choice(Priority)
    classified_on: Day | None = None
    note: Text(2000) = ""


class TipStepIn(Schema):
    kind: Choice(TipStepKind)
    done_on: Day
    note: Text(2000)


class ConcludeIn(Schema):
    outcome: Choice(TipOutcome)
    concluded_on: Day
    case: Text(24) | None = Field(None, description="The case it became (a case code the caller may see).")
    proceeding: Text(24) | None = Field(None, description="The proceeding it was passed to.")
    rescued_count: int | None = Field(None, ge=0, le=10_000)
    note: Text(2000) = ""


class StageOut(Schema):
    stage: Choice(Stage)
    date: datetime.date
    number: str
    agency: AgencyRef
    passed_to: AgencyRef | None
    mobile: bool
    audience: int | None


class ProceedingOut(Schema):
    code: str
    stage: Choice(Stage)
    stage_on: datetime.date
    reported_on: datetime.date
    file_number: str
    owner_agency: AgencyRef
    unit: UnitRef | None
    url: str


class ProceedingList(Listing):
    results: list[ProceedingOut]


class ProceedingDetail(ProceedingOut):
    stages: list[StageOut]
    defendants: int
    victims: int
    permissions: list[str]


class StageIn(Schema):
    stage: Choice(Stage)
    date: Day
    number: Text(60) = ""
    note: Text(2000) = ""
    pass_to: Id | None = Field(None, description="The agency the file passes to (procuracy, court).")
    mobile: bool = False
    mobile_place: Text(200) = ""
    audience: int | None = Field(None, ge=0, le=1_000_000)


def tip_out(tip: Tip) -> dict:
    return {
        "code": tip.code, "source": tip.source, "received_at": tip.received_at, "priority": tip.priority,
        "status": tip.status, "classification": tip.classification, "classification_due": tip.classification_due,
        "handling_due": tip.handling_due, "next_due": tip.next_due, "outcome": tip.outcome,
        "concluded_on": tip.concluded_on, "owner_agency": agency_ref(tip.owner_agency), "unit": unit_ref(tip.unit),
        "url": f"/api/v1/tips/{tip.code}",
    }


def _tip_detail(request, code: str, wanted: bool = False) -> dict:
    tip, permissions = selectors.tip_for_user(request.user, code)
    revealed = bool(wanted)
    if revealed:
        touched(request, tip)  # what was reported may name people: the read is audited
    identity = revealed and "case.view_identity" in permissions and reveal(request, tip)
    steps = tip.steps.select_related("agency").order_by("done_on", "recorded_at", "pk")
    return {
        **tip_out(tip), "classified_on": tip.classified_on, "incident_on": tip.incident_on,
        "rescued_count": tip.rescued_count, "informant_anonymous": tip.informant_anonymous,
        "may_see_informant": actions.may_see_informant(request.user, tip),
        "content": tip.content if revealed else None, "place_text": tip.place_text if revealed else None,
        "subjects": (tip.subjects or {}) if identity else None,
        "steps": [{"kind": s.kind, "done_on": s.done_on, "agency": agency_ref(s.agency),
                   "note": s.note if revealed else None} for s in steps],
        "links": [{"kind": row.link.kind, "label": row.label} for row in selectors.tip_links(request.user, tip)],
    }


@router.get("/tips", response={200: TipList, ERRORS: Error}, summary="Tips, what needs attention first")
def tip_list(request, view: Choice(selectors.TIP_VIEWS) = "attention", source: Choice(TipSource) | None = None,
             classification: Choice(Classification) | None = None, page: Page = 1, page_size: PageSize = 50):
    if not policy.has_permission(request.user, "tip.view"):
        raise PermissionDenied
    filters = selectors.TipFilters(view=view, source=source or "", classification=classification or "")
    found = paginate(request, selectors.tip_list(request.user, filters), page, page_size)
    return found.frame([tip_out(tip) for tip in found.rows])


@router.get("/tips/{code}", response={200: TipDetail, ERRORS: Error}, summary="One tip with its handling")
def tip_detail(request, code: Code, reveal_text: bool = TIP_REVEAL):
    return _tip_detail(request, code, reveal_text)


@router.get("/tips/{code}/informant", response={200: InformantOut, ERRORS: Error},
            summary="Who gave the tip (members of the handling agency with tip.view_informant; audited)")
def tip_informant(request, code: Code):
    tip, _permissions = selectors.tip_for_user(request.user, code)
    informant = actions.informant_reveal(tip=tip, acting_user=request.user, request=request)
    touched(request, tip)
    return {"tip": tip.code, "name": informant.name, "contact": informant.contact,
            "anonymous": informant.anonymous}


def _unit(key: str) -> AdminUnit | None:
    unit_set, code = key.split(":")
    return AdminUnit.objects.filter(unit_set=unit_set, code=code).first()


@router.post("/tips", response={201: TipDetail, WRITE_ERRORS: Error}, summary="Record a tip")
def tip_receive(request, payload: TipIn):
    memberships = [m for m in policy.memberships_with(request.user, "tip.record")]
    if not memberships:
        raise PermissionDenied
    agency = next((m.agency for m in memberships if m.agency_id == payload.agency), None)
    if agency is None:
        raise PermissionDenied
    data = actions.TipData(
        source=payload.source, received_at=payload.received_at, content=payload.content,
        unit=_unit(payload.unit), place_text=payload.place_text, incident_on=payload.incident_on,
        persons=list(payload.persons), places=list(payload.places), phones=list(payload.phones),
        accounts=list(payload.accounts), informant_name=payload.informant_name,
        informant_contact=payload.informant_contact, informant_anonymous=payload.informant_anonymous,
        priority=payload.priority)
    tip = actions.tip_receive(acting_user=request.user, agency=agency, tip=data, request=request)
    touched(request, tip)
    return Status(201, _tip_detail(request, tip.code))


def _tip_to_change(request, code: str) -> Tip:
    tip, _permissions = selectors.tip_for_user(request.user, code, "tip.record")
    touched(request, tip)
    return tip


@router.post("/tips/{code}/classify", response={200: TipDetail, WRITE_ERRORS: Error},
             summary="Classify a tip, once, within its time limit")
def tip_classify(request, code: Code, payload: ClassifyIn):
    tip = _tip_to_change(request, code)
    actions.tip_classify(tip=tip, acting_user=request.user, classification=payload.classification,
                         priority=payload.priority, classified_on=payload.classified_on, note=payload.note,
                         request=request)
    return _tip_detail(request, code)


@router.post("/tips/{code}/steps", response={200: TipDetail, WRITE_ERRORS: Error},
             summary="Record a step of the handling")
def tip_step(request, code: Code, payload: TipStepIn):
    tip = _tip_to_change(request, code)
    actions.tip_record_step(tip=tip, acting_user=request.user, kind=payload.kind, done_on=payload.done_on,
                            note=payload.note, request=request)
    return _tip_detail(request, code)


@router.post("/tips/{code}/outcome", response={200: TipDetail, WRITE_ERRORS: Error},
             summary="Record how the tip was handled")
def tip_conclude(request, code: Code, payload: ConcludeIn):
    tip = _tip_to_change(request, code)
    actions.tip_conclude(
        tip=tip, acting_user=request.user, outcome=payload.outcome, concluded_on=payload.concluded_on,
        case=selectors.visible_case(request.user, payload.case or ""),
        proceeding=selectors.visible_proceeding(request.user, payload.proceeding or ""),
        rescued_count=payload.rescued_count, note=payload.note, request=request)
    return _tip_detail(request, code)


# ---------------------------------------------------------------------------------------------------------------
# Proceedings


def proceeding_out(proceeding: Proceeding) -> dict:
    return {"code": proceeding.code, "stage": proceeding.stage, "stage_on": proceeding.stage_on,
            "reported_on": proceeding.reported_on, "file_number": proceeding.file_number,
            "owner_agency": agency_ref(proceeding.owner_agency), "unit": unit_ref(proceeding.unit),
            "url": f"/api/v1/proceedings/{proceeding.code}"}


def _proceeding_detail(request, code: str) -> dict:
    proceeding, permissions = selectors.proceeding_for_user(request.user, code)
    stages = proceeding.stages.select_related("agency", "passed_to").order_by("date", "pk")
    return {
        **proceeding_out(proceeding),
        "stages": [{"stage": s.stage, "date": s.date, "number": s.number, "agency": agency_ref(s.agency),
                    "passed_to": agency_ref(s.passed_to), "mobile": s.mobile, "audience": s.audience}
                   for s in stages],
        "defendants": proceeding.defendants.count(), "victims": proceeding.victims.count(),
        "permissions": sorted(permissions),
    }


@router.get("/proceedings", response={200: ProceedingList, ERRORS: Error},
            summary="Criminal proceedings, the latest stage first")
def proceeding_list(request, stage: Choice(Stage) | None = None, page: Page = 1, page_size: PageSize = 50):
    if not policy.has_permission(request.user, "proceeding.view"):
        raise PermissionDenied
    found = paginate(request, selectors.proceeding_list(request.user, stage or ""), page, page_size)
    return found.frame([proceeding_out(proceeding) for proceeding in found.rows])


@router.get("/proceedings/{code}", response={200: ProceedingDetail, ERRORS: Error},
            summary="One proceeding with its stages")
def proceeding_detail(request, code: Code):
    return _proceeding_detail(request, code)


@router.post("/proceedings/{code}/stages", response={201: ProceedingDetail, WRITE_ERRORS: Error},
             summary="Record the next stage (by the agency it belongs to)")
def stage_record(request, code: Code, payload: StageIn):
    proceeding, _permissions = selectors.proceeding_for_user(request.user, code, "proceeding.record")
    proceeding_actions.proceeding_record_stage(
        proceeding=proceeding, acting_user=request.user, stage=payload.stage, date=payload.date,
        number=payload.number, note=payload.note,
        pass_to=Agency.objects.filter(pk=payload.pass_to).first() if payload.pass_to else None,
        mobile=payload.mobile, mobile_place=payload.mobile_place, audience=payload.audience, request=request)
    touched(request, proceeding)
    return Status(201, _proceeding_detail(request, code))
