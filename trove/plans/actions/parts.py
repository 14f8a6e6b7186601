"""Writing the structured parts of a draft plan: the plans it implements, its indicators, its content items and the
duties it gives each agency. Every one of them refuses an issued plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from trove.agencies.models import Agency
from trove.core import audit, indicators, policy
from trove.core.indicators import Kind
from trove.geo.models import AdminUnit
from trove.plans.actions.common import (
    agencies_not_valid,
    invalid_agencies_message,
    require_draft,
    require_manage,
    unit_valid_on,
)
from trove.plans.models import ContentItem, Duty, Plan, PlanIndicator, PlanReference

SHARE_MAX = Decimal(100)


def _locked_draft(plan: Plan) -> Plan:
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    require_draft(locked)
    return locked


def _record(action: str, acting_user, request, plan: Plan, obj, changes: dict) -> None:
    audit.record(action, actor=acting_user, request=request, agency=plan.owner_agency, obj=obj,
                 changes={"plan": [None, plan.pk], **changes})


# ---------------------------------------------------------------------------------------------------------------
# Plans implemented


def reference_add(*, acting_user, plan: Plan, implemented_plan: Plan | None = None, number: str = "",
                  date=None, issuer: str = "", subject: str = "", request=None) -> PlanReference:
    """Name a plan this one implements: a plan in the system the user may see, or one written in words."""
    require_manage(acting_user, plan)
    require_draft(plan)
    number, issuer, subject = (number or "").strip(), (issuer or "").strip(), (subject or "").strip()
    if implemented_plan is not None:
        policy.require(acting_user, "plan.view", implemented_plan)
        if implemented_plan.series == plan.series:
            raise ValidationError({"implemented_plan": [_("A plan cannot implement itself.")]})
    elif not number and not subject:
        raise ValidationError({"number": [_("Choose a plan in the system, or write the number or the subject of "
                                            "the plan implemented.")]})
    with transaction.atomic():
        locked = _locked_draft(plan)
        order = (locked.references.aggregate(last=models.Max("order"))["last"] or 0) + 1
        reference = PlanReference.objects.create(plan=locked, order=order, implemented_plan=implemented_plan,
                                                 number=number, date=date, issuer=issuer, subject=subject)
        _record("plan.reference_add", acting_user, request, locked, reference,
                {"implemented_plan": [None, getattr(implemented_plan, "pk", None)], "number": [None, number]})
    return reference


def reference_remove(*, acting_user, reference: PlanReference, request=None) -> None:
    plan = reference.plan
    require_manage(acting_user, plan)
    require_draft(plan)
    with transaction.atomic():
        locked = _locked_draft(plan)
        _record("plan.reference_remove", acting_user, request, locked, reference, {"number": [reference.number, None]})
        reference.delete()


# ---------------------------------------------------------------------------------------------------------------
# Indicators


@dataclass
class IndicatorData:
    wording: str
    target: Decimal | str | None
    definition_code: str = ""
    kind: str = ""  # needed only without a definition
    unit_scope: AdminUnit | None = None


def _check_indicator(plan: Plan, data: IndicatorData) -> tuple[str, Decimal]:
    errors: dict[str, list[str]] = {}
    kind = data.kind
    if not (data.wording or "").strip():
        errors.setdefault("wording", []).append(_("Write the indicator as the plan words it."))
    if data.definition_code:
        try:
            kind = indicators.get(data.definition_code).kind
        except KeyError:
            errors.setdefault("definition_code", []).append(
                _("“%(code)s” is not an indicator this system computes; choose one from the list, or none.")
                % {"code": data.definition_code})
    elif kind not in Kind.values:
        errors.setdefault("kind", []).append(
            _("Without an indicator from the list, say whether the target is a share, a count or a total."))
    try:
        target = Decimal(str(data.target)) if data.target not in (None, "") else None
    except InvalidOperation:
        target = None
    if target is None or not target.is_finite():
        errors.setdefault("target", []).append(_("Write the target as a number."))
    elif target < 0:
        errors.setdefault("target", []).append(_("A target cannot be negative."))
    elif kind == Kind.SHARE and target > SHARE_MAX:
        errors.setdefault("target", []).append(
            _("This indicator is a share: write its target as a percentage between 0 and 100."))
    if data.unit_scope is not None and not unit_valid_on(data.unit_scope, plan.day):
        errors.setdefault("unit_scope", []).append(
            _("%(unit)s did not exist on %(day)s; choose a unit valid on the plan's date.")
            % {"unit": data.unit_scope.name, "day": plan.day.strftime("%d/%m/%Y")})
    if errors:
        raise ValidationError(errors)
    return kind, target


def indicator_add(*, acting_user, plan: Plan, data: IndicatorData, request=None) -> PlanIndicator:
    """A measured target: a definition of the indicator library (or none), a target and the unit measured."""
    require_manage(acting_user, plan)
    require_draft(plan)
    kind, target = _check_indicator(plan, data)
    with transaction.atomic():
        locked = _locked_draft(plan)
        order = (locked.indicators.aggregate(last=models.Max("order"))["last"] or 0) + 1
        indicator = PlanIndicator.objects.create(
            plan=locked, order=order, wording=data.wording.strip(), definition_code=data.definition_code, kind=kind,
            target=target, unit_scope=data.unit_scope)
        _record("plan.indicator_add", acting_user, request, locked, indicator,
                {"definition": [None, data.definition_code], "target": [None, target]})
    return indicator


def indicator_remove(*, acting_user, indicator: PlanIndicator, request=None) -> None:
    plan = indicator.plan
    require_manage(acting_user, plan)
    require_draft(plan)
    with transaction.atomic():
        locked = _locked_draft(plan)
        _record("plan.indicator_remove", acting_user, request, locked, indicator,
                {"definition": [indicator.definition_code, None]})
        indicator.delete()


# ---------------------------------------------------------------------------------------------------------------
# Content items and duties


@dataclass
class ItemData:
    title: str
    activities: list[str]
    lead_agency: Agency | None
    partners: list[Agency] = field(default_factory=list)
    lead_text: str = ""
    partners_text: str = ""


def _check_item(plan: Plan, data: ItemData) -> None:
    errors: dict[str, list[str]] = {}
    if not (data.title or "").strip():
        errors.setdefault("title", []).append(_("Write the content item's title."))
    if not data.activities:
        errors.setdefault("activities", []).append(_("Write at least one main activity, one a line."))
    if data.lead_agency is None:
        errors.setdefault("lead_agency", []).append(_("Choose the lead agency."))
    invalid = agencies_not_valid([data.lead_agency, *data.partners], plan.period_start, plan.period_end)
    if invalid:
        errors.setdefault("partners", []).append(invalid_agencies_message(invalid, plan))
    if errors:
        raise ValidationError(errors)


def item_save(*, acting_user, plan: Plan, data: ItemData, item: ContentItem | None = None,
              request=None) -> ContentItem:
    """Add a content item to a draft (numbered after the last one), or change one."""
    require_manage(acting_user, plan)
    require_draft(plan)
    if item is not None and item.plan_id != plan.pk:
        raise ValidationError(_("This content item belongs to another plan."))
    _check_item(plan, data)
    with transaction.atomic():
        locked = _locked_draft(plan)
        if item is None:
            number = (locked.content_items.aggregate(last=models.Max("number"))["last"] or 0) + 1
            item = ContentItem(plan=locked, number=number)
        item.title, item.activities = data.title.strip(), "\n".join(data.activities)
        item.lead_agency, item.lead_text, item.partners_text = (data.lead_agency, data.lead_text.strip(),
                                                                data.partners_text.strip())
        adding = item.pk is None
        item.save()
        item.partners.set(data.partners)
        _record("plan.item_add" if adding else "plan.item_update", acting_user, request, locked, item,
                {"lead_agency": [None, data.lead_agency.pk], "partners": [None, sorted(a.pk for a in data.partners)]})
    return item


def item_remove(*, acting_user, item: ContentItem, request=None) -> None:
    plan = item.plan
    require_manage(acting_user, plan)
    require_draft(plan)
    with transaction.atomic():
        locked = _locked_draft(plan)
        _record("plan.item_remove", acting_user, request, locked, item, {"number": [item.number, None]})
        item.delete()


@dataclass
class DutyData:
    heading: str
    agencies: list[Agency]
    tasks: list[str]


def duty_save(*, acting_user, plan: Plan, data: DutyData, duty: Duty | None = None, request=None) -> Duty:
    """Give one or more agencies their tasks under the plan; an agency that did not exist during the plan's period
    is refused."""
    require_manage(acting_user, plan)
    require_draft(plan)
    if duty is not None and duty.plan_id != plan.pk:
        raise ValidationError(_("This duty belongs to another plan."))
    errors: dict[str, list[str]] = {}
    if not data.agencies:
        errors.setdefault("agencies", []).append(_("Choose the agency or agencies the duty is given to."))
    invalid = agencies_not_valid(data.agencies, plan.period_start, plan.period_end)
    if invalid:
        errors.setdefault("agencies", []).append(invalid_agencies_message(invalid, plan))
    if not data.tasks:
        errors.setdefault("tasks", []).append(_("Write at least one task, one a line."))
    if errors:
        raise ValidationError(errors)
    heading = (data.heading or "").strip() or ", ".join(agency.name for agency in data.agencies)
    with transaction.atomic():
        locked = _locked_draft(plan)
        if duty is None:
            number = (locked.duties.aggregate(last=models.Max("number"))["last"] or 0) + 1
            duty = Duty(plan=locked, number=number)
        adding = duty.pk is None
        duty.heading, duty.tasks = heading[:300], "\n".join(data.tasks)
        duty.save()
        duty.agencies.set(data.agencies)
        _record("plan.duty_add" if adding else "plan.duty_update", acting_user, request, locked, duty,
                {"agencies": [None, sorted(a.pk for a in data.agencies)]})
    return duty


def duty_remove(*, acting_user, duty: Duty, request=None) -> None:
    plan = duty.plan
    require_manage(acting_user, plan)
    require_draft(plan)
    with transaction.atomic():
        locked = _locked_draft(plan)
        _record("plan.duty_remove", acting_user, request, locked, duty, {"number": [duty.number, None]})
        duty.delete()
