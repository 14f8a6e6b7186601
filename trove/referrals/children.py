"""Who is a child: the person's age on the intake date against the age limits in force on that date (``AgeLimit``:
under 16 a child, Law on Children 102/2016/QH13, Art. 1; under 18 a minor, flagged too).

The age comes from the person's birth date when it is known to the day, else from the month or the year. When the
date is not precise enough to rule out that the person was under a limit, they are taken to be under it: a person
born "in 2010" and received in June 2026 may be 15, so the case is treated as a child's until someone records why
not (the checklist's reason). This is the protective reading child-protection practice asks for.

The birth date is encrypted: it is decrypted here for one case at a time, to compute the group, and never shown.
``child_cases`` answers the same question for a queryset of cases (the indicators) from the birth year kept in the
clear, decrypting only the cases on the boundary year.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.cases.models import Case, Intake
from trove.people.models import DatePrecision, Person
from trove.referrals.models import (
    OPEN_STATUSES,
    AgeGroup,
    AgeLimit,
    ChildProtectionChecklist,
    Referral,
    ReferralStatus,
    ServiceKind,
)
from trove.rules.workdays import VIETNAM

# A child-protection referral counts while it is open or after it was closed with feedback; not once declined or
# revoked.
COUNTING_STATUSES = (*OPEN_STATUSES, ReferralStatus.CLOSED)


@dataclass(frozen=True)
class AgeStatus:
    group: str  # AgeGroup
    youngest: int | None  # the age on the intake date, at the least and at the most
    oldest: int | None
    limit: AgeLimit | None  # the limit that puts the person in the group (None for adults and unknown)

    @property
    def exact(self) -> bool:
        return self.youngest is not None and self.youngest == self.oldest

    @property
    def is_child(self) -> bool:
        return self.group == AgeGroup.CHILD

    @property
    def needs_checklist(self) -> bool:
        return self.group in (AgeGroup.CHILD, AgeGroup.MINOR)


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_range(person: Person, on: datetime.date) -> tuple[int | None, int | None]:
    """The youngest and oldest the person can have been on ``on``, given how precisely the birth date is known."""
    precision = person.birth_precision
    if person.birth_date is not None and precision == DatePrecision.DAY:
        age = _age(person.birth_date, on)
        return age, age
    if person.birth_date is not None and precision == DatePrecision.MONTH:
        first = person.birth_date.replace(day=1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return _age(last, on), _age(first, on)
    year = person.birth_year or (person.birth_date.year if person.birth_date else None)
    if year is None:
        return None, None
    return _age(datetime.date(year, 12, 31), on), _age(datetime.date(year, 1, 1), on)


def limits_on(day: datetime.date) -> dict[str, AgeLimit]:
    return {limit.group: limit for limit in AgeLimit.objects.on(day)}


def intake_day(case: Case) -> datetime.date | None:
    try:
        received_at = case.intake.received_at  # loaded with the case by the case page's look-up
    except Intake.DoesNotExist:
        return None
    return timezone.localdate(received_at, VIETNAM)


def age_status(case: Case) -> AgeStatus:
    day = intake_day(case)
    if day is None:
        return AgeStatus(AgeGroup.UNKNOWN, None, None, None)
    youngest, oldest = age_range(case.person, day)
    if youngest is None:
        return AgeStatus(AgeGroup.UNKNOWN, None, None, None)
    limits = limits_on(day)
    for group in (AgeGroup.CHILD, AgeGroup.MINOR):
        limit = limits.get(group)
        if limit is not None and youngest < limit.under_age:
            return AgeStatus(group, youngest, oldest, limit)
    return AgeStatus(AgeGroup.ADULT, youngest, oldest, None)


def child_protection_referrals(case: Case) -> models.QuerySet[Referral]:
    return Referral.objects.filter(case=case, service_kind=ServiceKind.CHILD_PROTECTION,
                                   status__in=COUNTING_STATUSES)


def no_referral_reason(case: Case) -> str:
    checklist = ChildProtectionChecklist.objects.filter(case=case).only("no_referral_reason").first()
    return (checklist.no_referral_reason or "").strip() if checklist else ""


def child_protection_missing(case: Case) -> str | None:
    """The guard ``child_protection`` of the transitions table: a sentence refusing to move a child's case past
    identification while it has neither a child-protection referral nor a recorded reason; None otherwise."""
    status = age_status(case)
    if not status.is_child:
        return None
    if child_protection_referrals(case).exists() or no_referral_reason(case):
        return None
    return _("The person was a child at intake (under %(age)d: %(citation)s). Refer the child to a child-protection "
             "service, or record on the case's child-protection checklist why there is no such referral, before the "
             "case moves past identification.") % {"age": status.limit.under_age, "citation": status.limit.citation}


def child_cases(cases: models.QuerySet[Case], start: datetime.date, end: datetime.date) -> models.QuerySet[Case]:
    """The cases of ``cases`` received between ``start`` and ``end`` whose person was a child at intake, by the
    limit in force on each intake date, with the protective reading of imprecise dates (see the module).

    Only the birth year is in the clear. A year gap (intake year − birth year) below the limit makes a child, above
    it an adult; on the limit itself the birthday decides, so those cases — and only those — are decrypted."""
    received = ExtractYear("intake__received_at", tzinfo=VIETNAM)
    condition = models.Q(pk__in=[])
    for limit in AgeLimit.objects.filter(group=AgeGroup.CHILD):
        first = max(start, limit.valid_from) if limit.valid_from else start
        last = min(end, limit.valid_to) if limit.valid_to else end
        if first > last:
            continue
        # A range of the intake time (midnight to midnight in Vietnam), not of its date, so that the database can use
        # the column's index: a date computed for every intake made PostgreSQL scan them all (1 s at 1,000,000).
        period = cases.filter(
            intake__received_at__gte=datetime.datetime.combine(first, datetime.time.min, tzinfo=VIETNAM),
            intake__received_at__lt=datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min,
                                                              tzinfo=VIETNAM),
        ).annotate(year_gap=received - models.F("person__birth_year"))
        condition |= models.Q(pk__in=period.filter(year_gap__lt=limit.under_age).values("pk"))
        boundary = period.filter(year_gap=limit.under_age).select_related("person", "intake")
        condition |= models.Q(pk__in=[
            case.pk for case in boundary
            if age_range(case.person, timezone.localdate(case.intake.received_at, VIETNAM))[0] < limit.under_age
        ])
    return cases.filter(condition)
