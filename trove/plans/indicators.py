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

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from trove.cases.models import Case
from trove.core.indicators import IndicatorDefinition, Kind, Scope, register
from trove.plans.models import Activity, ActivityKind
from trove.rules.workdays import VIETNAM
from trove.verification.models import StepStatus, VerificationStep


def received_cases(scope: Scope) -> QuerySet[Case]:
    """Cases received (intake date, in Vietnam) within the period, placed in the scope's unit or under it."""
    return Case.objects.filter(intake__received_at__date__range=scope.dates()).filter(scope.place("unit"))


def _with_step_done(scope: Scope, base: QuerySet[Case]) -> QuerySet[Case]:
    return base.filter(Exists(VerificationStep.objects.filter(case=OuterRef("pk"), status=StepStatus.DONE)))


def cases_with_time_limits(scope: Scope) -> QuerySet[Case]:
    return received_cases(scope).filter(
        Exists(VerificationStep.objects.filter(case=OuterRef("pk"), deadline__isnull=False)))


def _verified_on_time(scope: Scope, base: QuerySet[Case]) -> QuerySet[Case]:
    late_or_open = (
        VerificationStep.objects.filter(case=OuterRef("pk"), deadline__isnull=False)
        .annotate(closed_on=TruncDate("done_at", tzinfo=VIETNAM))
        .filter(Q(status=StepStatus.PENDING) | Q(closed_on__gt=F("deadline")))
    )
    return base.filter(~Exists(late_or_open))


def activities(kind: str):
    def base(scope: Scope) -> QuerySet[Activity]:
        return Activity.objects.filter(kind=kind, held_on__range=scope.dates()).filter(scope.place("unit"))

    return base


register(IndicatorDefinition(
    code="verification.started", kind=Kind.SHARE,
    name=_("Received cases whose verification has started"),
    description=_("Denominator: cases received in the period (by intake date) in the unit or under it. Numerator: "
                  "those of them with at least one verification step done."),
    model="cases.Case", base=received_cases, numerator=_with_step_done,
))
register(IndicatorDefinition(
    code="verification.on_time", kind=Kind.SHARE,
    name=_("Received cases verified within the time limits"),
    description=_("Denominator: cases received in the period in the unit whose procedure has steps with a time "
                  "limit. Numerator: those whose every such step was done or skipped on or before its deadline; a "
                  "step still open counts against it."),
    model="cases.Case", base=cases_with_time_limits, numerator=_verified_on_time,
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
