"""Protection, needs and the support plan of a case (issue 6, parts 1 and 2).

Each action takes keyword-only arguments and the acting user, checks the policy (``case.edit`` on the case: 404 to
whoever may not see it, 403 to whoever may only read), validates everything and raises one ``ValidationError`` naming
each bad field, then writes in one transaction with a timeline event (codes only) and an audit entry (no identity:
free text is stored encrypted and masked in the audit log). The ledger is in ``ledger_actions``, budgets in
``budget_actions``; the confidentiality flag is core's ``identity_restrict``.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.agencies.models import Agency
from trove.cases.models import Case
from trove.core import audit, policy
from trove.rules.models import SupportType
from trove.support.common import Errors, acting_agency, check_agency, check_day, event
from trove.support.models import (
    Answer,
    NeedsAssessment,
    PlannedService,
    ProtectedParty,
    RiskAssessment,
    RiskLevel,
    SafetyMeasure,
    SafetyMeasureKind,
    ServiceStatus,
    SupportCircumstances,
    SupportPlan,
)
from trove.support.models.protection import RISK_ORDER
from trove.support.risk import QUESTION_CODES, suggested_level

# ---------------------------------------------------------------------------------------------------------------
# Protection


def risk_assess(*, case: Case, acting_user, assessed_on: datetime.date, answers: dict[str, str], level: str,
                notes: str = "", request=None) -> RiskAssessment:
    """Record a risk assessment: every question answered, and a level; a level below what the answers suggest needs
    a note saying why."""
    policy.require(acting_user, "case.edit", case)
    errors = Errors()
    check_day(errors, "assessed_on", assessed_on, case)
    answers = {code: answers.get(code, "") for code in QUESTION_CODES}
    missing = [code for code, answer in answers.items() if answer not in Answer.values]
    if missing:
        errors.add("answers", _("Answer every question (yes, no or not known)."))
    notes = (notes or "").strip()
    if level not in RiskLevel.values:
        errors.add("level", _("Choose the risk level."))
    elif not missing:
        suggested = suggested_level(answers)
        if RISK_ORDER[level] < RISK_ORDER[suggested] and not notes:
            errors.add("notes", _("The answers suggest a “%(suggested)s” risk: say in the notes why you chose a "
                                  "lower level.") % {"suggested": RiskLevel(suggested).label})
    errors.raise_any()
    agency = acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        assessment = RiskAssessment.objects.create(case=case, assessed_on=assessed_on, assessed_by=acting_user,
                                                   agency=agency, answers=answers, level=level, notes=notes)
        event(case, acting_user, agency, "support.risk_assessed", assessment=assessment.pk, level=level)
        audit.record("support.risk_assess", actor=acting_user, request=request, agency=agency, obj=assessment,
                     changes={"case": [None, case.code], "level": [None, level], "answers": [None, answers],
                              "notes": [None, notes]})
    return assessment


def safety_measure_add(*, case: Case, acting_user, kind: str, responsible_agency: Agency, starts_on: datetime.date,
                       ends_on: datetime.date | None = None, protects: str = ProtectedParty.PERSON,
                       details: str = "", request=None) -> SafetyMeasure:
    """A safety measure with its responsible agency and dates; it may start later (planned)."""
    policy.require(acting_user, "case.edit", case)
    errors = Errors()
    if kind not in SafetyMeasureKind.values:
        errors.add("kind", _("Choose the measure from the list."))
    if protects not in ProtectedParty.values:
        errors.add("protects", _("Choose whom the measure protects."))
    check_day(errors, "starts_on", starts_on, case, future=True)
    check_agency(errors, "responsible_agency", responsible_agency, starts_on)
    if ends_on is not None and starts_on is not None and ends_on < starts_on:
        errors.add("ends_on", _("The measure cannot end before it starts."))
    errors.raise_any()
    agency = acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        measure = SafetyMeasure.objects.create(
            case=case, kind=kind, protects=protects, responsible_agency=responsible_agency, starts_on=starts_on,
            ends_on=ends_on, details=(details or "").strip(), created_by=acting_user)
        event(case, acting_user, agency, "support.measure_added", measure=measure.pk, kind=kind,
              agency_name=responsible_agency.name)
        audit.record("support.measure_add", actor=acting_user, request=request, agency=agency, obj=measure,
                     changes={"case": [None, case.code], "kind": [None, kind],
                              "responsible_agency": [None, responsible_agency.pk], "starts_on": [None, starts_on],
                              "ends_on": [None, ends_on]})
    return measure


def safety_measure_end(*, measure: SafetyMeasure, acting_user, ended_on: datetime.date,
                       request=None) -> SafetyMeasure:
    case = measure.case
    policy.require(acting_user, "case.edit", case)
    errors = Errors()
    check_day(errors, "ended_on", ended_on)
    if ended_on is not None and ended_on < measure.starts_on:
        errors.add("ended_on", _("The measure cannot end before it started (%(day)s).")
                   % {"day": measure.starts_on.strftime("%d/%m/%Y")})
    errors.raise_any()
    agency = acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        locked = SafetyMeasure.objects.select_for_update().get(pk=measure.pk)
        if locked.ended_on is not None:
            Errors({"ended_on": [_("This measure has already ended.")]}).raise_any()
        locked.ended_on, locked.ended_by = ended_on, acting_user
        locked.save(update_fields=["ended_on", "ended_by"])
        event(case, acting_user, agency, "support.measure_ended", measure=locked.pk, kind=locked.kind)
        audit.record("support.measure_end", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"ended_on": [None, ended_on]})
    measure.ended_on, measure.ended_by = locked.ended_on, locked.ended_by
    return locked


# ---------------------------------------------------------------------------------------------------------------
# Needs and circumstances


def needs_assess(*, case: Case, acting_user, assessed_on: datetime.date, needs: list[SupportType], notes: str = "",
                 request=None) -> NeedsAssessment:
    policy.require(acting_user, "case.edit", case)
    errors = Errors()
    check_day(errors, "assessed_on", assessed_on, case)
    notes = (notes or "").strip()
    if not needs and not notes:
        errors.add("needs", _("Tick the support the person needs, or write in the notes that they need none."))
    errors.raise_any()
    agency = acting_agency(acting_user, case, "case.edit")
    codes = sorted(t.code for t in needs)
    with transaction.atomic():
        assessment = NeedsAssessment.objects.create(case=case, assessed_on=assessed_on, assessed_by=acting_user,
                                                    agency=agency, notes=notes)
        assessment.needs.set(needs)
        event(case, acting_user, agency, "support.needs_assessed", assessment=assessment.pk, needs=codes)
        audit.record("support.needs_assess", actor=acting_user, request=request, agency=agency, obj=assessment,
                     changes={"case": [None, case.code], "needs": [None, codes], "notes": [None, notes]})
    return assessment


def circumstances_set(*, case: Case, acting_user, poor_household: bool, poor_household_reference: str = "",
                      abroad_at_intake: bool = False, arrived_on: datetime.date | None = None,
                      request=None) -> SupportCircumstances:
    """The facts that decide entitlements: a poor household (with its certificate), and whether the person was
    abroad when the case was opened and when they arrived."""
    policy.require(acting_user, "case.edit", case)
    errors = Errors()
    reference = (poor_household_reference or "").strip()
    if poor_household and not reference:
        errors.add("poor_household_reference", _("Give the number of the poor-household certificate."))
    if arrived_on is not None:
        if not abroad_at_intake:
            errors.add("arrived_on", _("An arrival date is given only for a person who was abroad."))
        check_day(errors, "arrived_on", arrived_on, case)
    errors.raise_any()
    agency = acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        found = SupportCircumstances.objects.select_for_update().filter(case=case).first()
        before = ({"poor_household": found.poor_household, "abroad_at_intake": found.abroad_at_intake,
                   "arrived_on": found.arrived_on} if found else {})
        circumstances = found or SupportCircumstances(case=case)
        circumstances.poor_household = bool(poor_household)
        circumstances.poor_household_reference = reference if poor_household else ""
        circumstances.abroad_at_intake = bool(abroad_at_intake)
        circumstances.arrived_on = arrived_on if abroad_at_intake else None
        circumstances.updated_by, circumstances.updated_at = acting_user, timezone.now()
        circumstances.save()
        after = {"poor_household": circumstances.poor_household, "abroad_at_intake": circumstances.abroad_at_intake,
                 "arrived_on": circumstances.arrived_on}
        changes = {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}
        event(case, acting_user, agency, "support.circumstances_set", **{k: v[1] for k, v in changes.items()
                                                                          if k != "arrived_on"})
        audit.record("support.circumstances_set", actor=acting_user, request=request, agency=agency,
                     obj=circumstances, changes={"case": [None, case.code], **changes})
    return circumstances


# ---------------------------------------------------------------------------------------------------------------
# Support plan


def plan_save(*, case: Case, acting_user, goals: str, review_on: datetime.date | None = None,
              request=None) -> SupportPlan:
    """Write (or rewrite) the plan's goals and its review date."""
    policy.require(acting_user, "case.edit", case)
    errors = Errors()
    goals = (goals or "").strip()
    if not goals:
        errors.add("goals", _("Write the goals of the plan."))
    if review_on is not None:
        check_day(errors, "review_on", review_on, case, future=True)
    errors.raise_any()
    agency = acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        plan = SupportPlan.objects.select_for_update().filter(case=case).first()
        created = plan is None
        plan = plan or SupportPlan(case=case)
        old_review = plan.review_on
        plan.goals, plan.review_on = goals, review_on
        plan.updated_by, plan.updated_at = acting_user, timezone.now()
        plan.save()
        event(case, acting_user, agency, "support.plan_written" if created else "support.plan_changed",
              plan=plan.pk)
        audit.record("support.plan_save", actor=acting_user, request=request, agency=agency, obj=plan,
                     changes={"case": [None, case.code], "goals": [None, goals],
                              "review_on": [old_review, review_on]})
    return plan


def plan_service_add(*, case: Case, acting_user, support_type: SupportType, description: str,
                     responsible_agency: Agency, planned_from: datetime.date, planned_to: datetime.date | None = None,
                     request=None) -> PlannedService:
    policy.require(acting_user, "case.edit", case)
    errors = Errors()
    plan = SupportPlan.objects.filter(case=case).first()
    if plan is None:
        errors.add("__all__", _("Write the goals of the plan first."))
    if support_type is None:
        errors.add("support_type", _("Choose the type of support."))
    description = (description or "").strip()
    if not description:
        errors.add("description", _("Say what the service is."))
    check_day(errors, "planned_from", planned_from, case, future=True)
    check_agency(errors, "responsible_agency", responsible_agency, planned_from)
    if planned_to is not None and planned_from is not None and planned_to < planned_from:
        errors.add("planned_to", _("The service cannot end before it starts."))
    errors.raise_any()
    agency = acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        service = PlannedService.objects.create(
            plan=plan, support_type=support_type, description=description, responsible_agency=responsible_agency,
            planned_from=planned_from, planned_to=planned_to, created_by=acting_user)
        event(case, acting_user, agency, "support.service_planned", service=service.pk,
              support_type=support_type.code, agency_name=responsible_agency.name)
        audit.record("support.service_add", actor=acting_user, request=request, agency=agency, obj=service,
                     changes={"case": [None, case.code], "support_type": [None, support_type.code],
                              "responsible_agency": [None, responsible_agency.pk],
                              "planned_from": [None, planned_from], "planned_to": [None, planned_to]})
    return service


def plan_service_set_status(*, service: PlannedService, acting_user, status: str, request=None) -> PlannedService:
    case = service.plan.case
    policy.require(acting_user, "case.edit", case)
    if status not in ServiceStatus.values:
        Errors({"status": [_("Choose the status from the list.")]}).raise_any()
    agency = acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        locked = PlannedService.objects.select_for_update().get(pk=service.pk)
        source = locked.status
        if source == status:
            return locked
        locked.status = status
        locked.save(update_fields=["status"])
        event(case, acting_user, agency, "support.service_status", service=locked.pk,
              support_type=locked.support_type.code, source=source, target=status)
        audit.record("support.service_status", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"status": [source, status]})
    service.status = locked.status
    return locked
