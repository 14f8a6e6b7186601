"""Verification of a case: its steps with their deadlines, the requests to other agencies and their replies, the
evidence checklist. Reads and writes go through ``trove.verification`` (selectors and actions); free text (notes,
replies) comes only with ``reveal=true`` for a caller who may see identity, and is audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema, Status

from trove.api.auditing import reveal, touched
from trove.api.errors import ERRORS, WRITE_ERRORS
from trove.api.lookups import case_of, child_of_case
from trove.api.pagination import paginate
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
    agency_ref,
)
from trove.api.versioning import IF_MATCH_DESCRIPTION, check_if_match, etag_of
from trove.cases.models import Case
from trove.core import policy
from trove.rules.models import IdentificationGround, in_language
from trove.verification import actions, selectors
from trove.verification.models import (
    RequestKind,
    RequestStatus,
    StepStatus,
    VerificationRequest,
    VerificationStep,
)

router = Router(tags=["verification"])
REVEAL = Query(False, alias="reveal", description="Include free text that may say who the person is, for a caller "
                                                 "who may see identity (audited).")
IF_MATCH = Header(None, alias="If-Match", description=IF_MATCH_DESCRIPTION)
SCOPE = Query("agency", description="agency: the cases of one's own agencies; scope: every case one may edit in "
                                    "one's scope.")


class StepOut(Schema):
    id: int
    case: str
    order: int
    code: str
    name: str
    regime: str
    status: Choice(StepStatus)
    started_at: datetime.datetime
    deadline: datetime.date | None
    overdue: bool
    done_at: datetime.datetime | None
    citation: str
    note: str | None = Field(None, description="Only with reveal=true.")


class StepList(Listing):
    results: list[StepOut]


class ReplyOut(Schema):
    id: int
    at: datetime.datetime
    agency: AgencyRef | None
    text: str | None = Field(None, description="Only with reveal=true.")


class RequestOut(Schema):
    id: int
    case: str
    kind: Choice(RequestKind)
    from_agency: AgencyRef
    to_agency: AgencyRef
    sent_at: datetime.datetime
    due_on: datetime.date
    overdue: bool
    status: Choice(RequestStatus)
    closed_at: datetime.datetime | None
    replies: list[ReplyOut]


class RequestList(Listing):
    results: list[RequestOut]


class GroundOut(Schema):
    id: int
    code: str
    group: str
    text: str
    ticked: bool
    source: str | None
    ticked_at: datetime.datetime | None


class VerificationOut(Schema):
    case: str
    regime: str | None
    steps: list[StepOut]
    requests: list[RequestOut]
    grounds: list[GroundOut]
    decisions: list[int] = Field(description="Ids of the case's identification decisions, oldest first.")


class StepNoteIn(Schema):
    note: Text(2000) = ""


class StepSkipIn(Schema):
    reason: Text(2000)


class RequestIn(Schema):
    to_agency: Id
    kind: Choice(RequestKind)
    due_on: Day


class ReplyIn(Schema):
    text: Text(4000)


class TickIn(Schema):
    source: Text(300)


def step_out(step: VerificationStep, *, revealed: bool = False, today=None) -> dict:
    return {
        "id": step.pk, "case": step.case.code, "order": step.order, "code": step.rule.code,
        "name": in_language(step.rule, "name"), "regime": step.regime_code, "status": step.status,
        "started_at": step.started_at, "deadline": step.deadline, "overdue": step.is_overdue(today),
        "done_at": step.done_at, "citation": step.rule.citation, "note": step.note if revealed else None,
    }


def request_out(item: VerificationRequest, *, revealed: bool = False, today=None) -> dict:
    return {
        "id": item.pk, "case": item.case.code, "kind": item.kind, "from_agency": agency_ref(item.from_agency),
        "to_agency": agency_ref(item.to_agency), "sent_at": item.sent_at, "due_on": item.due_on,
        "overdue": item.is_overdue(today), "status": item.status, "closed_at": item.closed_at,
        "replies": [{"id": reply.pk, "at": reply.at, "agency": agency_ref(reply.by_agency),
                     "text": reply.text if revealed else None} for reply in item.replies.all()],
    }


def step_etag(step: VerificationStep) -> str:
    return etag_of("step", step.pk, step.status, step.done_at)


def request_etag(item: VerificationRequest) -> str:
    return etag_of("request", item.pk, item.status, item.closed_at, item.replies.count())


def _revealed(request, case: Case, wanted: bool) -> bool:
    return wanted and policy.can(request.user, "case.view_identity", case) and reveal(request, case)


def _step(request, step_id: int, action: str = "case.view") -> VerificationStep:
    return child_of_case(request, VerificationStep.objects.select_related("rule", "case"), step_id, action)


def _request(request, request_id: int, action: str = "case.view") -> VerificationRequest:
    queryset = VerificationRequest.objects.select_related("case", "from_agency", "to_agency", "participation")
    return child_of_case(request, queryset.prefetch_related("replies__by_agency"), request_id, action)


@router.get("/cases/{code}/verification", response={200: VerificationOut, ERRORS: Error},
            summary="A case's verification: steps, requests, checklist")
def case_verification(request, code: CaseCode, reveal_text: bool = REVEAL):
    case, _permissions = case_of(request, code, section="verification")
    data = selectors.case_verification(case)
    revealed = _revealed(request, case, reveal_text)
    today = timezone.localdate()
    for item in [*data.steps, *data.requests]:
        item.case = case
    return {
        "case": case.code, "regime": data.regime.code if data.regime else None,
        "steps": [step_out(step, revealed=revealed, today=today) for step in data.steps],
        "requests": [request_out(item, revealed=revealed, today=today) for item in data.requests],
        "grounds": [{"id": row.ground.pk, "code": row.ground.code, "group": row.ground.group,
                     "text": in_language(row.ground, "text"), "ticked": row.item is not None,
                     "source": row.item.source if row.item else None,
                     "ticked_at": row.item.ticked_at if row.item else None} for row in data.grounds],
        "decisions": [decision.pk for decision in data.decisions],
    }


@router.get("/verification/steps", response={200: StepList, ERRORS: Error},
            summary="Open steps, earliest deadline first")
def step_list(request, scope: Choice(selectors.SCOPES) = SCOPE, overdue: bool = False, page: Page = 1,
              page_size: PageSize = 50):
    """The pending steps of the cases the caller may edit, like the deadlines page."""
    if not policy.has_permission(request.user, "case.view"):
        raise PermissionDenied
    steps = selectors.open_steps(request.user, scope)
    today = timezone.localdate()
    if overdue:
        steps = steps.filter(deadline__lt=today)
    found = paginate(request, steps, page, page_size)
    return found.frame([step_out(step, today=today) for step in found.rows])


@router.get("/verification/steps/{step_id}", response={200: StepOut, ERRORS: Error}, summary="One step")
def step_detail(request, step_id: Id, response: HttpResponse, reveal_text: bool = REVEAL):
    step = _step(request, step_id)
    response["ETag"] = step_etag(step)
    return step_out(step, revealed=_revealed(request, step.case, reveal_text))


def _step_done(request, step_id: int, response: HttpResponse) -> dict:
    step = _step(request, step_id)
    touched(request, step)
    response["ETag"] = step_etag(step)
    return step_out(step)


@router.post("/verification/steps/{step_id}/complete", response={200: StepOut, WRITE_ERRORS: Error},
             summary="Mark a step done")
def step_complete(request, step_id: Id, payload: StepNoteIn, response: HttpResponse,
                  if_match: str | None = IF_MATCH):
    step = _step(request, step_id, "case.edit")
    check_if_match(if_match, step_etag(step))
    actions.complete_step(step=step, acting_user=request.user, note=payload.note, request=request)
    return _step_done(request, step_id, response)


@router.post("/verification/steps/{step_id}/skip", response={200: StepOut, WRITE_ERRORS: Error},
             summary="Skip a step, with a reason")
def step_skip(request, step_id: Id, payload: StepSkipIn, response: HttpResponse, if_match: str | None = IF_MATCH):
    step = _step(request, step_id, "case.edit")
    check_if_match(if_match, step_etag(step))
    actions.skip_step(step=step, acting_user=request.user, reason=payload.reason, request=request)
    return _step_done(request, step_id, response)


@router.get("/verification/requests", response={200: RequestList, ERRORS: Error},
            summary="Requests not closed yet, earliest due first")
def request_list(request, scope: Choice(selectors.SCOPES) = "agency", page: Page = 1, page_size: PageSize = 50):
    if not policy.has_permission(request.user, "case.view"):
        raise PermissionDenied
    found = paginate(request, selectors.open_requests(request.user, scope).prefetch_related("replies__by_agency"),
                     page, page_size)
    today = timezone.localdate()
    return found.frame([request_out(item, today=today) for item in found.rows])


@router.get("/verification/requests/{request_id}", response={200: RequestOut, ERRORS: Error},
            summary="One request with its replies")
def request_detail(request, request_id: Id, response: HttpResponse, reveal_text: bool = REVEAL):
    item = _request(request, request_id)
    response["ETag"] = request_etag(item)
    return request_out(item, revealed=_revealed(request, item.case, reveal_text))


@router.post("/cases/{code}/verification/requests", response={201: RequestOut, WRITE_ERRORS: Error},
             summary="Ask another agency to verify something")
def request_send(request, code: CaseCode, payload: RequestIn, response: HttpResponse):
    """The requested agency takes part in the case (and sees it) until the request is closed."""
    case, _permissions = case_of(request, code, "case.edit", section="verification")
    from trove.agencies.models import Agency

    to_agency = Agency.objects.filter(pk=payload.to_agency).first()
    sent = actions.send_request(case=case, acting_user=request.user, to_agency=to_agency, kind=payload.kind,
                                due_on=payload.due_on, request=request)
    touched(request, sent)
    item = _request(request, sent.pk)
    response["Location"] = f"/api/v1/verification/requests/{item.pk}"
    response["ETag"] = request_etag(item)
    return Status(201, request_out(item))


@router.post("/verification/requests/{request_id}/replies", response={201: RequestOut, WRITE_ERRORS: Error},
             summary="Answer a request (members of the requested agency)")
def request_reply(request, request_id: Id, payload: ReplyIn, response: HttpResponse,
                  if_match: str | None = IF_MATCH):
    item = _request(request, request_id)
    check_if_match(if_match, request_etag(item))
    actions.reply_to_request(verification_request=item, acting_user=request.user, text=payload.text,
                             request=request)
    touched(request, item)
    item = _request(request, request_id)
    response["ETag"] = request_etag(item)
    return Status(201, request_out(item))


@router.post("/verification/requests/{request_id}/close", response={200: RequestOut, WRITE_ERRORS: Error},
             summary="Close a request; the requested agency stops taking part")
def request_close(request, request_id: Id, response: HttpResponse, if_match: str | None = IF_MATCH):
    item = _request(request, request_id, "case.edit")
    check_if_match(if_match, request_etag(item))
    actions.close_request(verification_request=item, acting_user=request.user, request=request)
    touched(request, item)
    item = _request(request, request_id)
    response["ETag"] = request_etag(item)
    return request_out(item)


def _ground(ground_id: int) -> IdentificationGround:
    ground = IdentificationGround.objects.select_related("regime").filter(pk=ground_id).first()
    if ground is None:
        raise Http404
    return ground


@router.put("/cases/{code}/verification/grounds/{ground_id}", response={200: GroundOut, WRITE_ERRORS: Error},
            summary="Tick a ground of the evidence checklist, with its source")
def ground_tick(request, code: CaseCode, ground_id: Id, payload: TickIn):
    case, _permissions = case_of(request, code, "case.edit", section="verification")
    ground = _ground(ground_id)
    item = actions.tick_ground(case=case, acting_user=request.user, ground=ground, source=payload.source,
                               request=request)
    touched(request, case)
    return {"id": ground.pk, "code": ground.code, "group": ground.group, "text": in_language(ground, "text"),
            "ticked": True, "source": item.source, "ticked_at": item.ticked_at}


@router.delete("/cases/{code}/verification/grounds/{ground_id}", response={204: None, WRITE_ERRORS: Error},
               summary="Untick a ground")
def ground_untick(request, code: CaseCode, ground_id: Id):
    case, _permissions = case_of(request, code, "case.edit", section="verification")
    actions.untick_ground(case=case, acting_user=request.user, ground=_ground(ground_id), request=request)
    touched(request, case)
    return Status(204, None)
