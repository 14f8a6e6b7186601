"""Identification decisions: proposed by a member with ``case.decide``, approved or rejected by another with
``case.approve`` (four-eyes rule), all through ``trove.verification.actions``."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from ninja import Field, Header, Query, Router, Schema, Status

from trove.api.auditing import reveal, touched
from trove.api.errors import ERRORS, WRITE_ERRORS
from trove.api.lookups import case_of, child_of_case
from trove.api.schemas import CaseCode, Choice, Day, Error, Id, Text
from trove.api.versioning import IF_MATCH_DESCRIPTION, check_if_match, etag_of
from trove.core import policy
from trove.verification import actions
from trove.verification.models import DecisionStatus, IdentificationDecision, Outcome

router = Router(tags=["decisions"])
IF_MATCH = Header(None, alias="If-Match", description=IF_MATCH_DESCRIPTION)
REVEAL = Query(False, alias="reveal", description="Include the reasons, for a caller who may see identity (audited).")


class DecisionOut(Schema):
    id: int
    case: str
    outcome: Choice(Outcome)
    status: Choice(DecisionStatus)
    decision_date: datetime.date
    decided_at: datetime.datetime
    approved_at: datetime.datetime | None
    number: str
    grounds: list[str]
    reasons: str | None = Field(None, description="Only with reveal=true, for a caller who may see identity.")
    review_note: str | None = Field(None, description="Only with reveal=true.")


class DecisionIn(Schema):
    outcome: Choice(Outcome)
    decision_date: Day
    reasons: Text(4000)


class RejectIn(Schema):
    reason: Text(2000)


def decision_out(decision: IdentificationDecision, *, revealed: bool = False) -> dict:
    return {
        "id": decision.pk, "case": decision.case.code, "outcome": decision.outcome, "status": decision.status,
        "decision_date": decision.decision_date, "decided_at": decision.decided_at,
        "approved_at": decision.approved_at, "number": decision.number,
        "grounds": sorted(ground.code for ground in decision.grounds.all()),
        "reasons": decision.reasons if revealed else None, "review_note": decision.review_note if revealed else None,
    }


def decision_etag(decision: IdentificationDecision) -> str:
    return etag_of("decision", decision.pk, decision.status, decision.approved_at)


def _decision(request, decision_id: int, action: str = "case.view") -> IdentificationDecision:
    queryset = IdentificationDecision.objects.prefetch_related("grounds")
    return child_of_case(request, queryset, decision_id, action)


def _revealed(request, decision: IdentificationDecision, wanted: bool) -> bool:
    return wanted and policy.can(request.user, "case.view_identity", decision.case) and reveal(request,
                                                                                                 decision.case)


@router.get("/cases/{code}/decisions", response={200: list[DecisionOut], ERRORS: Error},
            summary="A case's identification decisions, oldest first")
def decision_list(request, code: CaseCode):
    case, _permissions = case_of(request, code, section="verification")
    decisions = case.identification_decisions.prefetch_related("grounds").order_by("decided_at", "pk")
    return [decision_out(decision) for decision in decisions]


@router.get("/decisions/{decision_id}", response={200: DecisionOut, ERRORS: Error}, summary="One decision")
def decision_detail(request, decision_id: Id, response: HttpResponse,
                    reveal_text: bool = REVEAL):
    decision = _decision(request, decision_id)
    response["ETag"] = decision_etag(decision)
    return decision_out(decision, revealed=_revealed(request, decision, reveal_text))


@router.post("/cases/{code}/decisions", response={201: DecisionOut, (400, 401, 403, 404, 422, 429): Error},
             summary="Propose a decision; it takes effect when another member approves it")
def decision_propose(request, code: CaseCode, payload: DecisionIn, response: HttpResponse):
    case, _permissions = case_of(request, code, "case.decide", section="verification")
    decision = actions.propose_decision(case=case, acting_user=request.user, outcome=payload.outcome,
                                        reasons=payload.reasons, decision_date=payload.decision_date,
                                        request=request)
    touched(request, decision)
    decision = _decision(request, decision.pk)
    response["Location"] = f"/api/v1/decisions/{decision.pk}"
    response["ETag"] = decision_etag(decision)
    return Status(201, decision_out(decision))


def _reviewed(request, decision_id: int, response: HttpResponse) -> dict:
    decision = _decision(request, decision_id)
    touched(request, decision)
    response["ETag"] = decision_etag(decision)
    return decision_out(decision)


@router.post("/decisions/{decision_id}/approve", response={200: DecisionOut, WRITE_ERRORS: Error},
             summary="Approve a proposed decision (another member than its author)")
def decision_approve(request, decision_id: Id, response: HttpResponse, if_match: str | None = IF_MATCH):
    decision = _decision(request, decision_id, "case.approve")
    check_if_match(if_match, decision_etag(decision))
    actions.approve_decision(decision=decision, acting_user=request.user, request=request)
    return _reviewed(request, decision_id, response)


@router.post("/decisions/{decision_id}/reject", response={200: DecisionOut, WRITE_ERRORS: Error},
             summary="Reject a proposed decision, with a reason")
def decision_reject(request, decision_id: Id, payload: RejectIn, response: HttpResponse,
                    if_match: str | None = IF_MATCH):
    decision = _decision(request, decision_id, "case.approve")
    check_if_match(if_match, decision_etag(decision))
    actions.reject_decision(decision=decision, acting_user=request.user, reason=payload.reason, request=request)
    return _reviewed(request, decision_id, response)
