"""Writing a plan: create a draft, edit it, issue it, revise an issued plan into a new draft version, copy it to the
next year, and share it with an agency.

Each action checks everything before it writes, runs in one transaction and writes an audit entry (ids and codes
only). An issued plan is never edited in place.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.agencies.models import Agency
from trove.core import audit, policy
from trove.core.actions import participation_start
from trove.core.models.access import Participation, ParticipationReason
from trove.core.versioning import lock_current
from trove.geo.models import AdminUnit, UnitLevel
from trove.plans.actions.common import (
    agencies_not_valid,
    invalid_agencies_message,
    plan_agencies,
    require_draft,
    require_manage,
    unit_valid_on,
)
from trove.plans.models import (
    Objective,
    ObjectiveKind,
    Plan,
    PlanIndicator,
    PlanLevel,
    PlanStatus,
    ReportFrequency,
    Solution,
)
from trove.plans.periods import shift_year

MAX_DUE_DAYS = 90
MAX_PERIOD_DAYS = 5 * 366


@dataclass
class PlanData:
    """The plan's own fields and its lists of plain text (one entry a bullet)."""

    title: str
    level: str
    unit: AdminUnit | None
    issuing_agency: Agency | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    number: str = ""
    date: datetime.date | None = None
    place: str = ""
    signer_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    introduction: str = ""
    goals: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    solutions: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    report_frequency: str = ReportFrequency.QUARTER
    report_due_days: int = 5
    report_compiler: Agency | None = None
    report_recipients: list[Agency] = field(default_factory=list)
    report_clause: str = ""


def lines(text: str) -> list[str]:
    """A textarea's lines, trimmed, without empty ones and without a leading "- " (the bullets are the layout's)."""
    result = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line.startswith("- "):
            line = line[2:].strip()
        if line:
            result.append(line)
    return result


def _check(data: PlanData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not (data.title or "").strip():
        refuse("title", _("Write the plan's title, as it follows “KẾ HOẠCH” on the document."))
    if data.level not in PlanLevel.values:
        refuse("level", _("Choose the plan's level from the list."))
    if data.period_start is None or data.period_end is None:
        refuse("period_start", _("Give the first and the last day of the plan's period."))
    elif data.period_end < data.period_start:
        refuse("period_end", _("The period cannot end before it starts."))
    elif (data.period_end - data.period_start).days > MAX_PERIOD_DAYS:
        refuse("period_end", _("A plan covers at most five years."))
    day = data.date or data.period_start
    if data.unit is None:
        refuse("unit", _("Choose the unit the plan is for."))
    elif data.level in PlanLevel.values:
        expected = UnitLevel.PROVINCE if data.level == PlanLevel.NATIONAL else data.level
        if data.unit.level != expected:
            refuse("unit", _("A %(level)s plan is for a unit of that level; %(unit)s is a %(unit_level)s.")
                   % {"level": PlanLevel(data.level).label.lower(), "unit": data.unit.name,
                      "unit_level": data.unit.get_level_display()})
        if day is not None and not unit_valid_on(data.unit, day):
            refuse("unit", _("%(unit)s did not exist on %(day)s; choose the unit valid on the plan's date.")
                   % {"unit": data.unit.name, "day": day.strftime("%d/%m/%Y")})
    if data.issuing_agency is None:
        refuse("issuing_agency", _("Choose the body that issues the plan."))
    elif day is not None and not data.issuing_agency.is_valid_on(day):
        refuse("issuing_agency", _("%(agency)s did not exist on %(day)s.")
               % {"agency": data.issuing_agency.name, "day": day.strftime("%d/%m/%Y")})
    if data.report_frequency not in ReportFrequency.values:
        refuse("report_frequency", _("Choose how often the agencies report."))
    if data.report_due_days is None or not 0 <= data.report_due_days <= MAX_DUE_DAYS:
        refuse("report_due_days", _("Reports fall due between 0 and %(days)d days after their period.")
               % {"days": MAX_DUE_DAYS})
    if data.period_start and data.period_end and data.period_end >= data.period_start:
        invalid = agencies_not_valid([data.report_compiler, *data.report_recipients], data.period_start,
                                     data.period_end)
        if invalid:
            refuse("report_recipients", invalid_agencies_message(invalid, data.period_start, data.period_end))
    return errors


def _manage_agency(user, preferred: Agency | None = None) -> Agency:
    memberships = policy.memberships_with(user, "plan.manage")
    if not memberships:
        raise PermissionDenied(_("Only a plan coordinator may write plans."))
    for membership in memberships:
        if preferred is not None and membership.agency_id == preferred.pk:
            return membership.agency
    return memberships[0].agency


def _write_fields(plan: Plan, data: PlanData) -> None:
    plan.title = data.title.strip()
    plan.level = data.level
    plan.unit = data.unit
    plan.issuing_agency = data.issuing_agency
    plan.period_start = data.period_start
    plan.period_end = data.period_end
    plan.number = data.number.strip()
    plan.date = data.date
    plan.place = data.place.strip() or data.unit.short_name
    plan.signer_authority = data.signer_authority.strip()
    plan.signer_title = data.signer_title.strip()
    plan.signer_name = data.signer_name.strip()
    plan.introduction = data.introduction.strip()
    plan.recipients = "\n".join(line.strip() for line in data.recipients if line.strip())
    plan.report_frequency = data.report_frequency
    plan.report_due_days = data.report_due_days
    plan.report_compiler = data.report_compiler
    plan.report_clause = data.report_clause.strip()


def _write_lists(plan: Plan, data: PlanData) -> None:
    """Objectives and solutions are kept in place by position, so that nothing linked to them loses its link."""
    for kind, texts in ((ObjectiveKind.GOAL, data.goals), (ObjectiveKind.TARGET, data.targets)):
        existing = list(plan.objectives.filter(kind=kind).order_by("order"))
        for index, text in enumerate(texts, start=1):
            if index <= len(existing):
                row = existing[index - 1]
                if row.text != text:
                    row.text = text
                    row.save(update_fields=["text"])
            else:
                Objective.objects.create(plan=plan, kind=kind, order=index, text=text)
        Objective.objects.filter(pk__in=[row.pk for row in existing[len(texts):]]).delete()
    existing = list(plan.solutions.order_by("number"))
    for index, text in enumerate(data.solutions, start=1):
        if index <= len(existing):
            row = existing[index - 1]
            if row.text != text:
                row.text = text
                row.save(update_fields=["text"])
        else:
            Solution.objects.create(plan=plan, number=index, text=text)
    Solution.objects.filter(pk__in=[row.pk for row in existing[len(data.solutions):]]).delete()
    plan.report_recipients.set(data.report_recipients)


def plan_create(*, acting_user, data: PlanData, owner_agency: Agency | None = None, request=None) -> Plan:
    """A new draft plan kept by ``owner_agency`` (one of the user's agencies where they coordinate plans)."""
    owner = _manage_agency(acting_user, owner_agency)
    if owner_agency is not None and owner.pk != owner_agency.pk:
        raise PermissionDenied(_("You do not coordinate plans for %(agency)s.") % {"agency": owner_agency.name})
    errors = _check(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = Plan(owner_agency=owner, created_by=acting_user)
        _write_fields(plan, data)
        plan.save()
        _write_lists(plan, data)
        audit.record("plan.create", actor=acting_user, request=request, agency=owner, obj=plan,
                     changes={"status": [None, plan.status], "level": [None, plan.level],
                              "unit": [None, plan.unit.key], "issuing_agency": [None, plan.issuing_agency_id]})
    return plan


def plan_update(*, acting_user, plan: Plan, data: PlanData, expected_version: int | None = None,
                request=None) -> Plan:
    """Change a draft's own fields and lists; an issued plan is refused (it is revised instead).
    ``expected_version`` is the plan's ``revision`` (its lock column) the form was opened at: a plan changed since
    is refused with ``StaleEdit``; None (a script) skips the check."""
    require_manage(acting_user, plan)
    require_draft(plan)
    errors = _check(data)
    if not errors:
        invalid = _agencies_outside(plan, data.period_start, data.period_end)
        if invalid:
            errors["period_start"] = [invalid_agencies_message(invalid, data.period_start, data.period_end)]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock_current(plan, expected_version)
        require_draft(locked)
        before = {"number": locked.number, "period": [str(locked.period_start), str(locked.period_end)],
                  "unit": locked.unit_id, "issuing_agency": locked.issuing_agency_id}
        _write_fields(locked, data)
        locked.revision += 1
        locked.save()
        _write_lists(locked, data)
        after = {"number": locked.number, "period": [str(locked.period_start), str(locked.period_end)],
                 "unit": locked.unit_id, "issuing_agency": locked.issuing_agency_id}
        # Always some change in the entry, so that a stale form lists this save among the others' changes.
        changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
        audit.record("plan.update", actor=acting_user, request=request, agency=locked.owner_agency, obj=locked,
                     changes=changes or {"revision": [locked.revision - 1, locked.revision]})
    return locked


def _agencies_outside(plan: Plan, start: datetime.date, end: datetime.date) -> list[Agency]:
    """The agencies the plan's items and duties name that did not exist between ``start`` and ``end``."""
    agencies = Agency.objects.filter(pk__in=plan_agencies(plan) - {plan.owner_agency_id, plan.issuing_agency_id})
    return agencies_not_valid(agencies, start, end)


# ---------------------------------------------------------------------------------------------------------------
# Issuing and versions


def _check_issuable(plan: Plan) -> None:
    errors: dict[str, list[str]] = {}
    if plan.date is None:
        errors.setdefault("date", []).append(_("Give the date the plan was signed before issuing it."))
    if not plan.signer_name or not plan.signer_title:
        errors.setdefault("signer_name", []).append(_("Give the signer's title and name before issuing the plan."))
    if not plan.objectives.filter(kind=ObjectiveKind.GOAL).exists():
        errors.setdefault("goals", []).append(_("Write at least one objective before issuing the plan."))
    if not plan.content_items.exists() and not plan.duties.exists():
        errors.setdefault("duties", []).append(
            _("Give the plan at least one content item or one agency's duties before issuing it."))
    invalid = _agencies_outside(plan, plan.period_start, plan.period_end)
    if invalid:
        errors.setdefault("duties", []).append(invalid_agencies_message(invalid, plan))
    if errors:
        raise ValidationError(errors)


def _share(plan: Plan, agencies, acting_user, request) -> int:
    """Let the agencies the plan names take part in it (see it, report on it), those that exist today."""
    existing = set(Participation.objects.active().for_object(plan).values_list("agency_id", flat=True))
    today = timezone.localdate()
    started = 0
    for agency in agencies:
        if agency.pk == plan.owner_agency_id or agency.pk in existing or not agency.is_valid_on(today):
            continue
        participation_start(acting_user=acting_user, obj=plan, agency=agency,
                            reason=ParticipationReason.SHARED_ASSIGNMENT, request=request)
        existing.add(agency.pk)
        started += 1
    return started


def plan_issue(*, acting_user, plan: Plan, expected_version: int | None = None, request=None) -> Plan:
    """Issue a draft: it is in force from now on, the version it revises is superseded, and every agency it names
    takes part in it. ``expected_version`` as for ``plan_update``."""
    require_manage(acting_user, plan)
    require_draft(plan)
    _check_issuable(plan)
    with transaction.atomic():
        locked = lock_current(plan, expected_version)
        require_draft(locked)
        if locked.previous_id:
            previous = Plan.objects.select_for_update().get(pk=locked.previous_id)
            if previous.status == PlanStatus.ISSUED:
                previous.status = PlanStatus.SUPERSEDED
                previous.revision += 1
                previous.save(update_fields=["status", "revision"])
                audit.record("plan.supersede", actor=acting_user, request=request, agency=previous.owner_agency,
                             obj=previous, changes={"status": [PlanStatus.ISSUED, PlanStatus.SUPERSEDED],
                                                    "by": [None, locked.pk]})
        locked.status, locked.issued_by, locked.issued_at = PlanStatus.ISSUED, acting_user, timezone.now()
        locked.revision += 1
        locked.save(update_fields=["status", "issued_by", "issued_at", "revision"])
        audit.record("plan.issue", actor=acting_user, request=request, agency=locked.owner_agency, obj=locked,
                     changes={"status": [PlanStatus.DRAFT, PlanStatus.ISSUED], "version": [None, locked.version]})
        _share(locked, Agency.objects.filter(pk__in=plan_agencies(locked)), acting_user, request)
    plan.status, plan.issued_at, plan.revision = locked.status, locked.issued_at, locked.revision
    return locked


def _clone(source: Plan, **values) -> Plan:
    """A copy of the plan and everything in it (not its references, reports or activities), with ``values``."""
    clone = Plan.objects.get(pk=source.pk)
    clone.pk = clone.id = None
    clone._state.adding = True
    clone.status, clone.issued_by, clone.issued_at, clone.created_at = PlanStatus.DRAFT, None, None, timezone.now()
    for name, value in values.items():
        setattr(clone, name, value)
    clone.save()
    clone.report_recipients.set(source.report_recipients.all())
    Objective.objects.bulk_create([Objective(plan=clone, kind=o.kind, order=o.order, text=o.text)
                                   for o in source.objectives.all()])
    Solution.objects.bulk_create([Solution(plan=clone, number=s.number, text=s.text) for s in source.solutions.all()])
    PlanIndicator.objects.bulk_create([
        PlanIndicator(plan=clone, order=i.order, wording=i.wording, definition_code=i.definition_code, kind=i.kind,
                      target=i.target, unit_scope_id=i.unit_scope_id)
        for i in source.indicators.all()
    ])
    for item in source.content_items.prefetch_related("partners"):
        partners = list(item.partners.all())
        item.pk = item.id = None
        item._state.adding = True
        item.plan = clone
        item.save()
        item.partners.set(partners)
    for duty in source.duties.prefetch_related("agencies"):
        agencies = list(duty.agencies.all())
        duty.pk = duty.id = None
        duty._state.adding = True
        duty.plan = clone
        duty.save()
        duty.agencies.set(agencies)
    return clone


def plan_revise(*, acting_user, plan: Plan, expected_version: int | None = None, request=None) -> Plan:
    """A new draft version of an issued plan, linked to it; the issued one stays in force until the draft is
    issued. A plan changed since ``expected_version`` (superseded meanwhile, say) is refused with ``StaleEdit``;
    revising does not change the issued plan's row, so its revision stays."""
    require_manage(acting_user, plan)
    if plan.status != PlanStatus.ISSUED:
        raise ValidationError(_("Only the version in force can be revised; this one is %(status)s.")
                              % {"status": plan.get_status_display().lower()}, code="not_in_force")
    try:
        with transaction.atomic():
            locked = lock_current(plan, expected_version)
            if locked.status != PlanStatus.ISSUED:
                raise ValidationError(_("Only the version in force can be revised; this one is %(status)s.")
                                      % {"status": locked.get_status_display().lower()}, code="not_in_force")
            if Plan.objects.filter(series=locked.series, status=PlanStatus.DRAFT).exists():
                raise ValidationError(_("A revision of this plan is already being drafted: finish and issue it "
                                        "first."), code="draft_exists")
            latest = Plan.objects.filter(series=locked.series).order_by("-version").values_list("version",
                                                                                               flat=True)[0]
            draft = _clone(locked, version=latest + 1, previous=locked, created_by=acting_user)
            draft.references.bulk_create([
                ref.__class__(plan=draft, order=ref.order, implemented_plan_id=ref.implemented_plan_id,
                              number=ref.number, date=ref.date, issuer=ref.issuer, subject=ref.subject)
                for ref in locked.references.all()
            ])
            audit.record("plan.revise", actor=acting_user, request=request, agency=locked.owner_agency, obj=draft,
                         changes={"previous": [None, locked.pk], "version": [None, draft.version]})
    except IntegrityError as error:
        raise ValidationError(_("A revision of this plan is already being drafted: finish and issue it first."),
                              code="draft_exists") from error
    return draft


def _next_year_title(title: str, year: int) -> str:
    return re.sub(rf"\b{year}\b", str(year + 1), title)


def plan_copy_next_year(*, acting_user, plan: Plan, request=None) -> Plan:
    """A new draft for the next year with the same content: period, title's year and dates moved on by a year; no
    number, date, references, reports or activities. Refused when the plan's unit or agencies no longer exist then."""
    require_manage(acting_user, plan)
    start, end = shift_year(plan.period_start), shift_year(plan.period_end)
    errors: list[str] = []
    if not unit_valid_on(plan.unit, start):
        errors.append(_("%(unit)s no longer exists on %(day)s: write a new plan for the unit of that time.")
                      % {"unit": plan.unit.name, "day": start.strftime("%d/%m/%Y")})
    invalid = agencies_not_valid(Agency.objects.filter(pk__in=plan_agencies(plan)), start, end)
    if invalid:
        errors.append(invalid_agencies_message(invalid, start, end))
    if errors:
        raise ValidationError(errors, code="not_copyable")
    with transaction.atomic():
        copy = _clone(plan, series=uuid.uuid4(), version=1, previous=None, copied_from=plan, number="", date=None,
                      period_start=start, period_end=end, title=_next_year_title(plan.title, plan.period_start.year),
                      created_by=acting_user)
        audit.record("plan.copy", actor=acting_user, request=request, agency=copy.owner_agency, obj=copy,
                     changes={"copied_from": [None, plan.pk], "period": [None, [str(start), str(end)]]})
    return copy


def plan_share(*, acting_user, plan: Plan, agency: Agency, request=None) -> Participation:
    """Let another agency see the plan and report on it (a superior body that follows its progress, the successor
    of a body that no longer exists)."""
    require_manage(acting_user, plan)
    if not agency.is_valid_on(timezone.localdate()):
        raise ValidationError({"agency": [_("%(agency)s no longer exists.") % {"agency": agency.name}]})
    if agency.pk == plan.owner_agency_id or Participation.objects.active().for_object(plan).filter(
            agency=agency).exists():
        raise ValidationError({"agency": [_("%(agency)s already sees this plan.") % {"agency": agency.name}]})
    with transaction.atomic():
        return participation_start(acting_user=acting_user, obj=plan, agency=agency,
                                   reason=ParticipationReason.SHARED_ASSIGNMENT, request=request)


__all__ = ["PlanData", "lines", "plan_copy_next_year", "plan_create", "plan_export", "plan_issue", "plan_revise",
           "plan_share", "plan_update"]


def plan_export(*, acting_user, plan: Plan, request=None) -> bytes:
    """The plan as a Word document in the official layout, for whoever may see it; every export is audited."""
    from trove.plans.document import render_plan
    from trove.plans.selectors import plan_with_parts

    policy.require(acting_user, "plan.view", plan)
    content = render_plan(plan, plan_with_parts(plan))
    with transaction.atomic():
        audit.record("plan.export", actor=acting_user, request=request, agency=plan.owner_agency, obj=plan,
                     changes={"format": [None, "docx"], "version": [None, plan.version]})
    return content
