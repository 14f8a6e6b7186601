"""Reintegration follow-up (DESIGN §2 point 7; issue 7, part 4): the plan of visits, the visits, the Women's Union
activities, and the child-protection checklist of a child's case.

Writes need ``case.edit`` on the case and, for an agency that takes part in it through a referral, the section the
record belongs to ("followup" for the plan, visits and activities; "referrals" for the checklist).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.cases.lifecycle import agency_members_with, notify_later
from trove.cases.models import Case, CaseStatus
from trove.core import audit, policy
from trove.referrals.actions.common import acting_agency, check_day, event, received_on, require_section, today
from trove.referrals.children import age_status
from trove.referrals.models import (
    RISK_ANSWERS,
    ActivityKind,
    ChildProtectionChecklist,
    Contact,
    FamilyRelations,
    FollowUpInterval,
    FollowUpPlan,
    FollowUpVisit,
    GuardianStatus,
    Health,
    LivingSituation,
    RiskSign,
    Schooling,
    SchoolingStatus,
    Stigma,
    UnionActivity,
    VisitStatus,
    WorkIncome,
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 month = 28/29 Feb)."""
    years, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


# ---------------------------------------------------------------------------------------------------------------
# The plan


def followup_plan_create(*, acting_user, case: Case, returned_on: datetime.date | None, caseworker=None,
                         request=None) -> FollowUpPlan:
    """Plan the visits after the person's return home, at the intervals in force on that day (``FollowUpInterval``,
    1, 3, 6 and 12 months unless the administrator changed them). ``caseworker`` (the acting user by default)
    follows the person and receives the alerts."""
    require_section(acting_user, case, "case.edit", "followup")
    caseworker = caseworker or acting_user
    errors: dict[str, list[str]] = {}
    check_day(returned_on, "returned_on", errors, what=_("the return home"), not_before=received_on(case),
              not_before_what=_("the person was received"))
    if not policy.can(caseworker, "case.edit", case):
        errors.setdefault("caseworker", []).append(
            _("%(name)s cannot work on this case; choose a caseworker who can.") % {"name": caseworker.display_name})
    intervals = list(FollowUpInterval.objects.on(returned_on).order_by("months")) if returned_on else []
    if returned_on and not intervals:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("No follow-up intervals are set for that date: an administrator must add them."))
    if case.status == CaseStatus.CLOSED:
        errors.setdefault(NON_FIELD_ERRORS, []).append(_("The case is closed: reopen it before planning visits."))
    if errors:
        raise ValidationError(errors)
    agency = acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if FollowUpPlan.objects.filter(case=locked).exists():
            raise ValidationError({NON_FIELD_ERRORS: [_("This case already has a follow-up plan.")]})
        plan = FollowUpPlan.objects.create(case=locked, returned_on=returned_on, caseworker=caseworker,
                                           created_by=acting_user)
        visits = []
        for number, interval in enumerate(intervals, start=1):
            due_on = add_months(returned_on, interval.months)
            visits.append(FollowUpVisit(
                plan=plan, case=locked, owner_agency_id=locked.owner_agency_id, unit_id=locked.unit_id, number=number,
                months=interval.months, due_on=due_on, due_by=due_on + datetime.timedelta(days=interval.grace_days)))
        FollowUpVisit.objects.bulk_create(visits)
        event(locked, acting_user, agency, "followup.planned", visits=len(visits),
              months=[interval.months for interval in intervals])
        audit.record("followup.plan", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"returned_on": [None, returned_on], "visits": [None, len(visits)],
                              "caseworker": [None, caseworker.pk]})
    return plan


# ---------------------------------------------------------------------------------------------------------------
# Visits


@dataclass
class VisitAnswers:
    contact: str
    living_situation: str = LivingSituation.UNKNOWN
    health: str = Health.UNKNOWN
    schooling: str = Schooling.UNKNOWN
    work_income: str = WorkIncome.UNKNOWN
    family_relations: str = FamilyRelations.UNKNOWN
    stigma: str = Stigma.UNKNOWN
    risk_signs: list[str] = field(default_factory=list)
    notes: str = ""


_QUESTIONS = {
    "contact": Contact, "living_situation": LivingSituation, "health": Health, "schooling": Schooling,
    "work_income": WorkIncome, "family_relations": FamilyRelations, "stigma": Stigma,
}


def visit_alerts(answers: VisitAnswers) -> list[str]:
    """The answers that raise an alert, as "field:value" codes: those of ``RISK_ANSWERS`` and every risk sign."""
    alerts = [f"{name}:{getattr(answers, name)}" for name, values in RISK_ANSWERS.items()
              if getattr(answers, name) in values]
    return alerts + [f"sign:{sign}" for sign in answers.risk_signs]


def _alert_recipients(visit: FollowUpVisit) -> list:
    caseworker = visit.plan.caseworker
    if caseworker is not None and caseworker.is_active and policy.can(caseworker, "case.edit", visit.case):
        return [caseworker]
    # Nobody follows the person any more: the owning agency's members who may edit cases are alerted instead.
    return agency_members_with([visit.case.owner_agency_id], "case.edit")


def followup_visit_record(*, acting_user, visit: FollowUpVisit, visited_on: datetime.date | None,
                          answers: VisitAnswers, request=None) -> FollowUpVisit:
    """Record a planned visit's answers. Answers that indicate a risk flag the visit and alert the caseworker."""
    case = visit.case
    require_section(acting_user, case, "case.edit", "followup")
    errors: dict[str, list[str]] = {}
    check_day(visited_on, "visited_on", errors, what=_("the visit"), not_before=visit.plan.returned_on,
              not_before_what=_("the return home"))
    for name, choices in _QUESTIONS.items():
        if getattr(answers, name) not in choices.values:
            errors.setdefault(name, []).append(_("Choose an answer from the list."))
    answers.risk_signs = sorted(set(answers.risk_signs or []))
    if any(sign not in RiskSign.values for sign in answers.risk_signs):
        errors.setdefault("risk_signs", []).append(_("Choose the signs of risk from the list."))
    if errors:
        raise ValidationError(errors)
    alerts = visit_alerts(answers)
    agency = acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        locked = (FollowUpVisit.objects.select_for_update(of=("self",))
                  .select_related("plan__caseworker", "case").get(pk=visit.pk))
        if locked.status != VisitStatus.PLANNED:
            raise ValidationError({NON_FIELD_ERRORS: [_("This visit is %(status)s: it cannot be recorded again.")
                                                      % {"status": locked.get_status_display().lower()}]})
        for name in (*_QUESTIONS, "risk_signs"):
            setattr(locked, name, getattr(answers, name))
        locked.notes = (answers.notes or "").strip()
        locked.visited_on, locked.visited_by, locked.visitor_agency = visited_on, acting_user, agency
        locked.status, locked.risk_alert, locked.alerts = VisitStatus.DONE, bool(alerts), alerts
        locked.recorded_at = timezone.now()
        locked.save()
        event(locked.case, acting_user, agency, "followup.visit_recorded", visit=locked.pk, number=locked.number,
              months=locked.months, on_time=locked.on_time, risk_alert=bool(alerts), alerts=alerts)
        audit.record("followup.visit", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"status": [VisitStatus.PLANNED, VisitStatus.DONE], "visited_on": [None, visited_on],
                              "alerts": [None, alerts]})
        if alerts:
            code, number = locked.case.code, locked.number
            notify_later(_alert_recipients(locked), key=f"visit:{locked.pk}:alert",
                         link=reverse("referrals:visit", args=[locked.pk]),
                         message=lambda: _("Case %(code)s: follow-up visit %(number)d found signs of risk; see the "
                                           "visit and act.") % {"code": code, "number": number})
    visit.status, visit.risk_alert, visit.alerts = locked.status, locked.risk_alert, locked.alerts
    return locked


def cancel_planned_visits(case: Case, acting_user) -> None:
    """Closing hook: a closed case has no visits to make."""
    FollowUpVisit.objects.filter(case=case, status=VisitStatus.PLANNED).update(status=VisitStatus.CANCELLED)


def restore_visits(case: Case, acting_user) -> None:
    """Reopening hook: the visits cancelled at closing that are not yet overdue are planned again."""
    FollowUpVisit.objects.filter(case=case, status=VisitStatus.CANCELLED, due_by__gte=today()).update(
        status=VisitStatus.PLANNED)


# ---------------------------------------------------------------------------------------------------------------
# Women's Union activities


def union_activity_record(*, acting_user, case: Case, kind: str, held_on: datetime.date | None,
                          amount: int | None = None, description: str = "", request=None) -> UnionActivity:
    """Record a Women's Union activity for the person: counselling, a vocational course, a loan (with its amount in
    đồng), Union membership."""
    require_section(acting_user, case, "case.edit", "followup")
    errors: dict[str, list[str]] = {}
    if kind not in ActivityKind.values:
        errors.setdefault("kind", []).append(_("Choose the activity from the list."))
    check_day(held_on, "held_on", errors, what=_("the activity"), not_before=received_on(case),
              not_before_what=_("the person was received"))
    if kind == ActivityKind.LOAN and not amount:
        errors.setdefault("amount", []).append(_("Give the loan's amount in đồng."))
    elif kind != ActivityKind.LOAN and amount:
        errors.setdefault("amount", []).append(_("An amount is recorded for a loan only."))
    if errors:
        raise ValidationError(errors)
    agency = acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        activity = UnionActivity.objects.create(case=case, kind=kind, held_on=held_on, agency=agency,
                                                amount=amount or None, description=(description or "").strip(),
                                                recorded_by=acting_user)
        event(case, acting_user, agency, "followup.activity_recorded", activity=activity.pk, kind=kind)
        audit.record("followup.activity", actor=acting_user, request=request, agency=agency, obj=case,
                     changes={"activity": [None, activity.pk], "kind": [None, kind], "amount": [None, amount]})
    return activity


# ---------------------------------------------------------------------------------------------------------------
# The child-protection checklist


def child_checklist_update(*, acting_user, case: Case, guardian: str, schooling: str, guardian_note: str = "",
                           schooling_note: str = "", no_referral_reason: str = "",
                           request=None) -> ChildProtectionChecklist:
    """Record the guardian and schooling of a child (or minor) and, where no child-protection referral is made, why
    not: that reason lets a child's case move past identification (the ``child_protection`` guard)."""
    require_section(acting_user, case, "case.edit", "referrals")
    errors: dict[str, list[str]] = {}
    if guardian not in GuardianStatus.values:
        errors.setdefault("guardian", []).append(_("Choose the guardian's situation from the list."))
    if schooling not in SchoolingStatus.values:
        errors.setdefault("schooling", []).append(_("Choose the schooling from the list."))
    no_referral_reason = (no_referral_reason or "").strip()
    if no_referral_reason and len(no_referral_reason) < 20:
        errors.setdefault("no_referral_reason", []).append(
            _("Explain in a full sentence (at least %(count)d characters) why the child is not referred to a "
              "child-protection service.") % {"count": 20})
    if not age_status(case).needs_checklist:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("The checklist is for a person who was a child or a minor at intake."))
    if errors:
        raise ValidationError(errors)
    agency = acting_agency(acting_user, case, "case.edit")
    with transaction.atomic():
        checklist, created = ChildProtectionChecklist.objects.select_for_update().get_or_create(case=case)
        before = {"guardian": checklist.guardian, "schooling": checklist.schooling,
                  "reason_recorded": bool(checklist.no_referral_reason)}
        checklist.guardian, checklist.schooling = guardian, schooling
        checklist.guardian_note = (guardian_note or "").strip()
        checklist.schooling_note = (schooling_note or "").strip()
        checklist.no_referral_reason = no_referral_reason
        checklist.updated_by, checklist.updated_at = acting_user, timezone.now()
        checklist.save()
        after = {"guardian": guardian, "schooling": schooling, "reason_recorded": bool(no_referral_reason)}
        event(case, acting_user, agency, "childprotection.updated", **after)
        audit.record("childprotection.update", actor=acting_user, request=request, agency=agency, obj=case,
                     changes={key: [None if created else before[key], value] for key, value in after.items()
                              if created or before[key] != value})
    return checklist
