"""Indicators over received cases and their verification, and over the activities recorded under plans.

Each is a query over one ``AgencyOwned`` model for a ``Scope`` (a period, both days included, and a place), so that
a plan can measure it for any period and list the records behind it through the access policy:

- ``verification.started``: of the cases received in the period in the place (intake date), the share with at least
  one verification step done. The 2019 plan's target "100% các trường hợp tiếp nhận được tiến hành các thủ tục xác
  minh, xác định nạn nhân".
- ``verification.on_time``: of the cases received in the period whose procedure has steps with a time limit, the
  share whose every such step was done or skipped (with a reason) on or before its deadline. A step still open
  counts against it, even before its deadline: the case is not verified yet.
- ``plans.staff_trained``: people who took part in trainings held in the period in the place (a sum).
- ``plans.trainings``, ``plans.awareness_events``, ``plans.inspections``, ``plans.review_meetings``: activities of
  each kind held in the period in the place (counts).
- ``plans.people_reached``: people reached by awareness events held in the period in the place (a sum).
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from trove.cases.models import Case
from trove.core.indicators import IndicatorDefinition, Kind, Scope, register
from trove.plans.figures import count_together
from trove.plans.models import Activity, ActivityKind
from trove.rules.workdays import VIETNAM
from trove.verification.models import StepStatus, VerificationStep


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=VIETNAM)


def received_cases(scope: Scope) -> QuerySet[Case]:
    """Cases received (intake date, in Vietnam) within the period, placed in the scope's unit or under it. The period
    is a range of the intake time rather than of its date, so that the database compares the column as it is."""
    return Case.objects.filter(intake__received_at__gte=_midnight(scope.start),
                               intake__received_at__lt=_midnight(scope.end + datetime.timedelta(days=1))
                               ).filter(scope.place("unit"))


def step_done() -> Q:
    return Q(Exists(VerificationStep.objects.filter(case=OuterRef("pk"), status=StepStatus.DONE)))


def has_time_limits() -> Q:
    return Q(Exists(VerificationStep.objects.filter(case=OuterRef("pk"), deadline__isnull=False)))


def verified_on_time() -> Q:
    late_or_open = (
        VerificationStep.objects.filter(case=OuterRef("pk"), deadline__isnull=False)
        .annotate(closed_on=TruncDate("done_at", tzinfo=VIETNAM))
        .filter(Q(status=StepStatus.PENDING) | Q(closed_on__gt=F("deadline")))
    )
    return ~Q(Exists(late_or_open))


def cases_with_time_limits(scope: Scope) -> QuerySet[Case]:
    return received_cases(scope).filter(has_time_limits())


def activities_held(scope: Scope) -> QuerySet[Activity]:
    return Activity.objects.filter(held_on__range=scope.dates()).filter(scope.place("unit"))


def of_kind(kind: str):
    return lambda: Q(kind=kind)


def activities(kind: str):
    def base(scope: Scope) -> QuerySet[Activity]:
        return activities_held(scope).filter(of_kind(kind)())

    return base


# The dashboard counts the indicators over received cases in one query, and those over activities in another
# (trove.plans.figures): each definition below is its universe filtered by the same conditions.
count_together("verification.started", received_cases, met=step_done)
count_together("verification.on_time", received_cases, base=has_time_limits, met=verified_on_time)
count_together("plans.staff_trained", activities_held, base=of_kind(ActivityKind.TRAINING))
count_together("plans.trainings", activities_held, base=of_kind(ActivityKind.TRAINING))
count_together("plans.awareness_events", activities_held, base=of_kind(ActivityKind.AWARENESS))
count_together("plans.people_reached", activities_held, base=of_kind(ActivityKind.AWARENESS))
count_together("plans.inspections", activities_held, base=of_kind(ActivityKind.INSPECTION))
count_together("plans.review_meetings", activities_held, base=of_kind(ActivityKind.REVIEW))


register(IndicatorDefinition(
    code="verification.started", kind=Kind.SHARE,
    name=_("Received cases whose verification has started"),
    description=_("Denominator: cases received in the period (by intake date) in the unit or under it. Numerator: "
                  "those of them with at least one verification step done."),
    model="cases.Case", base=received_cases, numerator=lambda scope, base: base.filter(step_done()),
))
register(IndicatorDefinition(
    code="verification.on_time", kind=Kind.SHARE,
    name=_("Received cases verified within the time limits"),
    description=_("Denominator: cases received in the period in the unit whose procedure has steps with a time "
                  "limit. Numerator: those whose every such step was done or skipped on or before its deadline; a "
                  "step still open counts against it."),
    model="cases.Case", base=cases_with_time_limits,
    numerator=lambda scope, base: base.filter(verified_on_time()),
))
register(IndicatorDefinition(
    code="plans.staff_trained", kind=Kind.SUM,
    name=_("Staff trained"),
    description=_("The participants of the trainings held in the period in the unit, all agencies together."),
    model="plans.Activity", base=activities(ActivityKind.TRAINING), sum_field="participants",
))
register(IndicatorDefinition(
    code="plans.trainings", kind=Kind.COUNT,
    name=_("Trainings held"),
    description=_("Trainings held in the period in the unit."),
    model="plans.Activity", base=activities(ActivityKind.TRAINING),
))
register(IndicatorDefinition(
    code="plans.awareness_events", kind=Kind.COUNT,
    name=_("Awareness events held"),
    description=_("Awareness events (broadcasts, meetings, school sessions, leaflets, online) held in the period in "
                  "the unit."),
    model="plans.Activity", base=activities(ActivityKind.AWARENESS),
))
register(IndicatorDefinition(
    code="plans.people_reached", kind=Kind.SUM,
    name=_("People reached by awareness events"),
    description=_("The sum of the people each awareness event held in the period in the unit reached."),
    model="plans.Activity", base=activities(ActivityKind.AWARENESS), sum_field="reach",
))
register(IndicatorDefinition(
    code="plans.inspections", kind=Kind.COUNT,
    name=_("Inspections and supervision visits done"),
    description=_("Inspections and supervision visits held in the period in the unit."),
    model="plans.Activity", base=activities(ActivityKind.INSPECTION),
))
register(IndicatorDefinition(
    code="plans.review_meetings", kind=Kind.COUNT,
    name=_("Review meetings held"),
    description=_("Interim and final review meetings (sơ kết, tổng kết) held in the period in the unit."),
    model="plans.Activity", base=activities(ActivityKind.REVIEW),
))
