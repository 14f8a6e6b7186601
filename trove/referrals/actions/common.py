"""What the referral and follow-up actions share: who acts for which agency, the timeline, reasons and dates."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from trove.agencies.models import Agency
from trove.cases.models import Case, CaseEvent
from trove.core import policy
from trove.core.models.access import Participation
from trove.referrals.children import intake_day
from trove.rules.workdays import VIETNAM

MIN_REASON_LENGTH = 10


def today() -> datetime.date:
    return timezone.localdate(timezone.now(), VIETNAM)


def event(case: Case, user, agency, kind: str, /, **details) -> CaseEvent:
    """A line of the case's timeline: codes, ids and agency names only, never who the person is."""
    return CaseEvent.objects.create(case=case, actor=user, agency=agency, kind=kind, details=details)


def reason(text: str, field: str, errors: dict) -> str:
    text = (text or "").strip()
    if len(text) < MIN_REASON_LENGTH:
        errors.setdefault(field, []).append(
            _("Write the reason (at least %(count)d characters); it is kept with the case.")
            % {"count": MIN_REASON_LENGTH})
    return text


def check_day(day: datetime.date | None, field: str, errors: dict, *, what: str, not_before: datetime.date | None,
              not_before_what: str = "") -> None:
    """A date must be given, not lie in the future, and not come before ``not_before``."""
    if day is None:
        errors.setdefault(field, []).append(_("Give the date of %(what)s.") % {"what": what})
    elif day > today():
        errors.setdefault(field, []).append(
            _("The date of %(what)s cannot be in the future: record it on the day it happens.") % {"what": what})
    elif not_before is not None and day < not_before:
        errors.setdefault(field, []).append(
            _("The date of %(what)s cannot be before %(event)s (%(day)s).")
            % {"what": what, "event": not_before_what, "day": not_before.strftime("%d/%m/%Y")})


def received_on(case: Case) -> datetime.date | None:
    return intake_day(case)


def require_section(user, case: Case, permission: str, section: str) -> frozenset[str]:
    """Guard a write in one section of a case: 404 if the user may not see the case, 403 if they may not do
    ``permission`` or their agency takes part only in other sections."""
    return policy.require(user, permission, case, section=section)


def acting_agency(user, case: Case, permission: str) -> Agency | None:
    """The agency the user acts for on the case: the owner if they are its member with ``permission``, else an
    agency of theirs that takes part in the case, else their first agency holding it (a supervisor's)."""
    memberships = policy.memberships_with(user, permission)
    for membership in memberships:
        if membership.agency_id == case.owner_agency_id:
            return membership.agency
    taking_part = set(Participation.objects.active().for_object(case).values_list("agency_id", flat=True))
    for membership in memberships:
        if membership.agency_id in taking_part:
            return membership.agency
    return memberships[0].agency if memberships else None
