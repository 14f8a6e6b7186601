"""Funding sources and yearly budget estimates (issue 6, part 5).

A member with ``budget.manage`` manages the sources and estimates of their own agency, and a finance office's member
those of the agencies placed within the finance office's place (the provincial finance department prepares the health
department's estimate, say). When the finance office acts for another agency it takes part in the record
(a shared-assignment participation), so that it keeps seeing it through the access policy.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.agencies.models import Agency, AgencyType
from trove.core import audit, policy
from trove.core.actions import participation_start
from trove.core.models.access import Participation, ParticipationReason
from trove.rules.models import SupportType
from trove.support.common import Errors, check_amount, check_reason
from trove.support.models import (
    BudgetEstimate,
    BudgetLevel,
    EstimateLine,
    EstimateStatus,
    FundingKind,
    FundingSource,
)
from trove.support.selectors import sources_for_agency

FIRST_YEAR, LAST_YEAR_AHEAD = 2012, 2  # estimates from regime A's first year to two years ahead


def managing_membership(user, agency: Agency):
    """The membership through which ``user`` manages the budget of ``agency``: in the agency itself, or in a finance
    office whose place covers the agency's place; None when there is none."""
    memberships = policy.memberships_with(user, "budget.manage")
    for membership in memberships:
        if membership.agency_id == agency.pk:
            return membership
    for membership in memberships:
        if membership.agency.agency_type == AgencyType.FINANCE and Agency.objects.filter(pk=agency.pk).filter(
                policy.covered_units(membership.agency.unit)).exists():
            return membership
    return None


def agencies_managed(user):
    """The agencies whose budget the user may manage (their own, and those a finance office of theirs covers)."""
    condition = None
    from django.db.models import Q

    for membership in policy.memberships_with(user, "budget.manage"):
        part = Q(pk=membership.agency_id)
        if membership.agency.agency_type == AgencyType.FINANCE:
            part |= policy.covered_units(membership.agency.unit)
        condition = part if condition is None else condition | part
    if condition is None:
        return Agency.objects.none()
    return Agency.objects.current().filter(condition).order_by("name", "pk")


def _take_part(acting_user, membership, obj, request) -> None:
    if membership.agency_id != obj.owner_agency_id and not Participation.objects.active().for_object(obj).filter(
            agency_id=membership.agency_id).exists():
        participation_start(acting_user=acting_user, obj=obj, agency=membership.agency,
                            reason=ParticipationReason.SHARED_ASSIGNMENT, request=request)


def _require_manage(user, obj) -> None:
    """404 when the user may not see the record, 403 when they may see it but not manage it."""
    policy.require(user, "budget.manage", obj)


def funding_source_create(*, acting_user, owner_agency: Agency, name: str, kind: str, valid_from: datetime.date,
                          level: str = "", donor: str = "", project_code: str = "",
                          valid_to: datetime.date | None = None, request=None) -> FundingSource:
    membership = managing_membership(acting_user, owner_agency) if owner_agency else None
    if owner_agency is not None and membership is None:
        raise PermissionDenied(_("You may manage the budget of your own agency, or of those your finance office "
                                 "covers."))
    errors = Errors()
    name = (name or "").strip()
    if not name:
        errors.add("name", _("Give the name of the funding source."))
    if owner_agency is None:
        errors.add("owner_agency", _("Choose the agency that manages the source."))
    if kind not in FundingKind.values:
        errors.add("kind", _("Choose the kind of source."))
    elif kind == FundingKind.STATE_BUDGET and level not in BudgetLevel.values:
        errors.add("level", _("Say which level of the state budget it is."))
    elif kind == FundingKind.DONOR_PROJECT and not (donor or "").strip():
        errors.add("donor", _("Name the donor of the project."))
    if valid_from is None:
        errors.add("valid_from", _("Give the date from which the source may be used."))
    elif valid_to is not None and valid_to < valid_from:
        errors.add("valid_to", _("The end date cannot be before the start date."))
    errors.raise_any()
    with transaction.atomic():
        source = FundingSource.objects.create(
            owner_agency=owner_agency, unit_id=owner_agency.unit_id, name=name[:200], kind=kind,
            level=level if kind == FundingKind.STATE_BUDGET else "", donor=(donor or "").strip()[:200],
            project_code=(project_code or "").strip()[:60], valid_from=valid_from, valid_to=valid_to,
            created_by=acting_user)
        _take_part(acting_user, membership, source, request)
        audit.record("budget.source_create", actor=acting_user, request=request, agency=membership.agency,
                     obj=source, changes={"owner_agency": [None, owner_agency.pk], "name": [None, source.name],
                                          "kind": [None, kind], "level": [None, source.level],
                                          "valid_from": [None, valid_from], "valid_to": [None, valid_to]})
    return source


def funding_source_close(*, acting_user, source: FundingSource, valid_to: datetime.date,
                         request=None) -> FundingSource:
    """Stop a source from being used after ``valid_to``; entries already recorded keep it."""
    _require_manage(acting_user, source)
    errors = Errors()
    if valid_to is None or valid_to < source.valid_from:
        errors.add("valid_to", _("The end date cannot be before the start date."))
    errors.raise_any()
    with transaction.atomic():
        locked = FundingSource.objects.select_for_update().get(pk=source.pk)
        before = locked.valid_to
        locked.valid_to = valid_to
        locked.save(update_fields=["valid_to"])
        audit.record("budget.source_close", actor=acting_user, request=request, obj=locked,
                     changes={"valid_to": [before, valid_to]})
    source.valid_to = locked.valid_to
    return locked


def estimate_create(*, acting_user, agency: Agency, year: int, notes: str = "", request=None) -> BudgetEstimate:
    """Open the estimate of ``agency`` for ``year`` (one per agency and year)."""
    membership = managing_membership(acting_user, agency) if agency else None
    if agency is not None and membership is None:
        raise PermissionDenied(_("You may manage the budget of your own agency, or of those your finance office "
                                 "covers."))
    errors = Errors()
    if agency is None:
        errors.add("agency", _("Choose the agency."))
    this_year = timezone.localdate().year
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= this_year + LAST_YEAR_AHEAD:
        errors.add("year", _("Give a year between %(first)d and %(last)d.")
                   % {"first": FIRST_YEAR, "last": this_year + LAST_YEAR_AHEAD})
    errors.raise_any()
    with transaction.atomic():
        if BudgetEstimate.objects.filter(owner_agency=agency, year=year).exists():
            Errors({"year": [_("%(agency)s already has an estimate for %(year)d.")
                             % {"agency": agency.name, "year": year}]}).raise_any()
        estimate = BudgetEstimate.objects.create(owner_agency=agency, unit_id=agency.unit_id, year=year,
                                                 notes=(notes or "").strip(), created_by=acting_user)
        _take_part(acting_user, membership, estimate, request)
        audit.record("budget.estimate_create", actor=acting_user, request=request, agency=membership.agency,
                     obj=estimate, changes={"owner_agency": [None, agency.pk], "year": [None, year]})
    return estimate


def _editable(estimate: BudgetEstimate) -> BudgetEstimate:
    locked = BudgetEstimate.objects.select_for_update().get(pk=estimate.pk)
    if locked.status != EstimateStatus.DRAFT:
        Errors({"__all__": [_("The estimate was submitted: reopen it, with a reason, to change it.")]}).raise_any()
    return locked


def estimate_line_set(*, acting_user, estimate: BudgetEstimate, funding_source: FundingSource,
                      support_type: SupportType, amount: int, basis: str = "", request=None) -> EstimateLine:
    """Set the estimated amount of one funding source and support type (replacing an earlier one)."""
    _require_manage(acting_user, estimate)
    errors = Errors()
    check_amount(errors, "amount", amount, required=True)
    if funding_source is None:
        errors.add("funding_source", _("Choose the funding source."))
    elif not sources_for_agency(estimate.owner_agency).filter(pk=funding_source.pk).exists():
        errors.add("funding_source", _("This source is neither the agency's own nor placed over its place."))
    elif not (funding_source.valid_from.year <= estimate.year
              and (funding_source.valid_to is None or funding_source.valid_to.year >= estimate.year)):
        errors.add("funding_source", _("This source is not open in %(year)d.") % {"year": estimate.year})
    if support_type is None:
        errors.add("support_type", _("Choose the type of support."))
    errors.raise_any()
    with transaction.atomic():
        _editable(estimate)
        line = EstimateLine.objects.filter(estimate=estimate, funding_source=funding_source,
                                           support_type=support_type).first()
        before = line.amount if line else None
        line = line or EstimateLine(estimate=estimate, funding_source=funding_source, support_type=support_type)
        line.amount, line.basis = int(amount), (basis or "").strip()[:300]
        line.save()
        audit.record("budget.estimate_line_set", actor=acting_user, request=request, obj=estimate,
                     changes={"funding_source": [None, funding_source.pk], "support_type": [None, support_type.code],
                              "amount": [before, line.amount]})
    return line


def estimate_line_remove(*, acting_user, line: EstimateLine, request=None) -> None:
    estimate = line.estimate
    _require_manage(acting_user, estimate)
    with transaction.atomic():
        _editable(estimate)
        audit.record("budget.estimate_line_remove", actor=acting_user, request=request, obj=estimate,
                     changes={"funding_source": [line.funding_source_id, None],
                              "support_type": [line.support_type.code, None], "amount": [line.amount, None]})
        line.delete()


def estimate_submit(*, acting_user, estimate: BudgetEstimate, request=None) -> BudgetEstimate:
    _require_manage(acting_user, estimate)
    with transaction.atomic():
        locked = _editable(estimate)
        if not locked.lines.exists():
            Errors({"__all__": [_("Add at least one line before submitting the estimate.")]}).raise_any()
        locked.status, locked.submitted_by, locked.submitted_at = (EstimateStatus.SUBMITTED, acting_user,
                                                                   timezone.now())
        locked.save(update_fields=["status", "submitted_by", "submitted_at"])
        audit.record("budget.estimate_submit", actor=acting_user, request=request, obj=locked,
                     changes={"status": [EstimateStatus.DRAFT, EstimateStatus.SUBMITTED]})
    estimate.status = locked.status
    return locked


def estimate_reopen(*, acting_user, estimate: BudgetEstimate, reason: str, request=None) -> BudgetEstimate:
    _require_manage(acting_user, estimate)
    errors = Errors()
    reason = check_reason(errors, "reason", reason, _("reopening the estimate"))
    errors.raise_any()
    with transaction.atomic():
        locked = BudgetEstimate.objects.select_for_update().get(pk=estimate.pk)
        if locked.status != EstimateStatus.SUBMITTED:
            Errors({"__all__": [_("The estimate is still a draft.")]}).raise_any()
        locked.status = EstimateStatus.DRAFT
        locked.save(update_fields=["status"])
        audit.record("budget.estimate_reopen", actor=acting_user, request=request, obj=locked, reason=reason,
                     changes={"status": [EstimateStatus.SUBMITTED, EstimateStatus.DRAFT]})
    estimate.status = locked.status
    return locked


def estimate_export(*, acting_user, estimate: BudgetEstimate, request=None) -> bytes:
    """The estimate and its spending as an Excel workbook (amounts by source and type, entries without any case or
    person); every export is audited."""
    from trove.support.exports import estimate_workbook

    policy.require(acting_user, "budget.view", estimate)
    content = estimate_workbook(estimate)
    audit.record("budget.estimate_export", actor=acting_user, request=request, obj=estimate,
                 changes={"format": [None, "xlsx"], "bytes": [None, len(content)]})
    return content
