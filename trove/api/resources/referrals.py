"""Referrals and follow-up visits (``trove.referrals``): the referrals sent and received with the inbox's filters, one
referral with what its page shows to each side, sending, accepting, declining, recording a service, closing and
revoking; the follow-up visits due or overdue and recording a visit.

A receiving agency sees a referral's case only while the referral is open, and only the sections the sender shared
(``sections``); what the person needs is shown to both sides (and audited); who consented, the reasons and the
feedback come only with ``reveal=true`` to a caller who may see identity."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from trove.agencies.models import Agency
from trove.api.auditing import reveal, touched
from trove.api.errors import ERRORS, WRITE_ERRORS
from trove.api.lookups import case_of, chosen
from trove.api.pagination import page_of, paginate
from trove.api.schemas import AgencyRef, CaseCode, Choice, Day, Error, Id, Listing, Page, PageSize, Text, agency_ref
from trove.cases.lifecycle import owner_side
from trove.cases.models import Case
from trove.cases.sections import SECTIONS
from trove.core import policy
from trove.referrals import actions, selectors
from trove.referrals.models import (
    ConsentBasis,
    Contact,
    FamilyRelations,
    FollowUpVisit,
    Health,
    LivingSituation,
    Referral,
    ReferralStatus,
    RiskSign,
    Schooling,
    ServiceKind,
    Stigma,
    VisitStatus,
    WorkIncome,
)

router = Router(tags=["referrals"])
REVEAL = Query(False, alias="reveal", description="Include who consented, the reasons, the feedback and the services "
                                                 "given, for a caller who may see identity (audited).")


BOX = Query(None, description="received (the default for an agency that receives referrals) or sent.")
VISIT_SCOPE = Query(None, description="mine, agency or scope (a supervisor's default).")
VISIT_REVEAL = Query(False, alias="reveal", description="Include the visit's notes, for a caller who may see identity "
                                                        "(audited).")


class ReferralServiceOut(Schema):
    given_on: datetime.date
    agency: AgencyRef | None
    description: str | None = Field(None, description="Only with reveal=true.")


class ReferralOut(Schema):
    id: int
    case: str | None = Field(description="Null once the caller no longer sees the case (a receiver after closing).")
    service_kind: Choice(ServiceKind)
    from_agency: AgencyRef
    to_agency: AgencyRef | None
    provider_name: str
    referred_on: datetime.date
    status: Choice(ReferralStatus)
    sections: list[str] = Field(description="The parts of the case the receiving agency sees while it is open.")
    sent_at: datetime.datetime
    answered_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    url: str


class ReferralList(Listing):
    results: list[ReferralOut]


class ReferralDetail(ReferralOut):
    sending: bool = Field(description="The caller acts for the referring side.")
    receiving: bool = Field(description="The caller acts for the receiving side.")
    consent_basis: str
    consent_on: datetime.date | None
    needs: str | None = Field(None, description="For either side, or a caller who may see identity (audited).")
    consent_by: str | None = Field(None, description="Only with reveal=true.")
    exception_reason: str | None = None
    decline_reason: str | None = None
    feedback: str | None = None
    revoke_reason: str | None = None
    services: list[ReferralServiceOut]


class ReferralIn(Schema):
    service_kind: Choice(ServiceKind)
    to_agency: Id | None = Field(None, description="An agency of the directory; or give provider_name.")
    provider_name: Text(200) = ""
    referred_on: Day
    sections: list[Choice(list(SECTIONS))] = Field([], max_length=len(SECTIONS))
    needs: Text(4000)
    consent_basis: Id | None = None
    consent_by: Text(200) = ""
    consent_on: Day | None = None
    exception_reason: Text(2000) = ""


class ReferralReasonIn(Schema):
    reason: Text(2000) = ""


class ReferralFeedbackIn(Schema):
    feedback: Text(4000) = ""


class ReferralServiceIn(Schema):
    given_on: Day
    description: Text(2000)


class VisitOut(Schema):
    id: int
    case: str
    number: int
    months: int
    due_on: datetime.date
    due_by: datetime.date
    overdue: bool
    status: Choice(VisitStatus)
    visited_on: datetime.date | None
    risk_alert: bool
    contact: str
    living_situation: str
    health: str
    schooling: str
    work_income: str
    family_relations: str
    stigma: str
    risk_signs: list[str]
    notes: str | None = Field(None, description="Only with reveal=true.")


class VisitList(Listing):
    results: list[VisitOut]


class VisitIn(Schema):
    visited_on: Day
    contact: Choice(Contact)
    living_situation: Choice(LivingSituation) = LivingSituation.UNKNOWN
    health: Choice(Health) = Health.UNKNOWN
    schooling: Choice(Schooling) = Schooling.UNKNOWN
    work_income: Choice(WorkIncome) = WorkIncome.UNKNOWN
    family_relations: Choice(FamilyRelations) = FamilyRelations.UNKNOWN
    stigma: Choice(Stigma) = Stigma.UNKNOWN
    risk_signs: list[Choice(RiskSign)] = Field([], max_length=len(RiskSign.values))
    notes: Text(4000) = ""


def referral_out(referral: Referral) -> dict:
    return {
        "id": referral.pk, "case": referral.case.code, "service_kind": referral.service_kind,
        "from_agency": agency_ref(referral.from_agency), "to_agency": agency_ref(referral.to_agency),
        "provider_name": referral.provider_name, "referred_on": referral.referred_on, "status": referral.status,
        "sections": list(referral.sections or []), "sent_at": referral.sent_at, "answered_at": referral.answered_at,
        "ended_at": referral.ended_at, "url": f"/api/v1/referrals/{referral.pk}",
    }


def _sides(user, referral: Referral) -> tuple[bool, bool]:
    """As the referral page: the sending side answers for a provider outside the system."""
    sending = owner_side(user, referral.case, "referral.send") is not None
    if referral.off_system:
        return sending, sending
    receiving = any(m.agency_id == referral.to_agency_id for m in policy.memberships_with(user, "referral.receive"))
    return sending, receiving


def _detail(request, referral_id: int, wanted: bool = False) -> dict:
    referral, permissions, _shown = selectors.referral_for_user(request.user, referral_id)
    sending, receiving = _sides(request.user, referral)
    revealed = wanted and "case.view_identity" in permissions and reveal(request, referral.case)
    show_needs = revealed or sending or receiving
    if show_needs:
        touched(request, referral)
    services = list(referral.services.select_related("by_agency"))
    return {
        **referral_out(referral), "sending": sending, "receiving": receiving,
        "consent_basis": str(referral.consent_basis), "consent_on": referral.consent_on,
        "needs": referral.needs if show_needs else None,
        **{name: getattr(referral, name) if revealed else None
           for name in ("consent_by", "exception_reason", "decline_reason", "feedback", "revoke_reason")},
        "services": [{"given_on": s.given_on, "agency": agency_ref(s.by_agency),
                      "description": s.description if revealed else None} for s in services],
    }


@router.get("/referrals", response={200: ReferralList, ERRORS: Error}, summary="Referrals received or sent")
def referral_list(request, box: Choice(["received", "sent"]) | None = BOX,
                  state: Choice(["open", "ended"]) = "open", scope: Choice(["agency", "scope"]) = "agency",
                  page: Page = 1, page_size: PageSize = 50):
    """Like the referral inbox: received ones are open referrals to the caller's agencies; sent ones are those of the
    cases the caller's agencies own (with scope=scope, every one in a supervisor's scope), open or ended."""
    user = request.user
    can_receive = policy.has_permission(user, "referral.receive")
    can_send = policy.has_permission(user, "referral.send")
    box = box or ("received" if can_receive else "sent")
    if (box == "received" and not can_receive) or (box == "sent" and not can_send):
        raise PermissionDenied
    if box == "received":
        rows, more = selectors.received_referral_page(user, page, page_size)
        found = page_of(request, rows, page, more=more)
    else:
        referrals = selectors.sent_referrals(user, ended=state == "ended",
                                             whole_scope=scope == "scope"
                                             and policy.has_permission(user, "scope.supervise"))
        found = paginate(request, referrals, page, page_size)
    return found.frame([referral_out(referral) for referral in found.rows])


@router.get("/referrals/{referral_id}", response={200: ReferralDetail, ERRORS: Error}, summary="One referral")
def referral_detail(request, referral_id: Id, reveal_text: bool = REVEAL):
    return _detail(request, referral_id, reveal_text)


@router.post("/cases/{code}/referrals", response={201: ReferralDetail, WRITE_ERRORS: Error},
             summary="Refer the person to an agency or a provider outside the system")
def referral_send(request, code: CaseCode, payload: ReferralIn):
    case, _permissions = case_of(request, code, "referral.send")
    if owner_side(request.user, case, "referral.send") is None:
        raise PermissionDenied
    referral = actions.referral_send(
        acting_user=request.user, case=case, service_kind=payload.service_kind, referred_on=payload.referred_on,
        needs=payload.needs, sections=list(payload.sections),
        consent_basis=chosen(ConsentBasis.objects.all(), payload.consent_basis),
        to_agency=chosen(Agency.objects.all(), payload.to_agency), provider_name=payload.provider_name,
        consent_by=payload.consent_by, consent_on=payload.consent_on, exception_reason=payload.exception_reason,
        request=request)
    touched(request, referral)
    return Status(201, _detail(request, referral.pk))


def _act(request, referral_id: int, side: str) -> Referral:
    """The referral through its case (404), and the permission of the side that acts (403), as the page does."""
    referral, permissions, _shown = selectors.referral_for_user(request.user, referral_id)
    needed = "referral.send" if side == "sender" or referral.off_system else "referral.receive"
    if needed not in permissions:
        raise PermissionDenied
    touched(request, referral)
    return referral


def _after(request, referral: Referral) -> dict:
    """The referral after the change; a receiver who no longer sees the case gets the summary only."""
    if policy.can(request.user, Case.access_view_permission, Case.objects.get(pk=referral.case_id)):
        return _detail(request, referral.pk)
    referral.refresh_from_db()
    return {**referral_out(referral), "case": None, "sending": False, "receiving": True,
            "consent_basis": str(referral.consent_basis), "consent_on": referral.consent_on, "services": []}


@router.post("/referrals/{referral_id}/accept", response={200: ReferralDetail, WRITE_ERRORS: Error},
             summary="Accept a referral (the receiving agency)")
def referral_accept(request, referral_id: Id):
    referral = _act(request, referral_id, "receiver")
    actions.referral_accept(acting_user=request.user, referral=referral, request=request)
    return _after(request, referral)


@router.post("/referrals/{referral_id}/decline", response={200: ReferralDetail, WRITE_ERRORS: Error},
             summary="Decline a referral, with the reason (the receiving agency)")
def referral_decline(request, referral_id: Id, payload: ReferralReasonIn):
    referral = _act(request, referral_id, "receiver")
    actions.referral_decline(acting_user=request.user, referral=referral, reason_text=payload.reason,
                             request=request)
    return _after(request, referral)


@router.post("/referrals/{referral_id}/services", response={200: ReferralDetail, WRITE_ERRORS: Error},
             summary="Record a service given under an accepted referral (the receiving agency)")
def referral_service(request, referral_id: Id, payload: ReferralServiceIn):
    referral = _act(request, referral_id, "receiver")
    actions.referral_record_service(acting_user=request.user, referral=referral, given_on=payload.given_on,
                                    description=payload.description, request=request)
    return _after(request, referral)


@router.post("/referrals/{referral_id}/close", response={200: ReferralDetail, WRITE_ERRORS: Error},
             summary="Close a referral with feedback (the receiving agency)")
def referral_close(request, referral_id: Id, payload: ReferralFeedbackIn):
    referral = _act(request, referral_id, "receiver")
    actions.referral_close(acting_user=request.user, referral=referral, feedback=payload.feedback, request=request)
    return _after(request, referral)


@router.post("/referrals/{referral_id}/revoke", response={200: ReferralDetail, WRITE_ERRORS: Error},
             summary="Revoke a referral, with the reason (the referring agency)")
def referral_revoke(request, referral_id: Id, payload: ReferralReasonIn):
    referral = _act(request, referral_id, "sender")
    actions.referral_revoke(acting_user=request.user, referral=referral, reason_text=payload.reason,
                            request=request)
    return _after(request, referral)


# ---------------------------------------------------------------------------------------------------------------
# Follow-up visits


def visit_out(visit: FollowUpVisit, *, revealed: bool = False, today=None) -> dict:
    return {
        "id": visit.pk, "case": visit.case.code, "number": visit.number, "months": visit.months,
        "due_on": visit.due_on, "due_by": visit.due_by, "overdue": visit.is_overdue(today), "status": visit.status,
        "visited_on": visit.visited_on, "risk_alert": visit.risk_alert, "contact": visit.contact,
        "living_situation": visit.living_situation, "health": visit.health, "schooling": visit.schooling,
        "work_income": visit.work_income, "family_relations": visit.family_relations, "stigma": visit.stigma,
        "risk_signs": list(visit.risk_signs or []), "notes": visit.notes if revealed else None,
    }


@router.get("/followup/visits", response={200: VisitList, ERRORS: Error},
            summary="Follow-up visits overdue or due soon, the most overdue first")
def visit_list(request, scope: Choice(selectors.SCOPES) | None = VISIT_SCOPE, overdue: bool = False, page: Page = 1,
               page_size: PageSize = 50):
    """Like the follow-up page: planned visits overdue or due within 30 days of the open cases the caller works on."""
    if not policy.has_permission(request.user, "case.edit"):
        raise PermissionDenied
    scope = scope or ("scope" if policy.has_permission(request.user, "scope.supervise") else "agency")
    today = timezone.localdate()
    visits = selectors.visits_due(request.user, scope, today)
    if overdue:
        visits = visits.filter(due_by__lt=today)
    found = paginate(request, visits, page, page_size)
    return found.frame([visit_out(visit, today=today) for visit in found.rows])


def _visit(request, visit_id: int, wanted: bool = False) -> dict:
    visit, permissions = selectors.visit_for_user(request.user, visit_id)
    revealed = wanted and "case.view_identity" in permissions and reveal(request, visit.case)
    return visit_out(visit, revealed=revealed)


@router.get("/followup/visits/{visit_id}", response={200: VisitOut, ERRORS: Error}, summary="One follow-up visit")
def visit_detail(request, visit_id: Id, reveal_text: bool = VISIT_REVEAL):
    return _visit(request, visit_id, reveal_text)


@router.post("/followup/visits/{visit_id}", response={200: VisitOut, WRITE_ERRORS: Error},
             summary="Record a planned visit; signs of risk alert the caseworker")
def visit_record(request, visit_id: Id, payload: VisitIn):
    visit, permissions = selectors.visit_for_user(request.user, visit_id)
    if "case.edit" not in permissions:
        raise PermissionDenied
    answers = actions.VisitAnswers(
        contact=payload.contact, living_situation=payload.living_situation, health=payload.health,
        schooling=payload.schooling, work_income=payload.work_income, family_relations=payload.family_relations,
        stigma=payload.stigma, risk_signs=list(payload.risk_signs), notes=payload.notes)
    actions.followup_visit_record(acting_user=request.user, visit=visit, visited_on=payload.visited_on,
                                  answers=answers, request=request)
    touched(request, visit)
    return _visit(request, visit_id)
