"""Read-side questions of plans: the plans a user may see, everything a plan page shows, the progress dashboard
(each indicator's value against its target, each agency's duties, activities and reports) and the records behind an
indicator. Every list of plans starts from ``policy.visible``; what hangs off a plan is read only after the plan was
looked up through the policy."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone

from trove.agencies.models import Agency
from trove.core import indicators, policy
from trove.core.indicators import IndicatorDefinition, Kind, Scope, Value
from trove.core.models.access import AgencyOwned
from trove.plans import figures
from trove.plans.models import (
    Activity,
    AgencyReport,
    Duty,
    ObjectiveKind,
    Plan,
    PlanIndicator,
    PlanLevel,
    PlanStatus,
)
from trove.plans.periods import Period, plan_periods

PLAN_ROWS = 30
DRILL_ROWS = 50
# The dashboard shows each agency's latest activities, out of the plan's latest ones; the activities page has them all.
RECENT_ACTIVITIES = 100
ACTIVITIES_PER_AGENCY = 5
ACTIVITY_ROWS = 50


def plans_visible(user) -> models.QuerySet[Plan]:
    return policy.visible(user, Plan.objects.all())


def plan_list(user, *, year: int | None = None, status: str = "", current_only: bool = True):
    plans = plans_visible(user).select_related("unit", "issuing_agency", "owner_agency")
    if year:
        plans = plans.filter(period_start__lte=datetime.date(year, 12, 31), period_end__gte=datetime.date(year, 1, 1))
    if status in PlanStatus.values:
        plans = plans.filter(status=status)
    elif current_only:
        plans = plans.exclude(status=PlanStatus.SUPERSEDED)
    return plans.order_by("-period_start", "title", "-version")


def plan_with_parts(plan: Plan) -> dict:
    """The parts of a plan as its page and its Word document show them."""
    objectives = list(plan.objectives.all())
    return {
        "references": list(plan.references.select_related("implemented_plan")),
        "goals": [o for o in objectives if o.kind == ObjectiveKind.GOAL],
        "targets": [o for o in objectives if o.kind == ObjectiveKind.TARGET],
        "indicators": list(plan.indicators.select_related("unit_scope")),
        "items": list(plan.content_items.select_related("lead_agency").prefetch_related(
            Prefetch("partners", Agency.objects.order_by("name")))),
        "solutions": list(plan.solutions.all()),
        "duties": list(plan.duties.prefetch_related(Prefetch("agencies", Agency.objects.order_by("name")))),
        "report_recipients": list(plan.report_recipients.order_by("name")),
        "versions": list(Plan.objects.filter(series=plan.series).order_by("version").only(
            "pk", "version", "status", "number", "date", "series")),
    }


# ---------------------------------------------------------------------------------------------------------------
# Indicators


@dataclass
class IndicatorRow:
    indicator: PlanIndicator
    definition: IndicatorDefinition | None
    scope: Scope
    value: Value | None = None
    # The figure compared with the target: a percentage for a share, the count or sum otherwise.
    figure: Decimal | int | None = None

    @property
    def known(self) -> bool:
        return self.definition is not None

    @property
    def computed(self) -> bool:
        return bool(self.indicator.definition_code)

    @property
    def met(self) -> bool | None:
        if self.figure is None:
            return None
        return Decimal(self.figure) >= self.indicator.target

    @property
    def meter_max(self) -> Decimal:
        return max(self.indicator.target, Decimal(self.figure or 0), Decimal(1))


def definition_for(code: str) -> IndicatorDefinition | None:
    if not code:
        return None
    try:
        return indicators.get(code)
    except KeyError:
        return None


def scope_of(plan: Plan, indicator: PlanIndicator, start: datetime.date, end: datetime.date) -> Scope:
    """A national plan measures everywhere; any other the indicator's unit, or the plan's."""
    unit = indicator.unit_scope or (None if plan.level == PlanLevel.NATIONAL else plan.unit)
    return Scope(start=start, end=end, unit=unit)


def indicator_rows(plan: Plan, start: datetime.date, end: datetime.date, served=None) -> list[IndicatorRow]:
    """The plan's indicators with their values for the period: computed together and cached (``figures``; with
    ``served``, a ``reports.cache.Served``, earlier values may stand in while the current ones are computed)."""
    rows = [IndicatorRow(indicator=indicator, definition=definition_for(indicator.definition_code),
                         scope=scope_of(plan, indicator, start, end))
            for indicator in plan.indicators.select_related("unit_scope")]
    found = figures.values(((row.definition, row.scope) for row in rows if row.definition is not None), served)
    for row in rows:
        if row.definition is not None:
            row.value = found[(row.definition.code, row.scope)]
            row.figure = row.value.percent if row.definition.kind == Kind.SHARE else row.value.numerator
    return rows


@dataclass
class RecordList:
    """Records behind a figure that the user may see, and how many others there are that they may not."""

    records: list
    visible: int
    hidden: int


def records_behind(user, definition: IndicatorDefinition, scope: Scope, *, meeting: bool | None) -> RecordList:
    records = definition.records(scope, meeting=meeting)
    total = records.count()
    if not issubclass(records.model, AgencyOwned):
        return RecordList(records=[], visible=0, hidden=total)
    shown = policy.visible(user, records).order_by("-pk")
    visible = shown.count()
    return RecordList(records=list(shown[:DRILL_ROWS]), visible=visible, hidden=total - visible)


# ---------------------------------------------------------------------------------------------------------------
# Agencies' duties, activities and reports


@dataclass
class ReportCell:
    period: Period
    report: AgencyReport | None
    state: str  # given, late, overdue, pending


@dataclass
class AgencyRow:
    agency: Agency
    duties: list[Duty] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    activity_count: int = 0
    cells: list[ReportCell] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for cell in self.cells if cell.state == "overdue")


def report_state(period: Period, report: AgencyReport | None, today: datetime.date) -> str:
    if report is not None:
        return "late" if timezone.localdate(report.submitted_at) > period.due else "given"
    return "overdue" if period.is_due(today) else "pending"


def agency_rows(plan: Plan, today: datetime.date | None = None) -> list[AgencyRow]:
    """The agencies with duties in this version, then any other that held activities under the plan, each with its
    duties, how many activities it held under the plan (every version), its latest ones, and the state of its report
    for every period. A fixed number of queries, whatever the number of activities."""
    today = today or timezone.localdate()
    rows: dict[int, AgencyRow] = {}
    for duty in plan.duties.prefetch_related(Prefetch("agencies", Agency.objects.order_by("name"))):
        for agency in duty.agencies.all():
            rows.setdefault(agency.pk, AgencyRow(agency=agency)).duties.append(duty)
    duty_holders = set(rows)
    series = Activity.objects.filter(series=plan.series)
    counts = dict(series.values_list("owner_agency").annotate(n=models.Count("pk")).order_by())
    for agency in Agency.objects.filter(pk__in=set(counts) - duty_holders).order_by("name"):
        rows[agency.pk] = AgencyRow(agency=agency)
    for agency_id, count in counts.items():
        rows[agency_id].activity_count = count
    recent = series.only("pk", "plan_id", "owner_agency_id", "kind", "title", "held_on", "participants", "reach")
    for activity in recent.order_by("-held_on", "-pk")[:RECENT_ACTIVITIES]:
        row = rows[activity.owner_agency_id]
        if len(row.activities) < ACTIVITIES_PER_AGENCY:
            row.activities.append(activity)
    periods = plan_periods(plan)
    reports = {(r.agency_id, r.period_start): r for r in AgencyReport.objects.filter(series=plan.series)}
    for agency_id in duty_holders:
        row = rows[agency_id]
        row.cells = [ReportCell(period, reports.get((agency_id, period.start)),
                                report_state(period, reports.get((agency_id, period.start)), today))
                     for period in periods]
    return list(rows.values())


def plan_activities(plan: Plan, *, kind: str = "", agency_id: int | None = None) -> models.QuerySet[Activity]:
    """Every activity held under the plan (all its versions), the latest first."""
    activities = Activity.objects.filter(series=plan.series)
    if kind:
        activities = activities.filter(kind=kind)
    if agency_id:
        activities = activities.filter(owner_agency_id=agency_id)
    return activities.select_related("owner_agency", "content_item", "solution", "unit").order_by("-held_on", "-pk")
