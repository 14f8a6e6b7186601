"""Read-side questions of the verification: everything the case's verification page shows, and the open steps and
requests a user must watch (the deadlines page). Every queryset starts from ``policy.visible``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import F, Prefetch

from trove.cases.models import Case, Intake
from trove.core import policy
from trove.rules.models import IdentificationGround, Regime
from trove.rules.selectors import grounds_for, regime_for
from trove.verification.models import (
    EvidenceItem,
    IdentificationDecision,
    RequestReply,
    RequestStatus,
    StepStatus,
    VerificationRequest,
    VerificationStep,
)

DEADLINE_ROWS = 50  # per page: the earliest deadlines first, the rest on the next pages


@dataclass
class GroundRow:
    ground: IdentificationGround
    item: EvidenceItem | None


@dataclass
class CaseVerification:
    regime: Regime | None
    steps: list[VerificationStep]
    requests: list[VerificationRequest]
    grounds: list[GroundRow]
    decisions: list[IdentificationDecision]
    ticked: int = 0
    pending_decision: IdentificationDecision | None = None
    approved_decision: IdentificationDecision | None = None
    groups: list = field(default_factory=list)


def case_verification(case: Case) -> CaseVerification:
    # The intake is usually read with the case (cases.selectors.case_for_user): not read again then.
    intake = getattr(case, "intake", None) if Case.intake.is_cached(case) else Intake.objects.filter(case=case).first()
    regime = regime_for(intake.received_at) if intake else None
    steps = list(case.verification_steps.select_related("rule", "done_by").order_by("order"))
    requests = list(
        case.verification_requests.select_related("from_agency", "to_agency", "sent_by")
        .prefetch_related(Prefetch("replies", RequestReply.objects.select_related("by", "by_agency", "attachment")))
        .order_by("sent_at", "pk")
    )
    items = {item.ground_id: item for item in case.evidence_items.select_related("ticked_by")}
    grounds = [GroundRow(ground, items.get(ground.pk)) for ground in grounds_for(regime)] if regime else []
    decisions = list(
        case.identification_decisions.select_related("decided_by", "approved_by").prefetch_related("grounds")
        .order_by("decided_at", "pk")
    )
    return CaseVerification(
        regime=regime, steps=steps, requests=requests, grounds=grounds, decisions=decisions, ticked=len(items),
        pending_decision=next((d for d in decisions if d.status == "proposed"), None),
        approved_decision=next((d for d in reversed(decisions) if d.status == "approved"), None),
    )


def case_summary(case: Case) -> dict:
    """What the case page's "Verification" section shows: counts and the next step, in one query (a case has the
    few steps of its procedure)."""
    steps = list(case.verification_steps.select_related("rule").order_by("order", "pk"))
    pending = [step for step in steps if step.status == StepStatus.PENDING]
    return {"steps_total": len(steps), "steps_open": len(pending), "next_step": pending[0] if pending else None}


SCOPES = ("agency", "scope")


def _cases_to_watch(user, scope: str) -> models.QuerySet[Case]:
    # Archived cases (retention) are read-only: nothing on them is due any more.
    cases = policy.visible(user, Case.objects.filter(archived_at__isnull=True), "case.edit")
    if scope == "agency":
        cases = cases.filter(owner_agency_id__in=policy.agencies_of(user, "case.edit"))
    return cases


def open_steps(user, scope: str = "scope") -> models.QuerySet[VerificationStep]:
    """Pending steps of the cases the user may edit, the earliest deadline first, unset limits last."""
    return (
        VerificationStep.objects.filter(status=StepStatus.PENDING, case__in=_cases_to_watch(user, scope).values("pk"))
        .select_related("case__owner_agency", "rule")
        .order_by(F("deadline").asc(nulls_last=True), "case__code", "order")
    )


def open_requests(user, scope: str = "scope") -> models.QuerySet[VerificationRequest]:
    """Requests not closed yet, on cases the user may edit (in "agency": only those sent by or to their agencies)."""
    requests = VerificationRequest.objects.exclude(status=RequestStatus.CLOSED).filter(
        case__in=policy.visible(user, Case.objects.filter(archived_at__isnull=True), "case.edit").values("pk"))
    if scope == "agency":
        agencies = policy.agencies_of(user, "case.edit")
        requests = requests.filter(models.Q(from_agency_id__in=agencies) | models.Q(to_agency_id__in=agencies)
                                   | models.Q(case__owner_agency_id__in=agencies))
    return requests.select_related("case", "from_agency", "to_agency").order_by("due_on", "case__code", "pk")
