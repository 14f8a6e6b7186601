"""Closing, reopening and transferring a case (issue 7, parts 3 and 4; categories.md, "Case status").

These are the owner's decisions about the case as a whole, so only the owner side takes them: a member of the owning
agency holding the permission, or a supervisor whose scope covers the case. An agency that only takes part in the
case (a referral's receiver, a requested agency) holds its role's permissions on the case but does not close or
transfer it.

Other apps say what stops a case from closing, and what happens to their records when it closes or reopens, by
registering a ``ClosingHook`` from their ``AppConfig.ready`` (the referrals app: a case with open referrals stays
open; planned follow-up visits are cancelled). Each action checks everything before it writes, runs in one
transaction, writes a timeline event (codes and agency names only) and an audit entry, and sends its notifications
after the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trove.agencies.models import Agency, Membership
from trove.cases.models import Case, CaseEvent, CaseReopening, CaseStatus, CaseTransfer, TransferStatus
from trove.core import access_memo, audit, policy
from trove.core.actions import participation_end, participation_start
from trove.core.models.access import AgencyOwned, ParticipationReason
from trove.core.permissions import roles_with
from trove.core.versioning import lock_current
from trove.notifications.actions import notify
from trove.verification.transitions import ClosingReason, Via, check_transition

MIN_REASON_LENGTH = 10


@dataclass(frozen=True)
class ClosingHook:
    """What an app has to say when a case closes or reopens. ``blocks(case)`` returns a sentence refusing the close
    (or None); ``on_close(case, acting_user)`` and ``on_reopen(case, acting_user)`` run inside the transaction."""

    name: str
    blocks: Callable[[Case], str | None] | None = None
    on_close: Callable[[Case, object], None] | None = None
    on_reopen: Callable[[Case, object], None] | None = None


_HOOKS: dict[str, ClosingHook] = {}


def register_closing_hook(hook: ClosingHook) -> None:
    _HOOKS[hook.name] = hook  # by name: ready() may run twice in tests


# ---------------------------------------------------------------------------------------------------------------
# Helpers shared with the apps that work on a case's lifecycle


def owner_side(user, case: Case, permission: str) -> Membership | None:
    """The membership through which ``user`` acts for the case's owner with ``permission``: a membership of the
    owning agency, or a supervising one whose scope covers the case's place; None for anyone else."""
    memberships = policy.memberships_with(user, permission)
    for membership in memberships:
        if membership.agency_id == case.owner_agency_id:
            return membership
    for membership in memberships:
        if policy.supervises(user, membership, case):
            return membership
    return None


def agency_members_with(agency_ids, permission: str) -> list:
    """Active users with a current membership, in an agency valid today, whose role holds ``permission``."""
    today = timezone.localdate()
    memberships = (
        Membership.objects.current(today)
        .filter(agency_id__in=list(agency_ids), role__in=roles_with(permission), user__is_active=True)
        .filter(models.Q(agency__valid_to__isnull=True) | models.Q(agency__valid_to__gte=today))
        .select_related("user").order_by("user_id")
    )
    users = {}
    for membership in memberships:
        users.setdefault(membership.user_id, membership.user)
    return list(users.values())


def notify_later(users, *, key: str, message: Callable[[], str], link: str) -> None:
    """After the commit, give each user a notification written in the system's language (users have no language of
    their own yet). ``message`` is called under that language; it must carry codes and agency names only."""
    users = list(users)

    def send() -> None:
        with translation.override(settings.LANGUAGE_CODE):
            text = message()
        for user in users:
            notify(user=user, key=key, message=text, link=link)

    transaction.on_commit(send)


def _event(case: Case, user, agency, kind: str, /, **details) -> CaseEvent:
    return CaseEvent.objects.create(case=case, actor=user, agency=agency, kind=kind, details=details)


def _reason(text: str, field: str, errors: dict) -> str:
    text = (text or "").strip()
    if len(text) < MIN_REASON_LENGTH:
        errors.setdefault(field, []).append(
            _("Write the reason (at least %(count)d characters); it is kept with the case.")
            % {"count": MIN_REASON_LENGTH})
    return text


def ensure_not_archived(case: Case) -> None:
    """Refuse any change to an archived case (the retention run archives cases closed long ago; trove.privacy)."""
    if case.archived_at is not None:
        raise ValidationError({NON_FIELD_ERRORS: [
            _("Case %(code)s was archived on %(day)s under the retention rules: it is kept read-only and can no "
              "longer be changed.") % {"code": case.code, "day": timezone.localdate(case.archived_at).isoformat()}]},
            code="archived")


def _owner_membership(user, case: Case, permission: str, refusal: str) -> Membership:
    policy.require(user, permission, case)
    ensure_not_archived(case)
    membership = owner_side(user, case, permission)
    if membership is None:
        raise PermissionDenied(refusal % {"code": case.code})
    return membership


# ---------------------------------------------------------------------------------------------------------------
# Closing and reopening


def close_blockers(case: Case) -> list[str]:
    """Why the case cannot be closed now (empty when it can)."""
    reasons = []
    if case.transfers.filter(status=TransferStatus.REQUESTED).exists():
        reasons.append(_("A transfer of this case waits for the receiving agency: it must be accepted or rejected "
                         "before the case is closed."))
    messages = (hook.blocks(case) for hook in _HOOKS.values() if hook.blocks is not None)
    reasons.extend(message for message in messages if message)
    return reasons


def case_close(*, acting_user, case: Case, reason: str, expected_version: int | None = None,
               request=None) -> Case:
    """Close the case with one of the reasons of categories.md (``ClosingReason``). ``expected_version`` is the
    case version the user's form showed: a case changed since is refused with ``StaleEdit`` (None: no check)."""
    membership = _owner_membership(acting_user, case, "case.close",
                                   _("Only the agency that owns case %(code)s, or a supervisor over it, can close it."))
    if reason not in ClosingReason.values:
        raise ValidationError({"reason": [_("Choose why the case is closed: %(reasons)s.")
                                          % {"reasons": ", ".join(str(label) for label in ClosingReason.labels)}]})
    with transaction.atomic():
        locked = lock_current(case, expected_version)
        ensure_not_archived(locked)
        check_transition(locked.status, CaseStatus.CLOSED, Via.CLOSE)
        blockers = close_blockers(locked)
        if blockers:
            raise ValidationError({NON_FIELD_ERRORS: blockers})
        source = locked.status
        locked.status, locked.closed_reason = CaseStatus.CLOSED, reason
        locked.version += 1
        locked.save(update_fields=["status", "closed_reason", "version"])
        _event(locked, acting_user, membership.agency, "case.status_changed", source=source, target=CaseStatus.CLOSED,
               via=Via.CLOSE, closed_reason=reason)
        audit.record("case.close", actor=acting_user, request=request, agency=membership.agency, obj=locked,
                     changes={"status": [source, CaseStatus.CLOSED], "closed_reason": ["", reason]})
        for hook in _HOOKS.values():
            if hook.on_close is not None:
                hook.on_close(locked, acting_user)
    case.status, case.closed_reason, case.version = locked.status, locked.closed_reason, locked.version
    return case


def _status_before_closing(case: Case) -> str:
    closing = (CaseEvent.objects.filter(case=case, kind="case.status_changed", details__target=CaseStatus.CLOSED)
               .order_by("-at", "-pk").first())
    if closing is not None and closing.details.get("source") in CaseStatus.values:
        return closing.details["source"]
    # A case closed before the timeline recorded its statuses goes back into verification.
    from trove.verification.actions import case_regime, verification_status

    return verification_status(case_regime(case))


def case_reopen(*, acting_user, case: Case, reason: str, expected_version: int | None = None,
                request=None) -> Case:
    """Reopen a closed case, with a written reason: it returns to the status it had before it was closed.
    ``expected_version`` as for ``case_close``."""
    membership = _owner_membership(acting_user, case, "case.close",
                                   _("Only the agency that owns case %(code)s, or a supervisor over it, can reopen "
                                     "it."))
    errors: dict[str, list[str]] = {}
    reason = _reason(reason, "reason", errors)
    if case.status != CaseStatus.CLOSED:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("Only a closed case can be reopened; this one is “%(status)s”.") % {"status": case.get_status_display()})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock_current(case, expected_version)
        ensure_not_archived(locked)
        if locked.status != CaseStatus.CLOSED:
            raise ValidationError({NON_FIELD_ERRORS: [_("The case was reopened in the meantime.")]})
        target = _status_before_closing(locked)
        check_transition(CaseStatus.CLOSED, target, Via.REOPEN)
        closed_reason = locked.closed_reason
        locked.status, locked.closed_reason = target, ""
        locked.version += 1
        locked.save(update_fields=["status", "closed_reason", "version"])
        reopening = CaseReopening.objects.create(case=locked, by=acting_user, closed_reason=closed_reason,
                                                 reason=reason)
        _event(locked, acting_user, membership.agency, "case.status_changed", source=CaseStatus.CLOSED,
               target=target, via=Via.REOPEN, closed_reason="")
        audit.record("case.reopen", actor=acting_user, request=request, agency=membership.agency, obj=locked,
                     changes={"status": [CaseStatus.CLOSED, target], "closed_reason": [closed_reason, ""],
                              "reopening": [None, reopening.pk]})
        for hook in _HOOKS.values():
            if hook.on_reopen is not None:
                hook.on_reopen(locked, acting_user)
    case.status, case.closed_reason, case.version = locked.status, locked.closed_reason, locked.version
    return case


# ---------------------------------------------------------------------------------------------------------------
# Transfer to another agency


def _lifecycle_link(case: Case) -> str:
    return reverse("cases:lifecycle", args=[case.code])


def case_transfer_request(*, acting_user, case: Case, to_agency: Agency | None, reason: str,
                          expected_version: int | None = None, request=None) -> CaseTransfer:
    """Ask ``to_agency`` to take the case over (the person moved, say). Until it answers, it takes part in the case
    and sees all of it, so that it can decide; its members who may take cases over are notified. A case changed
    since ``expected_version`` (closed meanwhile, say) is refused with ``StaleEdit``; the request itself does not
    change the case row, so it does not move the version."""
    membership = _owner_membership(acting_user, case, "case.transfer",
                                   _("Only the agency that owns case %(code)s, or a supervisor over it, can transfer "
                                     "it."))
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if to_agency is None:
        errors.setdefault("to_agency", []).append(_("Choose the agency that should take the case over."))
    elif to_agency.pk == case.owner_agency_id:
        errors.setdefault("to_agency", []).append(_("%(agency)s already owns this case.") % {"agency": to_agency.name})
    elif not to_agency.is_valid_on(today):
        errors.setdefault("to_agency", []).append(
            _("%(agency)s does not exist today (see its validity dates in the directory): choose the agency that "
              "does its work now.") % {"agency": to_agency.name})
    reason = _reason(reason, "reason", errors)
    if case.status == CaseStatus.CLOSED:
        errors.setdefault(NON_FIELD_ERRORS, []).append(_("A closed case is not transferred: reopen it first."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock_current(case, expected_version)
        ensure_not_archived(locked)
        if locked.status == CaseStatus.CLOSED:
            raise ValidationError({NON_FIELD_ERRORS: [_("A closed case is not transferred: reopen it first.")]})
        if CaseTransfer.objects.filter(case=locked, status=TransferStatus.REQUESTED).exists():
            raise ValidationError({NON_FIELD_ERRORS: [_("A transfer of this case already waits for an answer.")]})
        participation = participation_start(acting_user=acting_user, obj=locked, agency=to_agency,
                                            reason=ParticipationReason.SHARED_ASSIGNMENT, request=request)
        transfer = CaseTransfer.objects.create(case=locked, from_agency=membership.agency, to_agency=to_agency,
                                               reason=reason, requested_by=acting_user, participation=participation)
        _event(locked, acting_user, membership.agency, "case.transfer_requested", transfer=transfer.pk,
               to_agency=to_agency.name)
        audit.record("case.transfer_request", actor=acting_user, request=request, agency=membership.agency,
                     obj=transfer, changes={"to_agency": [None, to_agency.pk], "status": [None, transfer.status]})
        code, sender = locked.code, membership.agency.name
        notify_later(agency_members_with([to_agency.pk], "case.transfer"), key=f"transfer:{transfer.pk}:requested",
                     link=_lifecycle_link(locked),
                     message=lambda: _("Case %(code)s: %(agency)s asks your agency to take the case over.")
                     % {"code": code, "agency": sender})
    return transfer


def _receiving_membership(user, transfer: CaseTransfer) -> Membership:
    policy.require(user, "case.view", transfer.case)
    ensure_not_archived(transfer.case)
    for membership in policy.memberships_with(user, "case.transfer"):
        if membership.agency_id == transfer.to_agency_id:
            return membership
    raise PermissionDenied(_("Only members of %(agency)s who may take cases over can answer this transfer.")
                           % {"agency": transfer.to_agency.name})


def _waiting(transfer: CaseTransfer) -> CaseTransfer:
    locked = (CaseTransfer.objects.select_for_update(of=("self",))
              .select_related("case", "from_agency", "to_agency").get(pk=transfer.pk))
    if locked.status != TransferStatus.REQUESTED:
        raise ValidationError({NON_FIELD_ERRORS: [_("This transfer is already %(status)s.")
                                                  % {"status": locked.get_status_display().lower()}]})
    return locked


def move_ownership(case: Case, old: Agency, new: Agency) -> dict[str, int]:
    """Give ``new`` every record that hangs off the case and belonged to ``old`` (referrals, follow-up visits…):
    ownership moves with the history. Returns how many rows of each model moved."""
    moved = {}
    for model in apps.get_models():
        if not issubclass(model, AgencyOwned) or model is Case:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is Case:
                count = model.objects.filter(**{field.name: case}, owner_agency=old).update(owner_agency=new)
                if count:
                    moved[model._meta.label_lower] = count
    access_memo.access_changed()  # an update sends no signal: the policy's kept answers must go
    return moved


def case_transfer_accept(*, acting_user, transfer: CaseTransfer, request=None) -> CaseTransfer:
    """The receiving agency takes the case over: it becomes the owner of the case and of its records."""
    membership = _receiving_membership(acting_user, transfer)
    if transfer.requested_by_id == acting_user.pk:
        raise ValidationError({NON_FIELD_ERRORS: [_("You asked for this transfer: another member of the receiving "
                                                    "agency must accept it.")]})
    if not transfer.to_agency.is_valid_on(timezone.localdate()):
        raise ValidationError({NON_FIELD_ERRORS: [_("%(agency)s no longer exists and cannot take the case over.")
                                                  % {"agency": transfer.to_agency.name}]})
    with transaction.atomic():
        locked = _waiting(transfer)
        case = Case.objects.select_for_update().get(pk=locked.case_id)
        ensure_not_archived(case)
        old = case.owner_agency
        case.owner_agency = locked.to_agency
        # A new owner is a change of the case: forms opened before it are stale.
        case.version += 1
        case.save(update_fields=["owner_agency", "version"])
        audit.record("case.owner_change", actor=acting_user, request=request, agency=membership.agency, obj=case,
                     changes={"owner_agency": [old.pk, locked.to_agency_id]})
        moved = move_ownership(case, old, locked.to_agency)
        locked.status, locked.decided_by, locked.decided_at = TransferStatus.ACCEPTED, acting_user, timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        if locked.participation_id:
            participation_end(acting_user=acting_user, participation=locked.participation, request=request)
        _event(case, acting_user, membership.agency, "case.transfer_accepted", transfer=locked.pk,
               from_agency=old.name, to_agency=locked.to_agency.name)
        audit.record("case.transfer_accept", actor=acting_user, request=request, agency=membership.agency, obj=locked,
                     changes={"status": [TransferStatus.REQUESTED, TransferStatus.ACCEPTED],
                              "owner_agency": [old.pk, locked.to_agency_id], "moved": [None, moved]})
        code, receiver = case.code, locked.to_agency.name
        notify_later(agency_members_with([old.pk], "case.transfer"), key=f"transfer:{locked.pk}:accepted",
                     link=reverse("notifications:list"),
                     message=lambda: _("Case %(code)s was taken over by %(agency)s; your agency no longer holds it.")
                     % {"code": code, "agency": receiver})
    transfer.status = locked.status
    transfer.case.owner_agency = locked.to_agency
    return locked


def case_transfer_reject(*, acting_user, transfer: CaseTransfer, reason: str, request=None) -> CaseTransfer:
    """The receiving agency refuses the case, with a reason; it stops taking part in it."""
    membership = _receiving_membership(acting_user, transfer)
    errors: dict[str, list[str]] = {}
    reason = _reason(reason, "reason", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _waiting(transfer)
        locked.status, locked.decided_by, locked.decided_at = TransferStatus.REJECTED, acting_user, timezone.now()
        locked.rejection_reason = reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
        if locked.participation_id:
            participation_end(acting_user=acting_user, participation=locked.participation, request=request)
        _event(locked.case, acting_user, membership.agency, "case.transfer_rejected", transfer=locked.pk,
               to_agency=locked.to_agency.name)
        audit.record("case.transfer_reject", actor=acting_user, request=request, agency=membership.agency, obj=locked,
                     changes={"status": [TransferStatus.REQUESTED, TransferStatus.REJECTED]})
        code, receiver = locked.case.code, locked.to_agency.name
        notify_later(agency_members_with([locked.from_agency_id], "case.transfer"),
                     key=f"transfer:{locked.pk}:rejected", link=_lifecycle_link(locked.case),
                     message=lambda: _("Case %(code)s: %(agency)s rejected the transfer; the case stays with your "
                                       "agency.") % {"code": code, "agency": receiver})
    transfer.status = locked.status
    return locked

