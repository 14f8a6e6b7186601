"""Every change of a referral (DESIGN §2 point 6; issue 7, part 1).

    sent ──accept──> accepted ──record services──> closed (with feedback)
      └──decline (reason)        (sent or accepted) ──revoke (sender, reason)──> revoked

The sending side is the case's owner (or a supervisor over it). The receiver is a member of the receiving agency
holding ``referral.receive``; a referral to a provider outside the system is answered, served and closed by the
sending side on the provider's behalf, since nobody there signs in. While the referral is open the receiving agency
takes part in the case and sees the sections the sender chose; declining, closing or revoking ends that. Each change
notifies the other side (codes and agency names only).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trove.agencies.models import Agency, Membership
from trove.cases.lifecycle import agency_members_with, notify_later, owner_side
from trove.cases.models import Case, CaseStatus
from trove.cases.sections import SECTIONS
from trove.core import audit, policy
from trove.core.actions import participation_end, participation_start
from trove.core.models.access import ParticipationReason
from trove.referrals.actions.common import check_day, event, reason, received_on, today
from trove.referrals.models import (
    OPEN_STATUSES,
    ConsentBasis,
    Referral,
    ReferralService,
    ReferralStatus,
    ServiceKind,
)

MIN_EXCEPTION_REASON_LENGTH = 20


def _link(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def _service_label(kind: str) -> str:
    return str(ServiceKind(kind).label) if kind in ServiceKind.values else kind


def _notify_other_side(referral: Referral, *, by_receiver: bool, change: str, message, link: str = "") -> None:
    """Tell the other side of the referral about a change: the sender's members who may refer when the receiver
    acted, the receiver's members who may receive when the sender acted (nobody for a provider outside the
    system). ``message(code, agency, service)`` is called in the system's language."""
    if by_receiver:
        agency_id, permission, agency_name = referral.owner_agency_id, "referral.send", referral.receiver_name
    elif referral.to_agency_id:
        agency_id, permission, agency_name = referral.to_agency_id, "referral.receive", referral.owner_agency.name
    else:
        return
    code, kind = referral.case.code, referral.service_kind
    notify_later(agency_members_with([agency_id], permission), key=f"referral:{referral.pk}:{change}",
                 link=link or _link(referral), message=lambda: message(code, agency_name, _service_label(kind)))


def _sending_membership(user, case: Case) -> Membership:
    policy.require(user, "referral.send", case)
    membership = owner_side(user, case, "referral.send")
    if membership is None:
        raise PermissionDenied(_("Only the agency that owns case %(code)s, or a supervisor over it, refers the person; "
                                 "an agency that takes part in the case does not refer it on.") % {"code": case.code})
    return membership


def _receiving_membership(user, referral: Referral) -> Membership:
    """The membership through which the user answers the referral: of the receiving agency; for a provider outside
    the system, the sending side's."""
    if referral.off_system:
        return _sending_membership(user, referral.case)
    policy.require(user, "referral.receive", referral.case)
    for membership in policy.memberships_with(user, "referral.receive"):
        if membership.agency_id == referral.to_agency_id:
            return membership
    raise PermissionDenied(_("Only members of %(agency)s who handle referrals can answer this referral.")
                           % {"agency": referral.to_agency.name})


def _locked(referral: Referral, *statuses: str) -> Referral:
    locked = (Referral.objects.select_for_update(of=("self",))
              .select_related("case", "to_agency", "from_agency").get(pk=referral.pk))
    if locked.status not in statuses:
        raise ValidationError({NON_FIELD_ERRORS: [_("This referral is %(status)s: it cannot be changed this way.")
                                                  % {"status": locked.get_status_display().lower()}]})
    return locked


def _end_access(referral: Referral, acting_user, request) -> None:
    if referral.participation_id:
        participation_end(acting_user=acting_user, participation=referral.participation, request=request)


def _refresh(referral: Referral, locked: Referral) -> Referral:
    for name in ("status", "answered_by_id", "answered_at", "ended_by_id", "ended_at"):
        setattr(referral, name, getattr(locked, name))
    return locked


# ---------------------------------------------------------------------------------------------------------------
# Sending


def _check_receiver(case: Case, agency: Agency, to_agency: Agency | None, provider_name: str,
                    referred_on: datetime.date | None, errors: dict) -> None:
    if (to_agency is None) == (not provider_name):
        errors.setdefault("to_agency", []).append(
            _("Choose an agency from the directory, or write the name of a provider outside the system — one of the "
              "two."))
    elif to_agency is not None:
        if to_agency.pk in (case.owner_agency_id, agency.pk):
            errors.setdefault("to_agency", []).append(
                _("A referral goes to another agency: %(agency)s is your own.") % {"agency": to_agency.name})
        elif referred_on is not None and not to_agency.is_valid_on(referred_on):
            ended = to_agency.valid_to or to_agency.valid_from
            errors.setdefault("to_agency", []).append(
                _("%(agency)s did not exist on the referral date (its validity dates in the directory end or start "
                  "on %(day)s): choose the agency that does its work.")
                % {"agency": to_agency.name, "day": ended.strftime("%d/%m/%Y") if ended else "?"})


def _check_consent(user, case: Case, basis: ConsentBasis | None, consent_by: str, consent_on, exception_reason: str,
                   referred_on: datetime.date | None, errors: dict) -> None:
    """Consent is recorded for each referral under the personal-data law of the day (Decree 13/2023/NĐ-CP until
    2025-12-31, then Law 91/2025/QH15 and Decree 356/2025/NĐ-CP; the ``ConsentBasis`` rows cite them): who gave
    it, when and how; or the legal exception, recorded only by a member holding ``referral.consent_exception``."""
    day = referred_on or today()
    in_force = list(ConsentBasis.objects.on(day))
    if basis is None:
        citation = next((b.citation for b in in_force if not b.is_exception), "")
        errors.setdefault("consent_basis", []).append(
            _("Record how the person, or their legal representative, consented to the referral (%(citation)s). "
              "Without consent the referral is refused, unless a member allowed to do so records the exception the "
              "law provides for.") % {"citation": citation or _("no consent rule is in force on that date")})
        return
    if basis.pk not in {b.pk for b in in_force}:
        errors.setdefault("consent_basis", []).append(
            _("“%(basis)s” is not a consent rule in force on %(day)s.") % {"basis": basis,
                                                                           "day": day.strftime("%d/%m/%Y")})
        return
    if basis.is_exception:
        if not policy.can(user, "referral.consent_exception", case):
            errors.setdefault("consent_basis", []).append(
                _("Only a member allowed to record the legal exception to consent (a supervisor) may refer without "
                  "the person's consent (%(citation)s). Record the person's consent, or ask them.")
                % {"citation": basis.citation})
        if len((exception_reason or "").strip()) < MIN_EXCEPTION_REASON_LENGTH:
            errors.setdefault("exception_reason", []).append(
                _("Write which provision of the law allows the referral without consent, and why it applies (at least "
                  "%(count)d characters).") % {"count": MIN_EXCEPTION_REASON_LENGTH})
        return
    if not (consent_by or "").strip():
        errors.setdefault("consent_by", []).append(
            _("Say who gave consent: the person, or the name of their legal representative."))
    check_day(consent_on, "consent_on", errors, what=_("the consent"), not_before=None)
    if consent_on is not None and referred_on is not None and consent_on > referred_on:
        errors.setdefault("consent_on", []).append(_("Consent must be given before the referral, not after it."))


def referral_send(*, acting_user, case: Case, service_kind: str, referred_on: datetime.date | None, needs: str,
                  sections: list[str], consent_basis: ConsentBasis | None, to_agency: Agency | None = None,
                  provider_name: str = "", consent_by: str = "", consent_on: datetime.date | None = None,
                  exception_reason: str = "", request=None) -> Referral:
    """Refer the person of ``case`` to ``to_agency`` (which then takes part in the case, seeing ``sections``) or to a
    provider outside the system named ``provider_name``."""
    membership = _sending_membership(acting_user, case)
    provider_name = (provider_name or "").strip()[:200]
    sections = sorted(set(sections or []))
    errors: dict[str, list[str]] = {}
    _check_receiver(case, membership.agency, to_agency, provider_name, referred_on, errors)
    if service_kind not in ServiceKind.values:
        errors.setdefault("service_kind", []).append(_("Choose the service from the list."))
    check_day(referred_on, "referred_on", errors, what=_("the referral"), not_before=received_on(case),
              not_before_what=_("the person was received"))
    if to_agency is not None:
        if not sections:
            errors.setdefault("sections", []).append(
                _("Choose the parts of the case the receiving agency needs to see; it sees nothing else."))
        elif unknown := [key for key in sections if key not in SECTIONS]:
            errors.setdefault("sections", []).append(_("Unknown parts of the case: %(keys)s.")
                                                     % {"keys": ", ".join(unknown)})
    else:
        sections = []  # a provider outside the system never sees the case
    needs = (needs or "").strip()
    if not needs:
        errors.setdefault("needs", []).append(_("Say what the person needs from the service."))
    _check_consent(acting_user, case, consent_basis, consent_by, consent_on, exception_reason, referred_on, errors)
    if case.status == CaseStatus.CLOSED:
        errors.setdefault(NON_FIELD_ERRORS, []).append(_("The case is closed: reopen it before referring the person."))
    if errors:
        raise ValidationError(errors)
    exception = consent_basis.is_exception
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status == CaseStatus.CLOSED:
            raise ValidationError({NON_FIELD_ERRORS: [_("The case was closed in the meantime.")]})
        referral = Referral.objects.create(
            case=locked, owner_agency_id=locked.owner_agency_id, unit_id=locked.unit_id, from_agency=membership.agency,
            to_agency=to_agency, provider_name="" if to_agency else provider_name, service_kind=service_kind,
            referred_on=referred_on, sections=sections, needs=needs, consent_basis=consent_basis,
            consent_by="" if exception else consent_by.strip(), consent_on=None if exception else consent_on,
            exception_reason=exception_reason.strip() if exception else "", consent_recorded_by=acting_user,
            sent_by=acting_user,
        )
        if to_agency is not None:
            referral.participation = participation_start(
                acting_user=acting_user, obj=locked, agency=to_agency, reason=ParticipationReason.REFERRAL,
                sections=sections, request=request)
            referral.save(update_fields=["participation"])
        event(locked, acting_user, membership.agency, "referral.sent", referral=referral.pk, service=service_kind,
              to=referral.receiver_name, off_system=to_agency is None, sections=sections)
        audit.record("referral.send", actor=acting_user, request=request, agency=membership.agency, obj=referral,
                     changes={"status": [None, ReferralStatus.SENT],
                              "to_agency": [None, getattr(to_agency, "pk", None)],
                              "service_kind": [None, service_kind], "sections": [None, sections],
                              "consent_basis": [None, consent_basis.code]})
        if exception:
            # The exception itself is audited on its own; its reason stays encrypted with the referral.
            audit.record("referral.consent_exception", actor=acting_user, request=request, agency=membership.agency,
                         obj=referral, changes={"consent_basis": [None, consent_basis.code],
                                                "citation": [None, consent_basis.citation]})
        _notify_other_side(referral, by_receiver=False, change="sent",
                           message=lambda code, agency, service: _(
                               "Case %(code)s: %(agency)s referred a person to your agency (%(service)s).")
                           % {"code": code, "agency": agency, "service": service})
    return referral


# ---------------------------------------------------------------------------------------------------------------
# The receiver's answers


def _not_own(user, membership: Membership, referral: Referral) -> None:
    if referral.off_system:
        return
    if referral.sent_by_id == user.pk or membership.agency_id in (referral.owner_agency_id, referral.from_agency_id):
        raise ValidationError({NON_FIELD_ERRORS: [
            _("You cannot answer a referral your own agency sent: the receiving agency accepts or declines it.")]})


def referral_accept(*, acting_user, referral: Referral, request=None) -> Referral:
    membership = _receiving_membership(acting_user, referral)
    _not_own(acting_user, membership, referral)
    with transaction.atomic():
        locked = _locked(referral, ReferralStatus.SENT)
        locked.status, locked.answered_by, locked.answered_at = ReferralStatus.ACCEPTED, acting_user, timezone.now()
        locked.save(update_fields=["status", "answered_by", "answered_at"])
        event(locked.case, acting_user, membership.agency, "referral.accepted", referral=locked.pk,
              service=locked.service_kind, to=locked.receiver_name)
        audit.record("referral.accept", actor=acting_user, request=request, agency=membership.agency, obj=locked,
                     changes={"status": [ReferralStatus.SENT, ReferralStatus.ACCEPTED]})
        _notify_other_side(locked, by_receiver=True, change="accepted",
                           message=lambda code, agency, service: _(
                               "Case %(code)s: %(agency)s accepted the referral (%(service)s).")
                           % {"code": code, "agency": agency, "service": service})
    return _refresh(referral, locked)


def referral_decline(*, acting_user, referral: Referral, reason_text: str, request=None) -> Referral:
    membership = _receiving_membership(acting_user, referral)
    _not_own(acting_user, membership, referral)
    errors: dict[str, list[str]] = {}
    text = reason(reason_text, "reason", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(referral, ReferralStatus.SENT)
        locked.status, locked.answered_by, locked.answered_at = ReferralStatus.DECLINED, acting_user, timezone.now()
        locked.decline_reason = text
        locked.save(update_fields=["status", "answered_by", "answered_at", "decline_reason"])
        _end_access(locked, acting_user, request)
        event(locked.case, acting_user, membership.agency, "referral.declined", referral=locked.pk,
              service=locked.service_kind, to=locked.receiver_name)
        audit.record("referral.decline", actor=acting_user, request=request, agency=membership.agency, obj=locked,
                     changes={"status": [ReferralStatus.SENT, ReferralStatus.DECLINED]})
        _notify_other_side(locked, by_receiver=True, change="declined",
                           message=lambda code, agency, service: _(
                               "Case %(code)s: %(agency)s declined the referral (%(service)s); see its reason.")
                           % {"code": code, "agency": agency, "service": service})
    return _refresh(referral, locked)


def referral_record_service(*, acting_user, referral: Referral, given_on: datetime.date | None, description: str,
                            request=None) -> ReferralService:
    """Record a service the receiver gave under an accepted referral."""
    membership = _receiving_membership(acting_user, referral)
    errors: dict[str, list[str]] = {}
    check_day(given_on, "given_on", errors, what=_("the service"), not_before=referral.referred_on,
              not_before_what=_("the referral"))
    description = (description or "").strip()
    if not description:
        errors.setdefault("description", []).append(_("Say what service was given."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(referral, ReferralStatus.ACCEPTED)
        service = ReferralService.objects.create(referral=locked, given_on=given_on, description=description,
                                                 by_agency=membership.agency, recorded_by=acting_user)
        event(locked.case, acting_user, membership.agency, "referral.service_recorded", referral=locked.pk,
              service=locked.service_kind, to=locked.receiver_name)
        audit.record("referral.service", actor=acting_user, request=request, agency=membership.agency, obj=locked,
                     changes={"service": [None, service.pk], "given_on": [None, given_on]})
        _notify_other_side(locked, by_receiver=True, change=f"service:{service.pk}",
                           message=lambda code, agency, service_name: _(
                               "Case %(code)s: %(agency)s recorded a service given under the referral (%(service)s).")
                           % {"code": code, "agency": agency, "service": service_name})
    return service


def referral_close(*, acting_user, referral: Referral, feedback: str, request=None) -> Referral:
    """The receiver closes an accepted referral with feedback for the sender, after recording what it gave; its
    access to the case ends."""
    membership = _receiving_membership(acting_user, referral)
    errors: dict[str, list[str]] = {}
    feedback = reason(feedback, "feedback", errors)
    if not referral.services.exists():
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("Record the services given before closing the referral; if none could be given, say so as a service "
              "entry."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(referral, ReferralStatus.ACCEPTED)
        locked.status, locked.ended_by, locked.ended_at = ReferralStatus.CLOSED, acting_user, timezone.now()
        locked.feedback = feedback
        locked.save(update_fields=["status", "ended_by", "ended_at", "feedback"])
        _end_access(locked, acting_user, request)
        event(locked.case, acting_user, membership.agency, "referral.closed", referral=locked.pk,
              service=locked.service_kind, to=locked.receiver_name)
        audit.record("referral.close", actor=acting_user, request=request, agency=membership.agency, obj=locked,
                     changes={"status": [ReferralStatus.ACCEPTED, ReferralStatus.CLOSED]})
        _notify_other_side(locked, by_receiver=True, change="closed",
                           message=lambda code, agency, service: _(
                               "Case %(code)s: %(agency)s closed the referral with its feedback (%(service)s).")
                           % {"code": code, "agency": agency, "service": service})
    return _refresh(referral, locked)


# ---------------------------------------------------------------------------------------------------------------
# The sender withdraws


def referral_revoke(*, acting_user, referral: Referral, reason_text: str, request=None) -> Referral:
    """The sending side withdraws an open referral, with a reason; the receiver's access to the case ends."""
    membership = _sending_membership(acting_user, referral.case)
    errors: dict[str, list[str]] = {}
    text = reason(reason_text, "reason", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(referral, *OPEN_STATUSES)
        source = locked.status
        locked.status, locked.ended_by, locked.ended_at = ReferralStatus.REVOKED, acting_user, timezone.now()
        locked.revoke_reason = text
        locked.save(update_fields=["status", "ended_by", "ended_at", "revoke_reason"])
        _end_access(locked, acting_user, request)
        event(locked.case, acting_user, membership.agency, "referral.revoked", referral=locked.pk,
              service=locked.service_kind, to=locked.receiver_name)
        audit.record("referral.revoke", actor=acting_user, request=request, agency=membership.agency, obj=locked,
                     changes={"status": [source, ReferralStatus.REVOKED]})
        _notify_other_side(locked, by_receiver=False, change="revoked", link=reverse("referrals:inbox"),
                           message=lambda code, agency, service: _(
                               "Case %(code)s: %(agency)s revoked its referral to your agency (%(service)s); your "
                               "access to the case has ended.") % {"code": code, "agency": agency, "service": service})
    return _refresh(referral, locked)


def open_referrals_block_closing(case: Case) -> str | None:
    """The closing hook: a case with open referrals is not closed."""
    count = Referral.objects.filter(case=case, status__in=OPEN_STATUSES).count()
    if not count:
        return None
    return ngettext("The case has %(count)d open referral: it must be closed by its receiver, declined or revoked "
                    "before the case is closed.",
                    "The case has %(count)d open referrals: each must be closed by its receiver, declined or revoked "
                    "before the case is closed.", count) % {"count": count}
