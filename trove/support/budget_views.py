"""The finance office's pages (issue 6, part 5): funding sources, yearly estimates with spending against them, and the
Excel export. Lists go through ``policy.visible`` (``budget.view``); an estimate another agency may not see is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from trove.core import policy
from trove.support import budget_actions
from trove.support.budgets import budget_table, estimates_visible, sources_visible
from trove.support.forms import EstimateForm, LineForm, ReasonForm, SourceCloseForm, SourceForm
from trove.support.models import BudgetEstimate, EstimateLine, EstimateStatus, FundingSource
from trove.support.page_helpers import put_errors
from trove.support.selectors import sources_for_agency

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_budget_view(request: HttpRequest) -> None:
    if not policy.has_permission(request.user, "budget.view"):
        raise PermissionDenied


def _budgets_page(request: HttpRequest, *, estimate_form=None, source_form=None, status: int = 200) -> HttpResponse:
    _require_budget_view(request)
    managed = budget_actions.agencies_managed(request.user)
    may_manage = managed.exists()
    if may_manage:
        estimate_form = estimate_form or EstimateForm(initial={"year": timezone.localdate().year})
        source_form = source_form or SourceForm(initial={"valid_from": timezone.localdate()})
        estimate_form.fields["agency"].queryset = managed
        source_form.fields["owner_agency"].queryset = managed
    sources = list(sources_visible(request.user))
    manageable = {s.pk for s in sources if policy.can(request.user, "budget.manage", s)} if may_manage else set()
    context = {
        "estimates": list(estimates_visible(request.user)),
        "sources": [(s, s.pk in manageable) for s in sources],
        "estimate_form": estimate_form if may_manage else None,
        "source_form": source_form if may_manage else None,
        "close_form": SourceCloseForm(initial={"valid_to": timezone.localdate()}) if manageable else None,
        "today": timezone.localdate(),
    }
    return render(request, "support/budgets.html", context, status=status)


@login_required
@require_GET
def budgets(request: HttpRequest) -> HttpResponse:
    return _budgets_page(request)


@login_required
@require_POST
def estimate_add(request: HttpRequest) -> HttpResponse:
    _require_budget_view(request)
    form = EstimateForm(request.POST)
    form.fields["agency"].queryset = budget_actions.agencies_managed(request.user)
    if form.is_valid():
        try:
            estimate = budget_actions.estimate_create(acting_user=request.user, agency=form.cleaned_data["agency"],
                                                      year=form.cleaned_data["year"],
                                                      notes=form.cleaned_data["notes"], request=request)
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The estimate is opened; add its lines."))
            return redirect("support:estimate", estimate.pk)
    return _budgets_page(request, estimate_form=form, status=400)


@login_required
@require_POST
def source_add(request: HttpRequest) -> HttpResponse:
    _require_budget_view(request)
    form = SourceForm(request.POST)
    form.fields["owner_agency"].queryset = budget_actions.agencies_managed(request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            budget_actions.funding_source_create(
                acting_user=request.user, owner_agency=data["owner_agency"], name=data["name"], kind=data["kind"],
                level=data["level"], donor=data["donor"], project_code=data["project_code"],
                valid_from=data["valid_from"], valid_to=data["valid_to"], request=request)
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The funding source is added."))
            return redirect(reverse("support:budgets") + "#sources")
    return _budgets_page(request, source_form=form, status=400)


@login_required
@require_POST
def source_close(request: HttpRequest, source_id: int) -> HttpResponse:
    source = policy.get_for_user(request.user, FundingSource, source_id, "budget.manage")
    form = SourceCloseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the last day the source may be used."))
        budget_actions.funding_source_close(acting_user=request.user, source=source,
                                            valid_to=form.cleaned_data["valid_to"], request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The funding source is closed after that day."))
    return redirect(reverse("support:budgets") + "#sources")


def _estimate_page(request: HttpRequest, estimate_id: int, *, line_form=None, status: int = 200) -> HttpResponse:
    estimate = policy.get_for_user(request.user, BudgetEstimate.objects.select_related("owner_agency"), estimate_id,
                                   "budget.view")
    may_manage = policy.can(request.user, "budget.manage", estimate)
    editable = may_manage and estimate.status == EstimateStatus.DRAFT
    if editable:
        line_form = line_form or LineForm()
        line_form.fields["funding_source"].queryset = sources_for_agency(estimate.owner_agency)
    context = {
        "estimate": estimate, "table": budget_table(estimate), "may_manage": may_manage, "editable": editable,
        "line_form": line_form if editable else None, "reopen_form": ReasonForm() if may_manage else None,
    }
    return render(request, "support/estimate.html", context, status=status)


@login_required
@require_GET
def estimate(request: HttpRequest, estimate_id: int) -> HttpResponse:
    return _estimate_page(request, estimate_id)


def _managed_estimate(request: HttpRequest, estimate_id: int) -> BudgetEstimate:
    return policy.get_for_user(request.user, BudgetEstimate.objects.select_related("owner_agency"), estimate_id,
                               "budget.manage")


@login_required
@require_POST
def line_set(request: HttpRequest, estimate_id: int) -> HttpResponse:
    found = _managed_estimate(request, estimate_id)
    form = LineForm(request.POST)
    form.fields["funding_source"].queryset = sources_for_agency(found.owner_agency)
    if form.is_valid():
        data = form.cleaned_data
        try:
            budget_actions.estimate_line_set(acting_user=request.user, estimate=found,
                                             funding_source=data["funding_source"], support_type=data["support_type"],
                                             amount=data["amount"], basis=data["basis"], request=request)
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The line is saved."))
            return redirect("support:estimate", found.pk)
    return _estimate_page(request, estimate_id, line_form=form, status=400)


def _simple(request: HttpRequest, estimate_id: int, do, done: str) -> HttpResponse:
    found = _managed_estimate(request, estimate_id)
    try:
        do(found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("support:estimate", found.pk)


@login_required
@require_POST
def line_remove(request: HttpRequest, estimate_id: int, line_id: int) -> HttpResponse:
    def do(found: BudgetEstimate) -> None:
        line = EstimateLine.objects.filter(estimate=found, pk=line_id).select_related("estimate", "support_type")\
            .first()
        if line is None:
            raise Http404
        budget_actions.estimate_line_remove(acting_user=request.user, line=line, request=request)
    return _simple(request, estimate_id, do, _("The line is removed."))


@login_required
@require_POST
def estimate_submit(request: HttpRequest, estimate_id: int) -> HttpResponse:
    return _simple(request, estimate_id,
                   lambda found: budget_actions.estimate_submit(acting_user=request.user, estimate=found,
                                                                request=request),
                   _("The estimate is submitted."))


@login_required
@require_POST
def estimate_reopen(request: HttpRequest, estimate_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    return _simple(request, estimate_id,
                   lambda found: budget_actions.estimate_reopen(acting_user=request.user, estimate=found,
                                                                reason=reason, request=request),
                   _("The estimate is a draft again."))


@login_required
@require_GET
def estimate_export(request: HttpRequest, estimate_id: int) -> HttpResponse:
    found = policy.get_for_user(request.user, BudgetEstimate.objects.select_related("owner_agency"), estimate_id,
                                "budget.view")
    content = budget_actions.estimate_export(acting_user=request.user, estimate=found, request=request)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="du-tru-kinh-phi-{found.year}-{found.pk}.xlsx"'
    return response
