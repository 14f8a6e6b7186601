"""The plan pages: the list, a plan's text and its versions, writing a draft and its parts, issuing, revising,
copying, sharing and the Word export.

Every view looks the plan up through the policy: 404 to whoever may not see it, 403 to whoever may see it but not
write plans. The actions check again and say what is wrong when they refuse.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trove.cases.attachments import DOCX as CONTENT_TYPE
from trove.cases.attachments import content_disposition
from trove.core import policy
from trove.core.versioning import StaleEdit, stale_changes
from trove.plans import actions, document, selectors
from trove.plans.forms import DutyForm, IndicatorForm, ItemForm, PlanForm, ReferenceForm, ShareForm
from trove.plans.models import ContentItem, Duty, Plan, PlanIndicator, PlanReference, PlanStatus


def get_plan(request: HttpRequest, pk: int, action: str = "plan.view") -> tuple[Plan, frozenset[str]]:
    plan = policy.get_for_user(request.user, Plan.objects.select_related("unit", "issuing_agency", "owner_agency",
                                                                         "report_compiler"), pk, action)
    return plan, policy.permissions_on(request.user, plan)


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, texts in error.message_dict.items():
            form.add_error(name if name in form.fields else None, texts)
    else:
        form.add_error(None, error.messages)


def _child(queryset, plan: Plan, pk: int):
    found = queryset.filter(plan=plan, pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    if not policy.has_permission(request.user, "plan.view"):
        raise PermissionDenied
    try:
        year = int(request.GET.get("year", "") or 0) or None
    except ValueError:
        year = None
    status = request.GET.get("status", "")
    plans = selectors.plan_list(request.user, year=year, status=status)
    page = Paginator(plans, selectors.PLAN_ROWS).get_page(request.GET.get("page"))
    return render(request, "plans/list.html", {
        "page": page, "year": year, "status": status, "statuses": PlanStatus.choices,
        "can_create": policy.has_permission(request.user, "plan.manage"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    if not policy.has_permission(request.user, "plan.manage"):
        raise PermissionDenied
    form = PlanForm(request.POST or None, initial={"report_due_days": 5})
    if request.method == "POST" and form.is_valid():
        try:
            plan = actions.plan_create(acting_user=request.user, data=form.data_object(), request=request)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The draft plan is saved. Add its indicators, content items and duties."))
            return redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form, "plan": None},
                  status=400 if form.is_bound else 200)


def _detail(request: HttpRequest, plan: Plan, permissions: frozenset[str], *, status: int = 200,
            reference_form=None, indicator_form=None, stale: StaleEdit | None = None) -> HttpResponse:
    parts = selectors.plan_with_parts(plan)
    can_manage = "plan.manage" in permissions
    draft = plan.status == PlanStatus.DRAFT
    editable = can_manage and draft
    return render(request, "plans/detail.html", {
        "plan": plan, **parts,
        "reference_lines": [(ref, document.reference_line(ref)) for ref in parts["references"]],
        "indicator_rows": [(i, selectors.definition_for(i.definition_code)) for i in parts["indicators"]],
        "editable": editable, "can_manage": can_manage,
        "can_revise": can_manage and plan.status == PlanStatus.ISSUED
        and not any(v.status == PlanStatus.DRAFT for v in parts["versions"]),
        "reference_form": reference_form or (ReferenceForm(plans=_referable(request, plan)) if editable else None),
        "indicator_form": indicator_form or (IndicatorForm() if editable else None),
        "share_form": ShareForm() if can_manage and plan.status == PlanStatus.ISSUED else None,
        "stale": stale, "others": stale_changes(stale) if stale else [],
    }, status=status)


def _referable(request: HttpRequest, plan: Plan):
    return selectors.plans_visible(request.user).exclude(series=plan.series).exclude(
        status=PlanStatus.DRAFT).order_by("-period_start", "title")


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan, permissions = get_plan(request, pk)
    return _detail(request, plan, permissions)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan, _permissions = get_plan(request, pk, "plan.manage")
    if plan.status != PlanStatus.DRAFT:
        messages.error(request, _("An issued plan cannot be edited: revise it to make a new draft version."))
        return redirect(plan)
    parts = selectors.plan_with_parts(plan)
    form = PlanForm(request.POST or None, initial=PlanForm.initial_for(plan, parts))
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.plan_update(acting_user=request.user, plan=plan, data=form.data_object(),
                                expected_version=form.cleaned_data["revision"], request=request)
        except StaleEdit as error:
            # Keep the user's input; the next save applies it over the other change, knowingly.
            stale = error
            data = request.POST.copy()
            data["revision"] = error.current.revision
            form = PlanForm(data, initial=PlanForm.initial_for(plan, parts))
            form.is_valid()
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect(plan)
    return render(request, "plans/plan_form.html", {
        "form": form, "plan": plan, "stale": stale, "others": stale_changes(stale) if stale else [],
        "stale_hint": _("The form below still holds your input. Compare it with the plan's page, then save again "
                        "to apply it over their change."),
    }, status=409 if stale else 400 if form.is_bound else 200)


def _posted_revision(request: HttpRequest) -> int | None:
    """The plan's lock value the page was opened at (a hidden field); None when the client did not send one."""
    try:
        return int(request.POST["revision"])
    except (KeyError, ValueError):
        return None


def _act(request: HttpRequest, plan: Plan, do, done: str, *, to=None) -> HttpResponse:
    try:
        result = do()
    except StaleEdit as error:
        current, permissions = get_plan(request, plan.pk)
        return _detail(request, current, permissions, stale=error, status=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(plan)
    messages.success(request, done)
    return redirect(to(result) if to else plan)


@login_required
@require_POST
def reference_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan, permissions = get_plan(request, pk, "plan.manage")
    form = ReferenceForm(request.POST, plans=_referable(request, plan))
    if form.is_valid():
        try:
            actions.reference_add(acting_user=request.user, plan=plan, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The plan implemented is added."))
            return redirect(plan)
    return _detail(request, plan, permissions, status=400, reference_form=form)


@login_required
@require_POST
def reference_remove(request: HttpRequest, pk: int, ref_id: int) -> HttpResponse:
    plan, _permissions = get_plan(request, pk, "plan.manage")
    reference = _child(PlanReference.objects.select_related("plan"), plan, ref_id)
    return _act(request, plan, lambda: actions.reference_remove(acting_user=request.user, reference=reference,
                                                               request=request), _("The reference is removed."))


@login_required
@require_POST
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan, permissions = get_plan(request, pk, "plan.manage")
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            actions.indicator_add(acting_user=request.user, plan=plan, data=form.data_object(), request=request)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The indicator is added."))
            return redirect(plan)
    return _detail(request, plan, permissions, status=400, indicator_form=form)


@login_required
@require_POST
def indicator_remove(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    plan, _permissions = get_plan(request, pk, "plan.manage")
    indicator = _child(PlanIndicator.objects.select_related("plan"), plan, indicator_id)
    return _act(request, plan, lambda: actions.indicator_remove(acting_user=request.user, indicator=indicator,
                                                               request=request), _("The indicator is removed."))


def _part_page(request: HttpRequest, plan: Plan, form_class, save, initial=None, *, heading: str):
    if plan.status != PlanStatus.DRAFT:
        messages.error(request, _("An issued plan cannot be edited: revise it to make a new draft version."))
        return redirect(plan)
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.data_object())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect(plan)
    return render(request, "plans/form.html", {"form": form, "plan": plan, "heading": heading},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int, item_id: int | None = None) -> HttpResponse:
    plan, _permissions = get_plan(request, pk, "plan.manage")
    item = _child(ContentItem.objects.prefetch_related("partners"), plan, item_id) if item_id else None
    initial = None
    if item is not None:
        initial = {"title": item.title, "activities": item.activities, "lead_agency": item.lead_agency_id,
                   "partners": [a.pk for a in item.partners.all()], "lead_text": item.lead_text,
                   "partners_text": item.partners_text}

    def save(data):
        return actions.item_save(acting_user=request.user, plan=plan, data=data, item=item, request=request)

    return _part_page(request, plan, ItemForm, save, initial,
                      heading=_("Content item %(number)s") % {"number": item.number} if item else _("New content item"))


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    plan, _permissions = get_plan(request, pk, "plan.manage")
    item = _child(ContentItem.objects.select_related("plan"), plan, item_id)
    return _act(request, plan, lambda: actions.item_remove(acting_user=request.user, item=item, request=request),
                _("The content item is removed."))


@login_required
@require_http_methods(["GET", "POST"])
def duty_edit(request: HttpRequest, pk: int, duty_id: int | None = None) -> HttpResponse:
    plan, _permissions = get_plan(request, pk, "plan.manage")
    duty = _child(Duty.objects.prefetch_related("agencies"), plan, duty_id) if duty_id else None
    initial = None
    if duty is not None:
        initial = {"heading": duty.heading, "agencies": [a.pk for a in duty.agencies.all()], "tasks": duty.tasks}

    def save(data):
        return actions.duty_save(acting_user=request.user, plan=plan, data=data, duty=duty, request=request)

    return _part_page(request, plan, DutyForm, save, initial,
                      heading=_("Duty %(number)s") % {"number": duty.number} if duty else _("New duty"))


@login_required
@require_POST
def duty_remove(request: HttpRequest, pk: int, duty_id: int) -> HttpResponse:
    plan, _permissions = get_plan(request, pk, "plan.manage")
    duty = _child(Duty.objects.select_related("plan"), plan, duty_id)
    return _act(request, plan, lambda: actions.duty_remove(acting_user=request.user, duty=duty, request=request),
                _("The duty is removed."))


@login_required
@require_POST
def plan_issue(request: HttpRequest, pk: int) -> HttpResponse:
    plan, _permissions = get_plan(request, pk, "plan.manage")
    return _act(request, plan, lambda: actions.plan_issue(acting_user=request.user, plan=plan, request=request,
                                                          expected_version=_posted_revision(request)),
                _("The plan is issued: the agencies it names can now see it and report on it."))


@login_required
@require_POST
def plan_revise(request: HttpRequest, pk: int) -> HttpResponse:
    plan, _permissions = get_plan(request, pk, "plan.manage")
    return _act(request, plan, lambda: actions.plan_revise(acting_user=request.user, plan=plan, request=request,
                                                           expected_version=_posted_revision(request)),
                _("A new draft version is made; the issued one stays in force until you issue the draft."),
                to=lambda draft: draft)


@login_required
@require_POST
def plan_copy(request: HttpRequest, pk: int) -> HttpResponse:
    plan, _permissions = get_plan(request, pk, "plan.manage")
    return _act(request, plan, lambda: actions.plan_copy_next_year(acting_user=request.user, plan=plan,
                                                                   request=request),
                _("The plan is copied to the next year as a draft: check its dates, number and references."),
                to=lambda copy: copy)


@login_required
@require_POST
def plan_share(request: HttpRequest, pk: int) -> HttpResponse:
    plan, _permissions = get_plan(request, pk, "plan.manage")
    form = ShareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the agency to share the plan with."))
        return redirect(plan)
    return _act(request, plan, lambda: actions.plan_share(acting_user=request.user, plan=plan,
                                                          agency=form.cleaned_data["agency"], request=request),
                _("%(agency)s can now see the plan.") % {"agency": form.cleaned_data["agency"].name})


@login_required
@require_GET
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan, _permissions = get_plan(request, pk)
    content = actions.plan_export(acting_user=request.user, plan=plan, request=request)
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(document.filename(plan))
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
