"""Small helpers the support actions share: the acting agency, the case's intake day, the timeline event, and the
checks of amounts and dates that every form of the app needs."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.agencies.models import Agency
from trove.cases.models import Case, CaseEvent, CaseStatus, Intake
from trove.core import policy
from trove.rules.workdays import VIETNAM
from trove.support.money import is_whole_dong

MIN_REASON_LENGTH = 10


def today() -> datetime.date:
    return timezone.localdate(timezone.now(), VIETNAM)


def acting_agency(user, case: Case, permission: str) -> Agency | None:
    """The agency the user acts for on this case: the owner if they are its member with ``permission``, otherwise the
    first of their agencies holding it."""
    memberships = policy.memberships_with(user, permission)
    for membership in memberships:
        if membership.agency_id == case.owner_agency_id:
            return membership.agency
    return memberships[0].agency if memberships else None


def intake_day(case: Case) -> datetime.date | None:
    intake = Intake.objects.filter(case=case).only("received_at").first()
    return timezone.localdate(intake.received_at, VIETNAM) if intake else None


def event(case: Case, user, agency, kind: str, /, **details) -> CaseEvent:
    """A line of the case's timeline: codes and numbers only, never who the person is."""
    return CaseEvent.objects.create(case=case, actor=user, agency=agency, kind=kind, details=details)


class Errors(dict):
    """Field -> messages, raised at once as one ValidationError so that a form shows every problem together."""

    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)

    def raise_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def check_day(errors: Errors, name: str, day, case: Case | None = None, *, future: bool = False,
              what: str = "") -> None:
    """A date that is given, not before the person was received and (unless ``future``) not after today."""
    if day is None:
        errors.add(name, _("Give the date."))
        return
    received = intake_day(case) if case is not None else None
    if received is not None and day < received:
        errors.add(name, _("The date cannot be before the person was received (%(day)s).")
                   % {"day": received.strftime("%d/%m/%Y")})
    if not future and day > today():
        errors.add(name, _("The date cannot be in the future."))


def check_amount(errors: Errors, name: str, amount, *, required: bool = False) -> None:
    """A positive whole number of đồng."""
    if amount is None or amount == "":
        if required:
            errors.add(name, _("Give the amount in đồng."))
        return
    if not is_whole_dong(amount):
        errors.add(name, _("Write the amount as a whole number of đồng, without decimals (e.g. 1500000 or "
                           "1.500.000)."))
    elif amount <= 0:
        errors.add(name, _("The amount must be more than 0 đồng; a negative amount cannot be recorded."))


def check_open(errors: Errors, case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        errors.add("__all__", _("The case is closed: support cannot be recorded on it. Reopen it, with a reason, "
                                "first."))


def check_reason(errors: Errors, name: str, text: str, what: str) -> str:
    text = (text or "").strip()
    if len(text) < MIN_REASON_LENGTH:
        errors.add(name, _("Write the reason for %(what)s (at least %(count)d characters).")
                   % {"what": what, "count": MIN_REASON_LENGTH})
    return text


def check_agency(errors: Errors, name: str, agency: Agency | None, day: datetime.date | None) -> None:
    if agency is None:
        errors.add(name, _("Choose the agency."))
    elif day is not None and not agency.is_valid_on(day):
        errors.add(name, _("%(agency)s did not exist on %(day)s: choose the agency of that day.")
                   % {"agency": agency.name, "day": day.strftime("%d/%m/%Y")})
