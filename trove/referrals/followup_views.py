"""The follow-up pages: the list of visits due and overdue, a case's follow-up, and one visit (issue 7, part 4)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trove.cases.models import Case
from trove.core import paging, policy
from trove.referrals import actions, selectors
from trove.referrals.forms import ActivityForm, PlanForm, VisitForm
from trove.referrals.models import RiskSign, VisitStatus
from trove.referrals.views import add_errors, parsed


@login_required
@require_GET
def followup_list(request: HttpRequest) -> HttpResponse:
    if not policy.has_permission(request.user, "case.edit"):
        raise PermissionDenied
    supervises = policy.has_permission(request.user, "scope.supervise")
    scope = request.GET.get("scope") or ("scope" if supervises else "agency")
    if scope not in selectors.SCOPES:
        scope = "agency"
    today = timezone.localdate()
    limit = selectors.ROWS
    number = paging.page_number(request)
    offset = (number - 1) * limit
    # One row more than a page tells whether a next page exists, without counting them all.
    visits = list(selectors.visits_due(request.user, scope, today)[offset: offset + limit + 1])
    alerts = list(selectors.recent_alerts(request.user, scope, today)[: limit + 1])
    context = {
        "scope": scope,
        "supervises": supervises,
        "today": today,
        "visits": [(visit, visit.is_overdue(today)) for visit in visits[:limit]],
        "alerts": alerts[:limit],
        "more_alerts": len(alerts) > limit,
        "page_number": number,
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if len(visits) > limit else None,
        "limit": limit,
        "horizon": selectors.DUE_HORIZON_DAYS,
        "alert_days": selectors.ALERT_DAYS,
    }
    return render(request, "referrals/followup_list.html", context)


def _case_with_followup(request: HttpRequest, code: str, action: str = "case.view"):
    """The case by its code through the policy, asked once: 404 unless the user sees its follow-up section, 403
    unless they may do ``action``."""
    case = Case.objects.select_related("owner_agency").filter(code=(code or "")[:24]).first()
    if case is None:
        raise Http404
    permissions, shown = policy.access_on(request.user, case)
    if Case.access_view_permission not in permissions or (shown is not None and "followup" not in shown):
        raise Http404
    if action not in permissions:
        raise PermissionDenied
    return case, permissions


@login_required
@require_GET
def case_followup(request: HttpRequest, code: str) -> HttpResponse:
    case, permissions = _case_with_followup(request, code)
    data = selectors.case_followup(case)
    today = timezone.localdate()
    can_edit = "case.edit" in permissions
    show_identity = "case.view_identity" in permissions and policy.reveal_identity(request.user, case,
                                                                                     request=request)
    context = {
        "case": case,
        "followup": data,
        "visits": [(visit, visit.is_overdue(today)) for visit in data.visits],
        "today": today,
        "can_edit": can_edit,
        "show_identity": show_identity,
        "plan_form": PlanForm(initial={"returned_on": today}) if can_edit and data.plan is None else None,
        "activity_form": ActivityForm(initial={"held_on": today}) if can_edit else None,
    }
    return render(request, "referrals/case_followup.html", context)


def _post(request: HttpRequest, code: str, form_class, do, done: str) -> HttpResponse:
    case, _permissions = _case_with_followup(request, code, "case.edit")
    try:
        do(case, parsed(form_class, request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("referrals:case_followup", case.code)


@login_required
@require_POST
def plan_create(request: HttpRequest, code: str) -> HttpResponse:
    def do(case, data):
        actions.followup_plan_create(acting_user=request.user, case=case, returned_on=data.get("returned_on"),
                                     request=request)
    return _post(request, code, PlanForm, do, _("The follow-up plan is made, with its visits."))


@login_required
@require_POST
def activity_record(request: HttpRequest, code: str) -> HttpResponse:
    def do(case, data):
        actions.union_activity_record(acting_user=request.user, case=case, kind=data.get("kind", ""),
                                      held_on=data.get("held_on"), amount=data.get("amount"),
                                      description=data.get("description", ""), request=request)
    return _post(request, code, ActivityForm, do, _("The Women's Union activity is recorded."))


@login_required
@require_http_methods(["GET", "POST"])
def visit(request: HttpRequest, visit_id: int) -> HttpResponse:
    found, permissions = selectors.visit_for_user(request.user, visit_id)
    can_record = "case.edit" in permissions and found.status == VisitStatus.PLANNED
    status = 200
    if request.method == "POST":
        if "case.edit" not in permissions:
            raise PermissionDenied
        form = VisitForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            answers = actions.VisitAnswers(**{name: data[name] for name in (
                "contact", "living_situation", "health", "schooling", "work_income", "family_relations", "stigma",
                "risk_signs", "notes")})
            try:
                recorded = actions.followup_visit_record(acting_user=request.user, visit=found,
                                                         visited_on=data["visited_on"], answers=answers,
                                                         request=request)
            except ValidationError as error:
                add_errors(form, error)
            else:
                if recorded.risk_alert:
                    messages.warning(request, _("The visit is recorded. Its answers show signs of risk: the "
                                                "caseworker is alerted."))
                else:
                    messages.success(request, _("The visit is recorded."))
                return redirect("referrals:case_followup", found.case.code)
        status = 400
    else:
        form = VisitForm(initial={"visited_on": timezone.localdate()}) if can_record else None
    show_identity = "case.view_identity" in permissions and policy.reveal_identity(request.user, found.case,
                                                                                     request=request)
    context = {"visit": found, "case": found.case, "form": form, "can_record": can_record,
               "show_identity": show_identity, "today": timezone.localdate(),
               "sign_labels": [RiskSign(sign).label for sign in found.risk_signs if sign in RiskSign.values]}
    return render(request, "referrals/visit.html", context, status=status)
