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
from trove.core import audit, policy
from trove.core.models.access import AgencyOwned, BreakGlassGrant, Participation

BREAK_GLASS_REASON_MIN_LENGTH = 15


def participation_start(*, acting_user, obj: AgencyOwned, agency: Agency, reason: str, request=None) -> Participation:
    """Let ``agency`` take part in ``obj`` until the participation ends (for a verification request, a referral…)."""
    with transaction.atomic():
        participation = Participation.objects.create(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, agency=agency, reason=reason,
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
        audit.record("participation.start", actor=acting_user, request=request, obj=obj,
                     changes={"agency": [None, agency.pk], "reason": [None, reason]})
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
