"""What the plan actions share: who may do what on a plan, and whether an agency or a unit existed when it had to."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.agencies.models import Agency
from trove.core import policy
from trove.geo.models import AdminUnit
from trove.plans.models import Plan, PlanStatus


def today() -> datetime.date:
    return timezone.localdate()


def require_manage(user, plan: Plan) -> frozenset[str]:
    """404 when the user may not see the plan, 403 when they may see it but not write plans."""
    return policy.require(user, "plan.manage", plan)


def require_report(user, plan: Plan) -> frozenset[str]:
    """The user may see the plan and report on it (``plan.report``) or write it (``plan.manage``)."""
    permissions = policy.require(user, "plan.view", plan)
    if not permissions & {"plan.report", "plan.manage"}:
        raise PermissionDenied
    return permissions


def may_act_for(user, permissions: frozenset[str], agency: Agency) -> bool:
    """Whether the user may report or record for ``agency``: as its member with ``plan.report``, or as a coordinator
    who writes the plan (who records what agencies send in on paper, and the archive of bodies that no longer
    exist)."""
    if "plan.manage" in permissions:
        return True
    return agency.pk in policy.agencies_of(user, "plan.report")


def require_draft(plan: Plan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(
            _("This version of the plan is %(status)s and cannot be edited: an issued plan is changed by revising it, "
              "which makes a new draft version.") % {"status": plan.get_status_display().lower()},
            code="not_draft",
        )


def require_in_force(plan: Plan) -> None:
    if plan.status != PlanStatus.ISSUED:
        raise ValidationError(
            _("Reports and activities are recorded under the version of the plan in force; this one is %(status)s.")
            % {"status": plan.get_status_display().lower()}, code="not_in_force",
        )


def valid_in(agency: Agency, start: datetime.date, end: datetime.date) -> bool:
    """The agency existed on at least one day of the period."""
    return (agency.valid_from is None or agency.valid_from <= end) and (agency.valid_to is None
                                                                        or agency.valid_to >= start)


def unit_valid_on(unit: AdminUnit, day: datetime.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or unit.valid_to >= day)


def agencies_not_valid(agencies, start: datetime.date, end: datetime.date) -> list[Agency]:
    return [agency for agency in agencies if agency is not None and not valid_in(agency, start, end)]


def period_text(start: datetime.date, end: datetime.date) -> str:
    return f"{start:%d/%m/%Y}–{end:%d/%m/%Y}"


def invalid_agencies_message(agencies: list[Agency], plan_or_start, end: datetime.date | None = None) -> str:
    if isinstance(plan_or_start, Plan):
        start, end = plan_or_start.period_start, plan_or_start.period_end
    else:
        start = plan_or_start
    return _("%(agencies)s did not exist during the plan's period (%(period)s): choose agencies valid then.") % {
        "agencies": ", ".join(agency.name for agency in agencies), "period": period_text(start, end)}


def plan_agencies(plan: Plan) -> set[int]:
    """Ids of every agency the plan names: the issuer, leads and partners of its content items, the agencies with
    duties, the compiler and recipients of its reports."""
    ids = {plan.issuing_agency_id, plan.owner_agency_id}
    for item in plan.content_items.prefetch_related("partners"):
        ids.add(item.lead_agency_id)
        ids.update(partner.pk for partner in item.partners.all())
    for duty in plan.duties.prefetch_related("agencies"):
        ids.update(agency.pk for agency in duty.agencies.all())
    if plan.report_compiler_id:
        ids.add(plan.report_compiler_id)
    ids.update(plan.report_recipients.values_list("pk", flat=True))
    return ids


def duty_agencies(plan: Plan) -> set[int]:
    return set(Agency.objects.filter(pk__in=plan.duties.values("agencies")).values_list("pk", flat=True))
