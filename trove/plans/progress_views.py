"""The plan dashboard (progress: each indicator against its target, each agency's duties, activities and reports),
the records behind an indicator, the agencies' reports and the coordinator's reminders."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trove.agencies.models import Agency
from trove.core import policy
from trove.core.indicators import Kind
from trove.plans import actions, figures, selectors
from trove.plans.actions.common import duty_agencies
from trove.plans.forms import PeriodForm, ReportForm
from trove.plans.models import AgencyReport, PlanIndicator, PlanStatus
from trove.plans.periods import plan_periods
from trove.plans.views import add_errors, get_plan
from trove.reports import cache


def _chosen_period(request: HttpRequest, plan) -> tuple[datetime.date, datetime.date, PeriodForm]:
    """The period asked for (``start``/``end``), the plan's period by default; a period ending before it starts is
    ignored."""
    form = PeriodForm(request.GET or None)
    start, end = plan.period_start, plan.period_end
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
        if end < start:
            start, end = plan.period_start, plan.period_end
    return start, end, form


@login_required
@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    plan, permissions = get_plan(request, pk)
    start, end, period_form = _chosen_period(request, plan)
    today = timezone.localdate()
    in_force = plan.status == PlanStatus.ISSUED
    may_report = in_force and bool(permissions & {"plan.report", "plan.manage"})
    rows = selectors.agency_rows(plan, today)
    served = cache.Served()  # right after a change: the values computed before it, with their time
    indicators = selectors.indicator_rows(plan, start, end, served)
    return render(request, "plans/progress.html", {
        "plan": plan, "start": start, "end": end, "period_form": period_form,
        "periods": plan_periods(plan), "as_of": served.as_of,
        "indicator_rows": indicators,
        "agency_rows": rows, "overdue": sum(row.overdue for row in rows), "today": today,
        "share": Kind.SHARE, "may_report": may_report,
        "can_remind": in_force and "plan.manage" in permissions,
    })


@login_required
@require_GET
def indicator_records(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    """The records behind one indicator's figure for the chosen period, those the user may see; of the others only
    how many there are."""
    plan, _permissions = get_plan(request, pk)
    indicator = PlanIndicator.objects.select_related("unit_scope").filter(plan=plan, pk=indicator_id).first()
    if indicator is None:
        raise Http404
    start, end, _form = _chosen_period(request, plan)
    definition = selectors.definition_for(indicator.definition_code)
    context = {"plan": plan, "indicator": indicator, "definition": definition, "start": start, "end": end}
    if definition is not None:
        scope = selectors.scope_of(plan, indicator, start, end)
        context["value"] = figures.value(definition, scope)
        if definition.kind == Kind.SHARE:
            context["lists"] = [
                (_("Meeting the target"), selectors.records_behind(request.user, definition, scope, meeting=True)),
                (_("Not meeting it"), selectors.records_behind(request.user, definition, scope, meeting=False)),
            ]
        else:
            context["lists"] = [(_("Records counted"), selectors.records_behind(request.user, definition, scope,
                                                                                 meeting=None))]
    return render(request, "plans/indicator.html", context)


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    plan, _permissions = get_plan(request, pk, "plan.manage")
    try:
        count = actions.send_report_reminders(acting_user=request.user, plan=plan, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(count)d reminders sent to the members of the agencies whose reports are "
                                    "overdue.") % {"count": count})
    return redirect("plans:progress", plan.pk)


def _reporting_agencies(request: HttpRequest, plan, permissions):
    agencies = Agency.objects.filter(pk__in=duty_agencies(plan)).order_by("name")
    if "plan.manage" not in permissions:
        agencies = agencies.filter(pk__in=policy.agencies_of(request.user, "plan.report"))
    return agencies


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan, permissions = get_plan(request, pk)
    if not permissions & {"plan.report", "plan.manage"}:
        raise PermissionDenied
    periods = [period for period in plan_periods(plan) if period.start <= timezone.localdate()]
    agencies = _reporting_agencies(request, plan, permissions)
    initial = {"agency": request.GET.get("agency"), "period": request.GET.get("period")}
    existing = None
    if initial["agency"] and (initial["agency"] or "").isdigit() and _is_date(initial["period"] or ""):
        existing = AgencyReport.objects.filter(series=plan.series, agency_id=initial["agency"],
                                               period_start=initial["period"]).first()
        if existing is not None and request.method == "GET":
            initial.update(results=existing.results, difficulties=existing.difficulties,
                           proposals=existing.proposals)
    form = ReportForm(request.POST or None, initial=initial, agencies=agencies, periods=periods)
    if request.method == "POST" and form.is_valid():
        period = form.periods[form.cleaned_data["period"]]
        try:
            actions.report_submit(acting_user=request.user, plan=plan, agency=form.cleaned_data["agency"],
                                  period_start=period.start, period_end=period.end,
                                  results=form.cleaned_data["results"],
                                  difficulties=form.cleaned_data["difficulties"],
                                  proposals=form.cleaned_data["proposals"], request=request)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The report is recorded."))
            return redirect("plans:progress", plan.pk)
    return render(request, "plans/form.html", {
        "form": form, "plan": plan, "heading": _("Report on the agency's duties"),
        "back": "progress", "correcting": existing is not None,
    }, status=400 if form.is_bound else 200)


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int, report_id: int) -> HttpResponse:
    plan, permissions = get_plan(request, pk)
    report = (AgencyReport.objects.select_related("agency", "submitted_by")
              .filter(series=plan.series, pk=report_id).first())
    if report is None:
        raise Http404
    can_correct = plan.status == PlanStatus.ISSUED and (
        "plan.manage" in permissions
        or ("plan.report" in permissions and report.agency_id in policy.agencies_of(request.user, "plan.report")))
    return render(request, "plans/report.html", {"plan": plan, "report": report, "can_correct": can_correct})
