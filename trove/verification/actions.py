"""Every change of a case's verification and identification (DESIGN §2 point 3).

Each action takes keyword-only arguments and the acting user, checks everything before it writes, runs in one
transaction, writes a timeline event (codes and step names only, never identity) and an audit entry. A refusal is a
``ValidationError`` (the user can put it right) or a ``PermissionDenied`` (they may not do this), with a message in the
user's language that names the rule.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.agencies.models import Agency
from trove.cases import lifecycle
from trove.cases.models import Case, CaseEvent, CaseStatus, Intake
from trove.core import audit, policy
from trove.core.actions import participation_end, participation_start
from trove.core.models.access import ParticipationReason
from trove.rules.models import IdentificationGround, NoRegimeInForce, Regime, in_language
from trove.rules.selectors import regime_for, steps_for
from trove.rules.workdays import VIETNAM, deadline_for
from trove.verification.models import (
    DecisionStatus,
    EvidenceItem,
    IdentificationDecision,
    Outcome,
    RequestKind,
    RequestReply,
    RequestStatus,
    StepStatus,
    VerificationRequest,
    VerificationStep,
)
from trove.verification.transitions import Via, allowed_from, check_transition, guard_errors

# Regimes whose law gives the person the status "being identified" from intake until the decision (Law 53/2024/QH15
# as amended, Art. 27; law.md, regime B). Under the others the case is simply being verified.
REGIMES_WITH_BEING_IDENTIFIED = frozenset({"B"})
MIN_REASON_LENGTH = 10

# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _permissions(user, case: Case) -> frozenset[str]:
    return policy.permissions_on(user, case)


def _require(user, case: Case, *actions: str) -> frozenset[str]:
    """Refuse unless the user holds one of ``actions`` on the case (the views have already answered 404/403)."""
    permissions, shown = policy.access_on(user, case)
    if not permissions & set(actions):
        raise PermissionDenied(_("Your role does not let you do this on case %(code)s.") % {"code": case.code})
    if shown is not None and "verification" not in shown:
        # An agency taking part through a referral that does not show the verification.
        raise PermissionDenied(_("Your agency takes part in case %(code)s without this part of it.")
                               % {"code": case.code})
    return permissions


def _acting_agency(user, case: Case, permission: str) -> Agency | None:
    """The agency the user acts for on this case: the owning agency if they are a member of it with ``permission``,
    otherwise the first of their agencies holding it."""
    memberships = policy.memberships_with(user, permission)
    for membership in memberships:
        if membership.agency_id == case.owner_agency_id:
            return membership.agency
    return memberships[0].agency if memberships else None


def _event(case: Case, user, agency, event_kind: str, /, **details) -> CaseEvent:
    return CaseEvent.objects.create(case=case, actor=user, agency=agency, kind=event_kind, details=details)


def _reason(text: str, *, what: str) -> str:
    text = (text or "").strip()
    if len(text) < MIN_REASON_LENGTH:
        raise ValidationError(
            _("Write the reason for %(what)s (at least %(count)d characters); it is kept with the case.")
            % {"what": what, "count": MIN_REASON_LENGTH}, code="reason",
        )
    return text


def _today() -> datetime.date:
    return timezone.localdate(timezone.now(), VIETNAM)


def case_regime(case: Case) -> Regime:
    """The regime in force on the case's intake date."""
    intake = Intake.objects.get(case=case)
    try:
        return regime_for(intake.received_at)
    except NoRegimeInForce as error:
        raise ValidationError(str(error), code="no_regime") from error


def verification_status(regime: Regime) -> str:
    """The status a case has while it is verified under ``regime``."""
    return CaseStatus.BEING_IDENTIFIED if regime.code in REGIMES_WITH_BEING_IDENTIFIED else CaseStatus.VERIFYING


def _move(case: Case, user, agency, target: str, via: str, *, reason: str = "", closed_reason: str = "",
          request=None) -> None:
    """Change the case's status after ``check_transition`` allowed it; the caller holds the transaction."""
    source = case.status
    check_transition(source, target, via, case=case)
    case.status = target
    case.closed_reason = closed_reason if target == CaseStatus.CLOSED else ""
    # A status change is an edit of the case: it moves the optimistic lock (trove.core.versioning), so a form opened
    # before it (closing, say) is refused as stale rather than applied over it.
    case.version = F("version") + 1
    case.save(update_fields=["status", "closed_reason", "version"])
    case.refresh_from_db(fields=["version"])
    _event(case, user, agency, "case.status_changed", source=source, target=target, via=via,
           closed_reason=case.closed_reason)
    audit.record("case.status", actor=user, request=request, agency=agency, obj=case,
                 changes={"status": [source, target]}, reason=reason)


# ---------------------------------------------------------------------------------------------------------------
# Opening the verification


def open_verification(*, case: Case, acting_user, request=None) -> list[VerificationStep]:
    """Create the steps that the regime in force on the intake date prescribes for the intake channel, with their
    deadlines counted from the moment of intake, and move the case into verification."""
    _require(acting_user, case, "case.create", "case.edit")
    intake = Intake.objects.get(case=case)
    regime = case_regime(case)
    received_on = timezone.localdate(intake.received_at, VIETNAM)
    rules = list(steps_for(regime, intake.channel, day=received_on))
    if not rules:
        raise ValidationError(
            _("Regime %(regime)s has no procedure steps for this intake channel; an administrator must add them.")
            % {"regime": regime.code}, code="no_steps",
        )
    agency = _acting_agency(acting_user, case, "case.create") or _acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        if VerificationStep.objects.filter(case=case).exists():
            raise ValidationError(_("The verification of this case is already open."), code="already_open")
        steps = VerificationStep.objects.bulk_create([
            VerificationStep(case=case, rule=rule, regime_code=regime.code, order=rule.order,
                             started_at=intake.received_at, deadline=deadline_for(rule, intake.received_at))
            for rule in rules
        ])
        _event(case, acting_user, agency, "verification.opened", regime=regime.code, steps=len(steps))
        audit.record("verification.open", actor=acting_user, request=request, agency=agency, obj=case,
                     changes={"regime": [None, regime.code], "steps": [None, len(steps)]})
        _move(case, acting_user, agency, verification_status(regime), Via.INTAKE, request=request)
    return steps


# ---------------------------------------------------------------------------------------------------------------
# Steps


def _check_in_order(step: VerificationStep) -> None:
    earlier = (
        VerificationStep.objects.filter(case_id=step.case_id, order__lt=step.order, status=StepStatus.PENDING)
        .select_related("rule").order_by("order").first()
    )
    if earlier is not None:
        raise ValidationError(
            _("Step %(order)d “%(name)s” comes first: complete it, or skip it with a reason, before this one. "
              "Skipping a step is not allowed (%(citation)s).")
            % {"order": earlier.order, "name": in_language(earlier.rule, "name"), "citation": earlier.rule.citation},
            code="out_of_order",
        )


def _close_step(*, step: VerificationStep, acting_user, status: str, note: str, request=None) -> VerificationStep:
    case = step.case
    _require(acting_user, case, "case.edit")
    agency = _acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        step = VerificationStep.objects.select_for_update().select_related("rule", "case").get(pk=step.pk)
        if step.status != StepStatus.PENDING:
            raise ValidationError(_("This step is already %(status)s.") % {"status": step.get_status_display()},
                                  code="closed_step")
        _check_in_order(step)
        step.status, step.done_at, step.done_by, step.note = status, timezone.now(), acting_user, note
        step.save(update_fields=["status", "done_at", "done_by", "note"])
        kind = "verification.step_done" if status == StepStatus.DONE else "verification.step_skipped"
        _event(step.case, acting_user, agency, kind, step=step.rule.code, order=step.order,
               name_vi=step.rule.name_vi, name_en=step.rule.name_en)
        audit.record(kind, actor=acting_user, request=request, agency=agency, obj=step,
                     changes={"status": [StepStatus.PENDING, status]})
    return step


def complete_step(*, step: VerificationStep, acting_user, note: str = "", request=None) -> VerificationStep:
    return _close_step(step=step, acting_user=acting_user, status=StepStatus.DONE, note=(note or "").strip(),
                       request=request)


def skip_step(*, step: VerificationStep, acting_user, reason: str, request=None) -> VerificationStep:
    """Mark a step as not needed for this case; the law's steps are skipped only with a written reason."""
    reason = _reason(reason, what=_("skipping a step"))
    return _close_step(step=step, acting_user=acting_user, status=StepStatus.SKIPPED, note=reason, request=request)


# ---------------------------------------------------------------------------------------------------------------
# Requests to other agencies


def send_request(*, case: Case, acting_user, to_agency: Agency, kind: str, due_on: datetime.date,
                 request=None) -> VerificationRequest:
    """Ask ``to_agency`` to verify something; it takes part in the case (and sees it) until the request is closed."""
    _require(acting_user, case, "case.edit")
    from_agency = _acting_agency(acting_user, case, "case.edit")
    errors: dict[str, list[str]] = {}
    if kind not in RequestKind.values:
        errors.setdefault("kind", []).append(_("Choose what you ask for from the list."))
    if to_agency is None or not to_agency.is_valid_on(_today()):
        errors.setdefault("to_agency", []).append(_("Choose an agency that exists today."))
    elif to_agency.pk in (case.owner_agency_id, getattr(from_agency, "pk", None)):
        errors.setdefault("to_agency", []).append(
            _("The request must go to another agency than the one that owns or asks."))
    if due_on is None or due_on < _today():
        errors.setdefault("due_on", []).append(_("The answer cannot be due before today."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        participation = participation_start(acting_user=acting_user, obj=case, agency=to_agency,
                                            reason=ParticipationReason.VERIFICATION_REQUEST, request=request)
        verification_request = VerificationRequest.objects.create(
            case=case, from_agency=from_agency, to_agency=to_agency, kind=kind, sent_by=acting_user, due_on=due_on,
            participation=participation,
        )
        _event(case, acting_user, from_agency, "verification.request_sent", request=verification_request.pk,
               to_agency=to_agency.name, kind=kind, due_on=due_on.isoformat())
        audit.record("verification.request_send", actor=acting_user, request=request, agency=from_agency,
                     obj=verification_request,
                     changes={"to_agency": [None, to_agency.pk], "kind": [None, kind], "due_on": [None, due_on]})
    return verification_request


def check_may_reply(acting_user, verification_request: VerificationRequest) -> list:
    """The memberships through which the user may answer the request: members of the requested agency who may edit
    or decide on cases. Raises PermissionDenied for anyone else (views ask before reading the form)."""
    repliers = [
        m for m in policy.memberships_with(acting_user, "case.edit") + policy.memberships_with(acting_user,
                                                                                              "case.decide")
        if m.agency_id == verification_request.to_agency_id
    ]
    if not repliers:
        raise PermissionDenied(_("Only members of %(agency)s who may edit or decide on cases can answer this request.")
                               % {"agency": verification_request.to_agency.name})
    return repliers


def reply_to_request(*, verification_request: VerificationRequest, acting_user, text: str, attachment=None,
                     request=None) -> RequestReply:
    """The requested agency answers; only its members who may edit or decide on cases may."""
    case = verification_request.case
    repliers = check_may_reply(acting_user, verification_request)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the answer.")]})
    if attachment is not None and attachment.case_id != case.pk:
        raise ValidationError({"attachment": [_("The file must be attached to the same case.")]})
    agency = repliers[0].agency
    with transaction.atomic():
        locked = VerificationRequest.objects.select_for_update().get(pk=verification_request.pk)
        if locked.status == RequestStatus.CLOSED:
            raise ValidationError(
                _("This request was closed on %(day)s: a closed request takes no more answers. Ask the requesting "
                  "agency to send a new request.")
                % {"day": timezone.localdate(locked.closed_at).strftime("%d/%m/%Y")}, code="closed_request",
            )
        reply = RequestReply.objects.create(request=locked, by=acting_user, by_agency=agency, text=text,
                                            attachment=attachment)
        locked.status = RequestStatus.ANSWERED
        locked.save(update_fields=["status"])
        verification_request.status = locked.status
        _event(case, acting_user, agency, "verification.request_answered", request=locked.pk)
        audit.record("verification.request_answer", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"status": [RequestStatus.OPEN, RequestStatus.ANSWERED]})
    return reply


def close_request(*, verification_request: VerificationRequest, acting_user, request=None) -> VerificationRequest:
    """The requesting side closes the request; the requested agency stops taking part in the case."""
    case = verification_request.case
    _require(acting_user, case, "case.edit")
    allowed = {verification_request.from_agency_id, case.owner_agency_id}
    members = [m for m in policy.memberships_with(acting_user, "case.edit") if m.agency_id in allowed]
    if not members:
        raise PermissionDenied(_("Only the agency that sent the request, or the case's owner, can close it."))
    agency = members[0].agency
    with transaction.atomic():
        locked = VerificationRequest.objects.select_for_update().get(pk=verification_request.pk)
        if locked.status == RequestStatus.CLOSED:
            raise ValidationError(_("This request is already closed."), code="closed_request")
        source = locked.status
        locked.status, locked.closed_at = RequestStatus.CLOSED, timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        if locked.participation_id:
            participation_end(acting_user=acting_user, participation=locked.participation, request=request)
        _event(case, acting_user, agency, "verification.request_closed", request=locked.pk,
               to_agency=locked.to_agency.name)
        audit.record("verification.request_close", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"status": [source, RequestStatus.CLOSED]})
    verification_request.status, verification_request.closed_at = locked.status, locked.closed_at
    return locked


# ---------------------------------------------------------------------------------------------------------------
# Evidence checklist


def tick_ground(*, case: Case, acting_user, ground: IdentificationGround, source: str,
                request=None) -> EvidenceItem:
    _require(acting_user, case, "case.edit")
    regime = case_regime(case)
    if ground.regime_id != regime.pk:
        raise ValidationError(
            _("This ground belongs to regime %(ground)s; the case follows regime %(case)s, the law in force on its "
              "intake date.") % {"ground": ground.regime.code, "case": regime.code}, code="other_regime",
        )
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": [_("Say where the evidence comes from (a document, a body, a statement).")]})
    agency = _acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        if EvidenceItem.objects.filter(case=case, ground=ground).exists():
            raise ValidationError(_("This ground is already ticked."), code="ticked")
        item = EvidenceItem.objects.create(case=case, ground=ground, source=source[:300], ticked_by=acting_user)
        _event(case, acting_user, agency, "verification.ground_ticked", ground=ground.code)
        audit.record("verification.ground_tick", actor=acting_user, request=request, agency=agency, obj=case,
                     changes={"ground": [None, ground.code], "source": [None, item.source]})
    return item


def untick_ground(*, case: Case, acting_user, ground: IdentificationGround, request=None) -> None:
    _require(acting_user, case, "case.edit")
    agency = _acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        deleted, _rows = EvidenceItem.objects.filter(case=case, ground=ground).delete()
        if not deleted:
            raise ValidationError(_("This ground is not ticked."), code="not_ticked")
        _event(case, acting_user, agency, "verification.ground_unticked", ground=ground.code)
        audit.record("verification.ground_untick", actor=acting_user, request=request, agency=agency, obj=case,
                     changes={"ground": [ground.code, None]})


# ---------------------------------------------------------------------------------------------------------------
# The decision

DECIDING_STATUSES = (CaseStatus.RECEIVED, CaseStatus.VERIFYING, CaseStatus.BEING_IDENTIFIED)
_OUTCOME_STATUS = {Outcome.VICTIM: CaseStatus.IDENTIFIED_VICTIM, Outcome.NOT_VICTIM: CaseStatus.NOT_VICTIM}


def propose_decision(*, case: Case, acting_user, outcome: str, reasons: str, decision_date: datetime.date,
                     request=None) -> IdentificationDecision:
    """Record the decision of a member with ``case.decide``; it takes effect when another member approves it."""
    _require(acting_user, case, "case.decide")
    intake = Intake.objects.get(case=case)
    received_on = timezone.localdate(intake.received_at, VIETNAM)
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors.setdefault("outcome", []).append(_("Choose the outcome from the list."))
    if not (reasons or "").strip():
        errors.setdefault("reasons", []).append(_("Write the reasons for the decision."))
    if decision_date is None:
        errors.setdefault("decision_date", []).append(_("Give the date of the decision."))
    elif decision_date < received_on:
        errors.setdefault("decision_date", []).append(
            _("The decision cannot be dated before the person was received (%(day)s).")
            % {"day": received_on.strftime("%d/%m/%Y")})
    elif decision_date > _today():
        errors.setdefault("decision_date", []).append(_("The decision cannot be dated in the future."))
    grounds = list(IdentificationGround.objects.filter(pk__in=EvidenceItem.objects.filter(case=case)
                                                       .values("ground_id")))
    if outcome in (Outcome.VICTIM, Outcome.NOT_VICTIM) and not grounds:
        errors.setdefault("outcome", []).append(
            _("Tick at least one ground of the evidence checklist, with its source, before deciding whether the "
              "person is a victim (Law 53/2024, Art. 32; Decree 62/2012 under regime A)."))
    if case.status not in DECIDING_STATUSES:
        errors.setdefault("outcome", []).append(
            _("The case is “%(status)s”: reopen it, with a reason, before a new decision.")
            % {"status": case.get_status_display()})
    elif outcome in _OUTCOME_STATUS:
        # The conditions of the move the decision would make (a child's case: the child-protection rule).
        for transition in allowed_from(case.status, Via.DECISION):
            if transition.target == _OUTCOME_STATUS[outcome] and (refusals := guard_errors(transition, case)):
                errors.setdefault("outcome", []).extend(refusals)
    if errors:
        raise ValidationError(errors)
    agency = _acting_agency(acting_user, case, "case.decide")
    with transaction.atomic():
        if IdentificationDecision.objects.filter(case=case, status=DecisionStatus.PROPOSED).exists():
            raise ValidationError(_("A decision on this case is already waiting for approval."), code="pending")
        decision = IdentificationDecision.objects.create(
            case=case, outcome=outcome, decided_by=acting_user, decision_date=decision_date, reasons=reasons.strip(),
        )
        decision.grounds.set(grounds)
        _event(case, acting_user, agency, "identification.proposed", decision=decision.pk, outcome=outcome)
        audit.record("identification.propose", actor=acting_user, request=request, agency=agency, obj=decision,
                     changes={"outcome": [None, outcome], "decision_date": [None, decision_date],
                              "grounds": [None, sorted(g.code for g in grounds)]})
    return decision


def _review(decision: IdentificationDecision, acting_user) -> tuple[IdentificationDecision, Agency | None]:
    case = decision.case
    _require(acting_user, case, "case.approve")
    if decision.decided_by_id == acting_user.pk:
        raise ValidationError(_("You proposed this decision: another member with the right to approve must review "
                                "it (four-eyes rule)."), code="own_decision")
    locked = IdentificationDecision.objects.select_for_update().select_related("case").get(pk=decision.pk)
    if locked.status != DecisionStatus.PROPOSED:
        raise ValidationError(_("This decision is already %(status)s.") % {"status": locked.get_status_display()},
                              code="reviewed")
    return locked, _acting_agency(acting_user, case, "case.approve")


def approve_decision(*, decision: IdentificationDecision, acting_user, request=None) -> IdentificationDecision:
    """Approve a proposed decision; a victim or not-a-victim outcome changes the case's status."""
    with transaction.atomic():
        locked, agency = _review(decision, acting_user)
        case = Case.objects.select_for_update().get(pk=locked.case_id)
        target = _OUTCOME_STATUS.get(locked.outcome)
        if target is not None:
            check_transition(case.status, target, Via.DECISION, case=case)
        approved = IdentificationDecision.objects.filter(case=case, status=DecisionStatus.APPROVED).count()
        locked.status, locked.approved_by, locked.approved_at = DecisionStatus.APPROVED, acting_user, timezone.now()
        locked.number = f"{approved + 1:02d}/{case.code}/QĐ-XĐNN"
        locked.save(update_fields=["status", "approved_by", "approved_at", "number"])
        _event(case, acting_user, agency, "identification.approved", decision=locked.pk, outcome=locked.outcome,
               number=locked.number)
        audit.record("identification.approve", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"status": [DecisionStatus.PROPOSED, DecisionStatus.APPROVED]})
        if target is not None:
            _move(case, acting_user, agency, target, Via.DECISION, request=request)
    decision.case.status = case.status
    return locked


def reject_decision(*, decision: IdentificationDecision, acting_user, reason: str,
                    request=None) -> IdentificationDecision:
    reason = _reason(reason, what=_("rejecting the decision"))
    with transaction.atomic():
        locked, agency = _review(decision, acting_user)
        locked.status, locked.approved_by, locked.approved_at = DecisionStatus.REJECTED, acting_user, timezone.now()
        locked.review_note = reason
        locked.save(update_fields=["status", "approved_by", "approved_at", "review_note"])
        _event(locked.case, acting_user, agency, "identification.rejected", decision=locked.pk,
               outcome=locked.outcome)
        audit.record("identification.reject", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"status": [DecisionStatus.PROPOSED, DecisionStatus.REJECTED]})
    return locked


# ---------------------------------------------------------------------------------------------------------------
# Later status changes


def change_status(*, case: Case, acting_user, to: str, reason: str = "", request=None) -> Case:
    """Move a case on after the decision (supporting, reintegrating) or close it; closing needs one of the reasons
    of ``ClosingReason``. Identification itself happens only through an approved decision."""
    _require(acting_user, case, "case.edit")
    if to not in CaseStatus.values:
        raise ValidationError(_("Choose the new status from the list."), code="status")
    if to == CaseStatus.CLOSED:
        # One way to close a case, with its checks (open referrals, a waiting transfer) and ``case.close``.
        return lifecycle.case_close(acting_user=acting_user, case=case, reason=reason, request=request)
    agency = _acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        _move(locked, acting_user, agency, to, Via.MANUAL, reason=reason, request=request)
    case.status, case.closed_reason = locked.status, locked.closed_reason
    return case


def reopen(*, case: Case, acting_user, reason: str, request=None) -> Case:
    """Reopen a closed case (it returns to the status it had before closing: ``cases.lifecycle.case_reopen``) or a
    case decided not to be a victim (it returns to verification), with a written reason."""
    _require(acting_user, case, "case.edit")
    if case.status == CaseStatus.CLOSED:
        return lifecycle.case_reopen(acting_user=acting_user, case=case, reason=reason, request=request)
    reason = _reason(reason, what=_("reopening the case"))
    agency = _acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        target = verification_status(case_regime(locked))
        _move(locked, acting_user, agency, target, Via.REOPEN, reason=reason, request=request)
    case.status, case.closed_reason = locked.status, locked.closed_reason
    return case
