"""Recording an activity under a plan, reading one, and its files (stored encrypted, downloaded through the policy)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trove.agencies.models import Agency
from trove.cases.attachments import check_size, content_disposition, download_name
from trove.core import policy
from trove.plans import actions, selectors
from trove.plans.actions.common import plan_agencies
from trove.plans.forms import ActivityForm, FileForm, ParticipantFormSet
from trove.plans.models import Activity, ActivityKind, PlanStatus
from trove.plans.views import add_errors, get_plan


def _activity(plan, activity_id: int) -> Activity:
    activity = (Activity.objects.select_related("owner_agency", "unit", "plan", "content_item", "solution",
                                                "visited_unit", "visited_agency", "recorded_by")
                .filter(series=plan.series, pk=activity_id).first())
    if activity is None:
        raise Http404
    return activity


def _may_write(permissions) -> bool:
    return bool(permissions & {"plan.report", "plan.manage"})


@login_required
@require_GET
def activity_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Every activity held under the plan, the latest first, by kind or by agency."""
    plan, _permissions = get_plan(request, pk)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ActivityKind.values else ""
    agency_id = request.GET.get("agency", "")
    agency = Agency.objects.filter(pk=agency_id).first() if agency_id.isdigit() else None
    activities = selectors.plan_activities(plan, kind=kind, agency_id=agency.pk if agency else None)
    page = Paginator(activities, selectors.ACTIVITY_ROWS).get_page(request.GET.get("page"))
    return render(request, "plans/activities.html", {"plan": plan, "page": page, "kind": kind, "agency": agency,
                                                     "kinds": ActivityKind.choices})


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    plan, permissions = get_plan(request, pk)
    if kind not in ActivityKind.values:
        raise Http404
    if not _may_write(permissions):
        raise PermissionDenied
    if plan.status != PlanStatus.ISSUED:
        messages.error(request, _("Activities are recorded under the version of the plan in force."))
        return redirect(plan)
    named = Agency.objects.filter(pk__in=plan_agencies(plan)).order_by("name")
    own = named if "plan.manage" in permissions else named.filter(pk__in=policy.agencies_of(request.user,
                                                                                           "plan.report"))
    form = ActivityForm(request.POST or None, kind=kind, agencies=own, plan_agencies=named,
                        items=list(plan.content_items.all()), solutions=list(plan.solutions.all()))
    participants = ParticipantFormSet(request.POST or None, prefix="participants",
                                      form_kwargs={"agencies": Agency.objects.order_by("name")}) \
        if kind == ActivityKind.TRAINING else None
    if request.method == "POST" and form.is_valid() and (participants is None or participants.is_valid()):
        rows = [(f.cleaned_data["agency"], f.cleaned_data["number"]) for f in participants
                if f.cleaned_data.get("agency")] if participants is not None else []
        try:
            activity = actions.activity_record(acting_user=request.user, plan=plan, data=form.data_object(rows),
                                               request=request)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The activity is recorded."))
            return redirect(activity)
    return render(request, "plans/form.html", {
        "form": form, "formset": participants, "plan": plan, "back": "progress",
        "heading": _("Record an activity: %(kind)s") % {"kind": ActivityKind(kind).label},
    }, status=400 if form.is_bound else 200)


@login_required
@require_GET
def activity_detail(request: HttpRequest, pk: int, activity_id: int) -> HttpResponse:
    plan, permissions = get_plan(request, pk)
    return _activity_page(request, plan, permissions, _activity(plan, activity_id))


def _activity_page(request: HttpRequest, plan, permissions, activity: Activity, upload_form=None,
                   status: int = 200) -> HttpResponse:
    may_attach = _may_write(permissions) and (
        "plan.manage" in permissions or activity.owner_agency_id in policy.agencies_of(request.user, "plan.report"))
    return render(request, "plans/activity.html", {
        "plan": plan, "activity": activity,
        "participants": activity.participant_rows.select_related("agency").order_by("agency__name"),
        "involved": activity.agencies.order_by("name"), "files": activity.files.order_by("uploaded_at"),
        "upload_form": upload_form or (FileForm() if may_attach else None),
    }, status=status)


@login_required
@require_POST
def activity_file_add(request: HttpRequest, pk: int, activity_id: int) -> HttpResponse:
    plan, permissions = get_plan(request, pk)
    if not _may_write(permissions):
        raise PermissionDenied
    activity = _activity(plan, activity_id)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)  # before reading it into memory
            actions.activity_file_add(acting_user=request.user, activity=activity, name=upload.name,
                                      content=upload.read(), description=form.cleaned_data["description"],
                                      request=request)
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            messages.success(request, _("The file is added to the activity."))
            return redirect(activity)
    return _activity_page(request, plan, permissions, activity, upload_form=form, status=400)


@login_required
@require_GET
def activity_file(request: HttpRequest, pk: int, activity_id: int, file_id: int) -> HttpResponse:
    plan, _permissions = get_plan(request, pk)
    activity = _activity(plan, activity_id)
    stored = activity.files.filter(pk=file_id).first()
    if stored is None:
        raise Http404
    stored.activity = activity
    content = actions.activity_file_read(acting_user=request.user, stored=stored, request=request)
    response = HttpResponse(content, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition(
        download_name(stored.original_name, stored.content_type, f"activity-{activity.pk}-{stored.pk}"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
