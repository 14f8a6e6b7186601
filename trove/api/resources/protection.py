"""Protection, needs and the support plan of a case: the risk assessments and safety measures, the needs assessments
and the circumstances that decide entitlements, the plan's goals and services. Reads and writes go through
``trove.support.actions`` with the sections the pages use (protection, needs, support_plan); free text that may say who
the person is (notes, details, goals, the poor-household certificate) comes only with ``reveal=true`` for a caller who
may see identity, and is audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from trove.api.auditing import reveal, touched
from trove.api.errors import ERRORS, WRITE_ERRORS
from trove.api.lookups import case_of, chosen, support_type
from trove.api.schemas import AgencyRef, CaseCode, Choice, Day, Error, Id, Text, agency_ref
from trove.cases.models import Case
from trove.rules.models import SupportType, in_language
from trove.support import actions
from trove.support.entitlements import circumstances_of
from trove.support.models import (
    Answer,
    PlannedService,
    ProtectedParty,
    RiskLevel,
    SafetyMeasure,
    SafetyMeasureKind,
    ServiceStatus,
    SupportPlan,
)
from trove.support.risk import QUESTION_CODES, suggested_level
from trove.support.selectors import agency_choices

router = Router(tags=["protection"])
REVEAL = Query(False, alias="reveal", description="Include free text that may say who the person is, for a caller "
                                                 "who may see identity (audited).")


class RiskOut(Schema):
    id: int
    case: str
    assessed_on: datetime.date
    agency: AgencyRef | None
    answers: dict[str, str] = Field(description="Answer (yes, no, unknown) by question code.")
    level: Choice(RiskLevel)
    suggested_level: Choice(RiskLevel) = Field(description="The level the answers suggest.")
    notes: str | None = Field(None, description="Only with reveal=true.")


class MeasureOut(Schema):
    id: int
    case: str
    kind: Choice(SafetyMeasureKind)
    protects: Choice(ProtectedParty)
    responsible_agency: AgencyRef
    starts_on: datetime.date
    ends_on: datetime.date | None
    ended_on: datetime.date | None
    status: str = Field(description="planned, active or ended, today.")
    details: str | None = Field(None, description="Only with reveal=true.")


class ProtectionOut(Schema):
    case: str
    risk_assessments: list[RiskOut]
    safety_measures: list[MeasureOut]
    questions: list[str] = Field(description="The codes of the risk questions, each to be answered.")


class NeedsOut(Schema):
    id: int
    case: str
    assessed_on: datetime.date
    agency: AgencyRef | None
    needs: list[str] = Field(description="Codes of the support types needed.")
    notes: str | None = Field(None, description="Only with reveal=true.")


class CircumstancesOut(Schema):
    poor_household: bool
    poor_household_reference: str | None = Field(None, description="Only with reveal=true.")
    abroad_at_intake: bool
    arrived_on: datetime.date | None


class NeedsPageOut(Schema):
    case: str
    assessments: list[NeedsOut]
    circumstances: CircumstancesOut


class PlannedServiceOut(Schema):
    id: int
    case: str
    support_type: str
    support_type_name: str
    description: str
    responsible_agency: AgencyRef
    planned_from: datetime.date
    planned_to: datetime.date | None
    status: Choice(ServiceStatus)


class SupportPlanOut(Schema):
    case: str
    exists: bool
    review_on: datetime.date | None
    goals: str | None = Field(None, description="Only with reveal=true.")
    services: list[PlannedServiceOut]


class RiskIn(Schema):
    assessed_on: Day
    answers: dict[Choice(QUESTION_CODES), Choice(Answer)] = Field(description="An answer to every question.")
    level: Choice(RiskLevel)
    notes: Text(4000) = ""


class MeasureIn(Schema):
    kind: Choice(SafetyMeasureKind)
    protects: Choice(ProtectedParty) = ProtectedParty.PERSON
    responsible_agency: Id
    starts_on: Day
    ends_on: Day | None = None
    details: Text(4000) = ""


class MeasureEndIn(Schema):
    ended_on: Day


class NeedsIn(Schema):
    assessed_on: Day
    needs: list[Text(4)] = Field([], max_length=20, description="Codes of the support types needed.")
    notes: Text(4000) = ""


class CircumstancesIn(Schema):
    poor_household: bool
    poor_household_reference: Text(60) = ""
    abroad_at_intake: bool = False
    arrived_on: Day | None = None


class SupportPlanIn(Schema):
    goals: Text(4000)
    review_on: Day | None = None


class PlannedServiceIn(Schema):
    support_type: Text(4)
    description: Text(2000)
    responsible_agency: Id
    planned_from: Day
    planned_to: Day | None = None


class PlannedServiceStatusIn(Schema):
    status: Choice(ServiceStatus)


def _revealed(request, case: Case, permissions: frozenset[str], wanted: bool) -> bool:
    return wanted and "case.view_identity" in permissions and reveal(request, case)


def risk_out(case: Case, assessment, revealed: bool) -> dict:
    return {"id": assessment.pk, "case": case.code, "assessed_on": assessment.assessed_on,
            "agency": agency_ref(assessment.agency), "answers": assessment.answers, "level": assessment.level,
            "suggested_level": suggested_level(assessment.answers), "notes": assessment.notes if revealed else None}


def measure_out(case: Case, measure: SafetyMeasure, revealed: bool, today: datetime.date) -> dict:
    return {"id": measure.pk, "case": case.code, "kind": measure.kind, "protects": measure.protects,
            "responsible_agency": agency_ref(measure.responsible_agency), "starts_on": measure.starts_on,
            "ends_on": measure.ends_on, "ended_on": measure.ended_on, "status": str(measure.status(today)),
            "details": measure.details if revealed else None}


@router.get("/cases/{code}/protection", response={200: ProtectionOut, ERRORS: Error},
            summary="A case's risk assessments and safety measures")
def protection_detail(request, code: CaseCode, reveal_text: bool = REVEAL):
    case, permissions = case_of(request, code, section="protection")
    revealed = _revealed(request, case, permissions, reveal_text)
    today = timezone.localdate()
    return {
        "case": case.code,
        "risk_assessments": [risk_out(case, a, revealed) for a in case.risk_assessments.select_related("agency")],
        "safety_measures": [measure_out(case, m, revealed, today)
                            for m in case.safety_measures.select_related("responsible_agency")],
        "questions": list(QUESTION_CODES),
    }


@router.post("/cases/{code}/protection/risk-assessments", response={201: RiskOut, WRITE_ERRORS: Error},
             summary="Record a risk assessment")
def risk_assess(request, code: CaseCode, payload: RiskIn):
    case, _permissions = case_of(request, code, "case.edit", section="protection")
    assessment = actions.risk_assess(case=case, acting_user=request.user, assessed_on=payload.assessed_on,
                                     answers=dict(payload.answers), level=payload.level, notes=payload.notes,
                                     request=request)
    touched(request, assessment)
    return Status(201, risk_out(case, assessment, False))


@router.post("/cases/{code}/protection/measures", response={201: MeasureOut, WRITE_ERRORS: Error},
             summary="Add a safety measure")
def measure_add(request, code: CaseCode, payload: MeasureIn):
    case, _permissions = case_of(request, code, "case.edit", section="protection")
    measure = actions.safety_measure_add(
        case=case, acting_user=request.user, kind=payload.kind, protects=payload.protects,
        responsible_agency=chosen(agency_choices(request.user, case, "case.edit"), payload.responsible_agency),
        starts_on=payload.starts_on, ends_on=payload.ends_on, details=payload.details, request=request)
    touched(request, measure)
    return Status(201, measure_out(case, measure, False, timezone.localdate()))


@router.post("/cases/{code}/protection/measures/{measure_id}/end", response={200: MeasureOut, WRITE_ERRORS: Error},
             summary="Mark a safety measure ended")
def measure_end(request, code: CaseCode, measure_id: Id, payload: MeasureEndIn):
    case, _permissions = case_of(request, code, "case.edit", section="protection")
    measure = (SafetyMeasure.objects.filter(case=case, pk=measure_id)
               .select_related("case", "responsible_agency").first())
    if measure is None:
        raise Http404
    actions.safety_measure_end(measure=measure, acting_user=request.user, ended_on=payload.ended_on,
                               request=request)
    touched(request, measure)
    return measure_out(case, measure, False, timezone.localdate())


def needs_out(case: Case, assessment, revealed: bool) -> dict:
    return {"id": assessment.pk, "case": case.code, "assessed_on": assessment.assessed_on,
            "agency": agency_ref(assessment.agency), "needs": [t.code for t in assessment.needs.all()],
            "notes": assessment.notes if revealed else None}


def circumstances_out(case: Case, revealed: bool) -> dict:
    found = circumstances_of(case)
    return {"poor_household": found.poor_household, "abroad_at_intake": found.abroad_at_intake,
            "arrived_on": found.arrived_on,
            "poor_household_reference": found.poor_household_reference if revealed else None}


@router.get("/cases/{code}/needs", response={200: NeedsPageOut, ERRORS: Error},
            summary="A case's needs assessments and circumstances")
def needs_detail(request, code: CaseCode, reveal_text: bool = REVEAL):
    case, permissions = case_of(request, code, section="needs")
    revealed = _revealed(request, case, permissions, reveal_text)
    assessments = case.needs_assessments.select_related("agency").prefetch_related("needs")
    return {"case": case.code, "assessments": [needs_out(case, a, revealed) for a in assessments],
            "circumstances": circumstances_out(case, revealed)}


@router.post("/cases/{code}/needs/assessments", response={201: NeedsOut, WRITE_ERRORS: Error},
             summary="Record a needs assessment")
def needs_assess(request, code: CaseCode, payload: NeedsIn):
    case, _permissions = case_of(request, code, "case.edit", section="needs")
    needs = list(SupportType.objects.filter(code__in=payload.needs))
    unknown = sorted(set(payload.needs) - {t.code for t in needs})
    if unknown:
        raise ValidationError({"needs": [_("Unknown support type: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    assessment = actions.needs_assess(case=case, acting_user=request.user, assessed_on=payload.assessed_on,
                                      needs=needs, notes=payload.notes, request=request)
    touched(request, assessment)
    return Status(201, needs_out(case, assessment, False))


@router.put("/cases/{code}/needs/circumstances", response={200: CircumstancesOut, WRITE_ERRORS: Error},
            summary="Set the circumstances that decide entitlements")
def circumstances_set(request, code: CaseCode, payload: CircumstancesIn):
    case, _permissions = case_of(request, code, "case.edit", section="needs")
    found = actions.circumstances_set(case=case, acting_user=request.user, poor_household=payload.poor_household,
                                      poor_household_reference=payload.poor_household_reference,
                                      abroad_at_intake=payload.abroad_at_intake, arrived_on=payload.arrived_on,
                                      request=request)
    touched(request, found)
    return circumstances_out(case, False)


def service_out(case: Case, service: PlannedService) -> dict:
    return {"id": service.pk, "case": case.code, "support_type": service.support_type.code,
            "support_type_name": in_language(service.support_type, "name"), "description": service.description,
            "responsible_agency": agency_ref(service.responsible_agency), "planned_from": service.planned_from,
            "planned_to": service.planned_to, "status": service.status}


def plan_out(case: Case, revealed: bool) -> dict:
    plan = SupportPlan.objects.filter(case=case).first()
    services = plan.services.select_related("support_type", "responsible_agency") if plan else []
    return {"case": case.code, "exists": plan is not None, "review_on": plan.review_on if plan else None,
            "goals": plan.goals if plan and revealed else None,
            "services": [service_out(case, service) for service in services]}


@router.get("/cases/{code}/support-plan", response={200: SupportPlanOut, ERRORS: Error},
            summary="A case's support plan and its services")
def support_plan_detail(request, code: CaseCode, reveal_text: bool = REVEAL):
    case, permissions = case_of(request, code, section="support_plan")
    return plan_out(case, _revealed(request, case, permissions, reveal_text))


@router.put("/cases/{code}/support-plan", response={200: SupportPlanOut, WRITE_ERRORS: Error},
            summary="Write or rewrite the plan's goals and review date")
def support_plan_save(request, code: CaseCode, payload: SupportPlanIn):
    """The goals may say who the person is: like the page, only a caller who may read them may rewrite them."""
    case, permissions = case_of(request, code, "case.edit", section="support_plan")
    if "case.view_identity" not in permissions:
        raise PermissionDenied
    plan = actions.plan_save(case=case, acting_user=request.user, goals=payload.goals, review_on=payload.review_on,
                             request=request)
    touched(request, plan)
    return plan_out(case, False)


@router.post("/cases/{code}/support-plan/services", response={201: PlannedServiceOut, WRITE_ERRORS: Error},
             summary="Add a service to the plan")
def support_plan_service_add(request, code: CaseCode, payload: PlannedServiceIn):
    case, _permissions = case_of(request, code, "case.edit", section="support_plan")
    service = actions.plan_service_add(
        case=case, acting_user=request.user, support_type=support_type(payload.support_type),
        description=payload.description,
        responsible_agency=chosen(agency_choices(request.user, case, "case.edit"), payload.responsible_agency),
        planned_from=payload.planned_from, planned_to=payload.planned_to, request=request)
    touched(request, service)
    return Status(201, service_out(case, service))


@router.post("/cases/{code}/support-plan/services/{service_id}/status",
             response={200: PlannedServiceOut, WRITE_ERRORS: Error}, summary="Change the status of a planned service")
def support_plan_service_status(request, code: CaseCode, service_id: Id, payload: PlannedServiceStatusIn):
    case, _permissions = case_of(request, code, "case.edit", section="support_plan")
    service = (PlannedService.objects.filter(plan__case=case, pk=service_id)
               .select_related("plan__case", "support_type", "responsible_agency").first())
    if service is None:
        raise Http404
    service = actions.plan_service_set_status(service=service, acting_user=request.user, status=payload.status,
                                              request=request)
    touched(request, service)
    return service_out(case, service)
