"""Plans against trafficking (``trove.plans``): the plans the caller may see, one plan, its indicators with their
current values against the targets (as the progress page computes them), its activities, and recording an activity
or an agency's periodic report through the plans' actions. Plans hold no identity."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from trove.agencies.models import Agency
from trove.api.auditing import touched
from trove.api.errors import ERRORS, WRITE_ERRORS
from trove.api.lookups import chosen
from trove.api.pagination import paginate
from trove.api.schemas import (
    AgencyRef,
    Choice,
    Day,
    Error,
    Id,
    Listing,
    Page,
    PageSize,
    Text,
    UnitKey,
    UnitRef,
    agency_ref,
    unit_ref,
)
from trove.core import policy
from trove.geo.models import AdminUnit
from trove.plans import actions, selectors
from trove.plans.actions.common import plan_agencies
from trove.plans.models import (
    Activity,
    ActivityKind,
    AwarenessChannel,
    Plan,
    PlanLevel,
    PlanStatus,
)

router = Router(tags=["plans"])
START = Query(None, description="The plan's start by default.")
END = Query(None, description="The plan's end by default.")
YEAR = Query(None, ge=2000, le=2100, description="Plans whose period covers part of this year.")


class WorkPlanOut(Schema):
    id: int
    title: str
    number: str
    date: datetime.date | None
    level: Choice(PlanLevel)
    status: Choice(PlanStatus)
    version: int
    period_start: datetime.date
    period_end: datetime.date
    issuing_agency: AgencyRef | None
    owner_agency: AgencyRef
    unit: UnitRef | None
    url: str


class WorkPlanList(Listing):
    results: list[WorkPlanOut]


class WorkPlanDetail(WorkPlanOut):
    report_frequency: str
    goals: list[str]
    targets: list[str]
    indicators: int
    content_items: int
    duties: int
    permissions: list[str]


class IndicatorOut(Schema):
    id: int
    order: int
    wording: str
    definition: str = Field(description="The computed indicator's code; empty when it is not computed.")
    kind: str
    target: Decimal
    unit: UnitRef | None = Field(description="Where it is measured; null: the whole country.")
    numerator: Decimal | None
    denominator: int | None
    figure: Decimal | None = Field(description="What is compared with the target: a percentage for a share.")
    met: bool | None


class IndicatorsOut(Schema):
    plan: int
    start: datetime.date
    end: datetime.date
    indicators: list[IndicatorOut]


class ActivityOut(Schema):
    id: int
    plan: int
    kind: Choice(ActivityKind)
    title: str
    content_item: int | None
    solution: int | None
    held_on: datetime.date
    agency: AgencyRef | None
    unit: UnitRef | None
    place_name: str
    participants: int
    reach: int


class ActivityList(Listing):
    results: list[ActivityOut]


class ParticipantIn(Schema):
    agency: Id
    number: int = Field(ge=1, le=100_000)


class ActivityIn(Schema):
    kind: Choice(ActivityKind)
    agency: Id = Field(description="The agency that held it: the caller's own (a coordinator: any of the plan's).")
    title: Text(300)
    held_on: Day
    unit: UnitKey | None = Field(None, description="Where; the plan's unit when empty.")
    place_name: Text(200) = ""
    content_item: Id | None = Field(None, description="The plan's content item it carries out (or a solution).")
    solution: Id | None = Field(None, description="The plan's solution it carries out.")
    agencies: list[Id] = Field([], max_length=50, description="Other agencies involved.")
    notes: Text(4000) = ""
    topics: Text(2000) = ""
    trainers: Text(300) = ""
    participants: list[ParticipantIn] = Field([], max_length=50, description="A training's participants by agency.")
    channel: Choice(["", *AwarenessChannel.values]) = ""
    reach: int | None = Field(None, ge=0, le=100_000_000)
    findings: Text(4000) = ""
    recommendations: Text(4000) = ""
    follow_up: Text(2000) = ""
    follow_up_due: Day | None = None
    covers_start: Day | None = None
    covers_end: Day | None = None
    conclusions: Text(4000) = ""


class PlanReportIn(Schema):
    agency: Id
    period_start: Day
    period_end: Day
    results: Text(8000)
    difficulties: Text(4000) = ""
    proposals: Text(4000) = ""


class PlanReportOut(Schema):
    id: int
    plan: int
    agency: AgencyRef
    period_start: datetime.date
    period_end: datetime.date
    submitted_at: datetime.datetime


def plan_out(plan: Plan) -> dict:
    return {
        "id": plan.pk, "title": plan.title, "number": plan.number, "date": plan.date, "level": plan.level,
        "status": plan.status, "version": plan.version, "period_start": plan.period_start,
        "period_end": plan.period_end, "issuing_agency": agency_ref(plan.issuing_agency),
        "owner_agency": agency_ref(plan.owner_agency), "unit": unit_ref(plan.unit), "url": f"/api/v1/plans/{plan.pk}",
    }


def _plan(request, plan_id: int) -> tuple[Plan, frozenset[str]]:
    plan = policy.get_for_user(request.user, Plan.objects.select_related("unit", "issuing_agency", "owner_agency"),
                               plan_id, "plan.view")
    return plan, policy.permissions_on(request.user, plan)


def activity_out(activity: Activity) -> dict:
    return {"id": activity.pk, "plan": activity.plan_id, "kind": activity.kind, "title": activity.title,
            "content_item": activity.content_item_id, "solution": activity.solution_id,
            "held_on": activity.held_on, "agency": agency_ref(activity.owner_agency), "unit": unit_ref(activity.unit),
            "place_name": activity.place_name, "participants": activity.participants, "reach": activity.reach}


@router.get("/plans", response={200: WorkPlanList, ERRORS: Error}, summary="Plans the caller may see")
def plan_list(request, year: int | None = YEAR, status: Choice(PlanStatus) | None = None, page: Page = 1,
              page_size: PageSize = 30):
    """Like the plans page: the latest versions (superseded ones only when asked for by status)."""
    if not policy.has_permission(request.user, "plan.view"):
        raise PermissionDenied
    found = paginate(request, selectors.plan_list(request.user, year=year, status=status or ""), page, page_size)
    return found.frame([plan_out(plan) for plan in found.rows])


@router.get("/plans/{plan_id}", response={200: WorkPlanDetail, ERRORS: Error}, summary="One plan")
def plan_detail(request, plan_id: Id):
    plan, permissions = _plan(request, plan_id)
    parts = selectors.plan_with_parts(plan)
    return {**plan_out(plan), "report_frequency": plan.report_frequency,
            "goals": [o.text for o in parts["goals"]], "targets": [o.text for o in parts["targets"]],
            "indicators": len(parts["indicators"]), "content_items": len(parts["items"]),
            "duties": len(parts["duties"]), "permissions": sorted(permissions)}


@router.get("/plans/{plan_id}/indicators", response={200: IndicatorsOut, ERRORS: Error},
            summary="The plan's indicators with their values against the targets")
def plan_indicators(request, plan_id: Id, start: Day | None = START, end: Day | None = END):
    plan, _permissions = _plan(request, plan_id)
    start, end = start or plan.period_start, end or plan.period_end
    if end < start:  # as the progress page: a period ending before it starts is ignored
        start, end = plan.period_start, plan.period_end
    rows = selectors.indicator_rows(plan, start, end)
    return {"plan": plan.pk, "start": start, "end": end, "indicators": [{
        "id": row.indicator.pk, "order": row.indicator.order, "wording": row.indicator.wording,
        "definition": row.indicator.definition_code, "kind": row.indicator.kind, "target": row.indicator.target,
        "unit": unit_ref(row.scope.unit), "numerator": row.value.numerator if row.value else None,
        "denominator": row.value.denominator if row.value else None,
        "figure": row.figure, "met": row.met} for row in rows]}


@router.get("/plans/{plan_id}/activities", response={200: ActivityList, ERRORS: Error},
            summary="Activities held under the plan, latest first")
def activity_list(request, plan_id: Id, kind: Choice(ActivityKind) | None = None, agency: Id | None = None,
                  page: Page = 1, page_size: PageSize = 50):
    plan, _permissions = _plan(request, plan_id)
    found = paginate(request, selectors.plan_activities(plan, kind=kind or "", agency_id=agency), page, page_size)
    return found.frame([activity_out(activity) for activity in found.rows])


def _unit(key: str | None) -> AdminUnit | None:
    if not key:
        return None
    unit_set, code = key.split(":")
    return AdminUnit.objects.filter(unit_set=unit_set, code=code).first()


@router.post("/plans/{plan_id}/activities", response={201: ActivityOut, WRITE_ERRORS: Error},
             summary="Record an activity under the plan in force")
def activity_record(request, plan_id: Id, payload: ActivityIn):
    plan, permissions = _plan(request, plan_id)
    if not permissions & {"plan.report", "plan.manage"}:
        raise PermissionDenied
    named = Agency.objects.filter(pk__in=plan_agencies(plan))
    own = named if "plan.manage" in permissions else named.filter(pk__in=policy.agencies_of(request.user,
                                                                                           "plan.report"))
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=[*payload.agencies,
                                                               *(p.agency for p in payload.participants)])}
    data = actions.ActivityData(
        kind=payload.kind, agency=own.filter(pk=payload.agency).first(), title=payload.title,
        held_on=payload.held_on, unit=_unit(payload.unit), place_name=payload.place_name,
        content_item=chosen(plan.content_items.all(), payload.content_item),
        solution=chosen(plan.solutions.all(), payload.solution),
        agencies=[agencies[pk] for pk in payload.agencies if pk in agencies], notes=payload.notes,
        topics=payload.topics, trainers=payload.trainers,
        participants=[(agencies[p.agency], p.number) for p in payload.participants if p.agency in agencies],
        channel=payload.channel, reach=payload.reach, findings=payload.findings,
        recommendations=payload.recommendations, follow_up=payload.follow_up, follow_up_due=payload.follow_up_due,
        covers_start=payload.covers_start, covers_end=payload.covers_end, conclusions=payload.conclusions)
    activity = actions.activity_record(acting_user=request.user, plan=plan, data=data, request=request)
    touched(request, activity)
    return Status(201, activity_out(activity))


@router.post("/plans/{plan_id}/reports", response={201: PlanReportOut, WRITE_ERRORS: Error},
             summary="Give (or correct) an agency's report on its duties for one of the plan's periods")
def report_submit(request, plan_id: Id, payload: PlanReportIn):
    plan, _permissions = _plan(request, plan_id)
    agency = Agency.objects.filter(pk=payload.agency).first()
    if agency is None:
        raise Http404
    report = actions.report_submit(acting_user=request.user, plan=plan, agency=agency,
                                   period_start=payload.period_start, period_end=payload.period_end,
                                   results=payload.results, difficulties=payload.difficulties,
                                   proposals=payload.proposals, request=request)
    touched(request, report)
    return Status(201, {"id": report.pk, "plan": plan.pk, "agency": agency_ref(report.agency),
                        "period_start": report.period_start, "period_end": report.period_end,
                        "submitted_at": report.submitted_at})
