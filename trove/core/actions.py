"""State changes of the access mechanism: participation in a record, and break-the-glass access.

Each action takes keyword-only arguments and the acting user, runs in one transaction, writes its audit entry and
defers side effects (e-mail) until the transaction commits.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.agencies.models import Agency
from trove.core import access_memo, audit, policy
from trove.core.models.access import AgencyOwned, BreakGlassGrant, IdentityRestriction, Participation

BREAK_GLASS_REASON_MIN_LENGTH = 15


def participation_start(*, acting_user, obj: AgencyOwned, agency: Agency, reason: str,
                        sections: list[str] | None = None, request=None) -> Participation:
    """Let ``agency`` take part in ``obj`` until the participation ends (for a verification request, a referral…).

    ``sections`` limits what the agency sees of the record (keys of ``trove.cases.sections.SECTIONS``); none means
    the whole record."""
    with transaction.atomic():
        participation = Participation.objects.create(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, agency=agency, reason=reason,
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            sections=sorted(set(sections or [])),
            identity_shown=not sections or "identity" in sections,
        )
        audit.record("participation.start", actor=acting_user, request=request, obj=obj,
                     changes={"agency": [None, agency.pk], "reason": [None, reason],
                              "sections": [None, participation.sections]})
    return participation


def participation_end(*, acting_user, participation: Participation, request=None) -> Participation:
    with transaction.atomic():
        participation = Participation.objects.select_for_update().get(pk=participation.pk)
        if participation.ended_at is None:
            participation.ended_at = timezone.now()
            participation.save(update_fields=["ended_at"])
            audit.record("participation.end", actor=acting_user, request=request,
                         object_type=f"{participation.content_type.app_label}.{participation.content_type.model}",
                         object_id=str(participation.object_id),
                         changes={"agency": [participation.agency_id, None]})
    return participation


def break_glass(*, acting_user, obj: AgencyOwned, reason: str, request=None) -> BreakGlassGrant:
    """Open a record outside the user's scope for a few hours, with a written reason, and tell its owner."""
    reason = (reason or "").strip()
    memberships = policy.memberships_with(acting_user, "access.break_glass")
    if not memberships:
        raise PermissionDenied
    if len(reason) < BREAK_GLASS_REASON_MIN_LENGTH:
        raise ValidationError(
            _("Write why you need this record now (at least %(count)d characters); the reason is kept in the audit "
              "log and sent to the agency that owns the record.") % {"count": BREAK_GLASS_REASON_MIN_LENGTH}
        )
    membership = memberships[0]
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=acting_user, membership=membership, content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk, reason=reason, granted_at=now,
            expires_at=now + datetime.timedelta(hours=settings.BREAK_GLASS_HOURS),
        )
        audit.record("access.break_glass", actor=acting_user, request=request, agency=membership.agency,
                     role=membership.role, obj=obj, reason=reason)
        owner = obj.owner_agency
        if owner.email:
            subject = _("Emergency access to a record of %(agency)s") % {"agency": owner.name}
            body = _(
                "%(user)s (%(their_agency)s) opened record %(record)s of your agency outside their scope at %(time)s "
                "for %(hours)d hours. Reason given: %(reason)s"
            ) % {
                "user": acting_user.display_name, "their_agency": membership.agency.name,
                "record": f"{grant.content_type.model} {obj.pk}",
                "time": timezone.localtime(now).strftime("%H:%M %d/%m/%Y"),
                "hours": settings.BREAK_GLASS_HOURS, "reason": reason,
            }
            # robust: a mail server that is down is logged, and does not undo the access already granted.
            transaction.on_commit(lambda: send_mail(subject, body, None, [owner.email]), robust=True)
    policy.forget_memberships(acting_user)
    return grant


IDENTITY_RESTRICTION_REASON_MIN_LENGTH = 10


def identity_restrict(*, acting_user, obj: AgencyOwned, members: list, reason: str,
                      request=None) -> IdentityRestriction:
    """Let only ``members`` see who the person behind ``obj`` is (a confidentiality flag; replaces any earlier one).

    The acting user must hold ``case.restrict_identity`` on the record and is always among the members, so that
    nobody locks the record's identity away from themselves by mistake. Every member must already be able to see
    the identity; the flag narrows access, it never widens it."""
    reason = (reason or "").strip()
    if not policy.can(acting_user, "case.restrict_identity", obj):
        raise PermissionDenied
    if len(reason) < IDENTITY_RESTRICTION_REASON_MIN_LENGTH:
        raise ValidationError({"reason": _("Write why the identity must be restricted (at least %(count)d "
                                           "characters).") % {"count": IDENTITY_RESTRICTION_REASON_MIN_LENGTH}})
    chosen = {member.pk: member for member in members}
    chosen[acting_user.pk] = acting_user
    cannot = [member for member in chosen.values()
              if member.pk != acting_user.pk and not policy.can(member, "case.view_identity", obj, restrictions=False)]
    if cannot:
        names = ", ".join(member.display_name for member in cannot)
        raise ValidationError({"members": _("These members cannot see identity on this record, so they cannot be "
                                            "named: %(names)s.") % {"names": names}})
    content_type = ContentType.objects.get_for_model(obj)
    _require_named(acting_user, content_type, obj)
    now = timezone.now()
    with transaction.atomic():
        IdentityRestriction.objects.select_for_update().filter(
            content_type=content_type, object_id=obj.pk, lifted_at__isnull=True
        ).update(lifted_at=now, lifted_by=acting_user)
        restriction = IdentityRestriction.objects.create(content_type=content_type, object_id=obj.pk, reason=reason,
                                                         set_by=acting_user, set_at=now)
        restriction.members.set(chosen.values())
        audit.record("identity.restrict", actor=acting_user, request=request, obj=obj, reason=reason,
                     changes={"members": [None, sorted(chosen)]})
    return restriction


def identity_unrestrict(*, acting_user, obj: AgencyOwned, reason: str, request=None) -> int:
    """Lift the confidentiality flag on ``obj``; only a member named in it who holds ``case.restrict_identity``."""
    reason = (reason or "").strip()
    if not policy.can(acting_user, "case.restrict_identity", obj):
        raise PermissionDenied
    if len(reason) < IDENTITY_RESTRICTION_REASON_MIN_LENGTH:
        raise ValidationError({"reason": _("Write why the restriction is lifted (at least %(count)d characters).")
                               % {"count": IDENTITY_RESTRICTION_REASON_MIN_LENGTH}})
    content_type = ContentType.objects.get_for_model(obj)
    _require_named(acting_user, content_type, obj)
    with transaction.atomic():
        lifted = IdentityRestriction.objects.select_for_update().filter(
            content_type=content_type, object_id=obj.pk, lifted_at__isnull=True
        ).update(lifted_at=timezone.now(), lifted_by=acting_user)
        access_memo.access_changed()  # an update sends no signal: the policy's kept answers must go
        if lifted:
            audit.record("identity.unrestrict", actor=acting_user, request=request, obj=obj, reason=reason)
    return lifted


def _require_named(acting_user, content_type, obj: AgencyOwned) -> None:
    """Only a member named in the flag in force may change or lift it: otherwise anyone with the permission could
    name themselves and read what the flag hides."""
    active = IdentityRestriction.objects.filter(content_type=content_type, object_id=obj.pk, lifted_at__isnull=True)
    if active.exists() and not active.filter(members=acting_user).exists():
        raise PermissionDenied
