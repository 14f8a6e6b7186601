"""The tip pages: the list (what needs attention first), recording a tip, a tip's page with its handling, and the
informant page.

Every view looks the tip up through the policy (``selectors.tip_for_user``): 404 to whoever may not see it, 403 to
whoever may see it but not do what the form does. The actions check again and name the rule when they refuse.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trove.core import paging, policy
from trove.intel import actions, selectors
from trove.intel.forms import AssignForm, ClassifyForm, ConcludeForm, LinkForm, TipFilterForm, TipForm, TipStepForm
from trove.intel.models import LinkKind, Tip, TipStatus
from trove.people.models import MissingPerson, Person, SuspectedVictim


def form_errors(form) -> ValidationError:
    """A form's errors as one ValidationError whose messages name their fields."""
    return ValidationError([f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields
                            else " ".join(errors) for name, errors in form.errors.items()])


def parse(form_class, request: HttpRequest, **kwargs):
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        raise form_errors(form)
    return form.cleaned_data


def refusal_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
@require_GET
def tip_list(request: HttpRequest) -> HttpResponse:
    if not policy.has_permission(request.user, "tip.view"):
        raise PermissionDenied
    view = request.GET.get("view") or "attention"
    if view not in selectors.TIP_VIEWS:
        view = "attention"
    form = TipFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.TipFilters(view=view, source=data.get("source", ""),
                                   classification=data.get("classification", ""))
    number = paging.page_number(request)
    limit = selectors.LIST_ROWS
    offset = (number - 1) * limit
    tips = list(selectors.tip_list(request.user, filters)[offset: offset + limit + 1])
    context = {
        "form": form,
        "view": view,
        "views": [("attention", _("Needs attention")), ("unclassified", _("Not yet classified")),
                  ("overdue", _("Overdue")), ("open", _("Being handled")), ("handled", _("Handled")),
                  ("all", _("All"))],
        "tips": tips[:limit],
        "page_number": number,
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if len(tips) > limit else None,
        "can_record": policy.has_permission(request.user, "tip.record"),
        "today": timezone.localdate(),
    }
    return render(request, "intel/tip_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def tip_new(request: HttpRequest) -> HttpResponse:
    agencies = [m.agency for m in policy.memberships_with(request.user, "tip.record")]
    agencies = list({agency.pk: agency for agency in agencies}.values())
    if not agencies:
        raise PermissionDenied
    form = TipForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        tip = actions.TipData(
            source=data["source"], received_at=data["received_at"], content=data["content"], unit=data["unit"],
            place_text=data["place_text"], incident_on=data["incident_on"], persons=data["persons"],
            places=data["places"], phones=data["phones"], accounts=data["accounts"],
            informant_name=data["informant_name"], informant_contact=data["informant_contact"],
            informant_anonymous=data["informant_anonymous"], priority=data["priority"],
        )
        try:
            record = actions.tip_receive(acting_user=request.user, agency=data["agency"], tip=tip, request=request)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Tip %(code)s is recorded.") % {"code": record.code})
            return redirect("intel:tip", record.code)
    status = 400 if form.is_bound else 200
    return render(request, "intel/tip_form.html", {"form": form}, status=status)


@login_required
@require_GET
def tip_detail(request: HttpRequest, code: str) -> HttpResponse:
    tip, permissions = selectors.tip_for_user(request.user, code)
    show_identity = "case.view_identity" in permissions and policy.reveal_identity(request.user, tip,
                                                                                     request=request)
    can_record = "tip.record" in permissions
    today = timezone.localdate()
    context = {
        "tip": tip,
        "show_identity": show_identity,
        "subjects": (tip.subjects or {}) if show_identity else {},
        "steps": list(tip.steps.select_related("by", "agency").order_by("done_on", "recorded_at", "pk")),
        "links": selectors.tip_links(request.user, tip),
        "may_see_informant": actions.may_see_informant(request.user, tip),
        "can_record": can_record,
        "can_classify": can_record and tip.status == TipStatus.RECEIVED,
        "can_handle": can_record and tip.status == TipStatus.CLASSIFIED,
        "can_assign": can_record and tip.status != TipStatus.CONCLUDED,
        "classify_form": ClassifyForm(initial={"priority": tip.priority, "classified_on": today}),
        "step_form": TipStepForm(initial={"done_on": today}),
        "conclude_form": ConcludeForm(initial={"concluded_on": today}),
        "assign_form": AssignForm(tip=tip) if can_record and tip.status != TipStatus.CONCLUDED else None,
        "link_form": LinkForm(),
    }
    return render(request, "intel/tip_detail.html", context)


@login_required
@require_GET
def tip_informant(request: HttpRequest, code: str) -> HttpResponse:
    tip, _permissions = selectors.tip_for_user(request.user, code)
    try:
        informant = actions.informant_reveal(tip=tip, acting_user=request.user, request=request)
    except PermissionDenied as refusal:
        return render(request, "intel/tip_informant.html", {"tip": tip, "refusal": str(refusal)}, status=403)
    return render(request, "intel/tip_informant.html", {"tip": tip, "informant": informant})


def _act(request: HttpRequest, code: str, do: Callable[[Tip], str]) -> HttpResponse:
    """Look the tip up (404/403), run the action, report the outcome on the tip's page."""
    tip, _permissions = selectors.tip_for_user(request.user, code, "tip.record")
    try:
        done = do(tip)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, done)
    return redirect("intel:tip", tip.code)


@login_required
@require_POST
def tip_classify(request: HttpRequest, code: str) -> HttpResponse:
    def do(tip: Tip) -> str:
        data = parse(ClassifyForm, request)
        actions.tip_classify(tip=tip, acting_user=request.user, classification=data["classification"],
                             priority=data["priority"], classified_on=data["classified_on"], note=data["note"],
                             request=request)
        return _("The tip is classified.")
    return _act(request, code, do)


@login_required
@require_POST
def tip_step(request: HttpRequest, code: str) -> HttpResponse:
    def do(tip: Tip) -> str:
        data = parse(TipStepForm, request)
        actions.tip_record_step(tip=tip, acting_user=request.user, kind=data["kind"], done_on=data["done_on"],
                                note=data["note"], request=request)
        return _("The step is recorded.")
    return _act(request, code, do)


@login_required
@require_POST
def tip_conclude(request: HttpRequest, code: str) -> HttpResponse:
    def do(tip: Tip) -> str:
        data = parse(ConcludeForm, request)
        case = selectors.visible_case(request.user, data["case_code"])
        proceeding = selectors.visible_proceeding(request.user, data["proceeding_code"])
        errors = {}
        if data["case_code"] and case is None:
            errors["case"] = _("No case with this code is open to you.")
        if data["proceeding_code"] and proceeding is None:
            errors["proceeding"] = _("No proceeding with this code is open to you.")
        if errors:
            raise ValidationError(errors)
        actions.tip_conclude(tip=tip, acting_user=request.user, outcome=data["outcome"],
                             concluded_on=data["concluded_on"], case=case, proceeding=proceeding,
                             rescued_count=data["rescued_count"], note=data["note"], request=request)
        return _("The outcome is recorded.")
    return _act(request, code, do)


@login_required
@require_POST
def tip_assign(request: HttpRequest, code: str) -> HttpResponse:
    tip, _permissions = selectors.tip_for_user(request.user, code, "tip.record")
    try:
        data = parse(AssignForm, request, tip=tip)
        actions.tip_assign(tip=tip, acting_user=request.user, to_agency=data["to_agency"], request=request)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        return redirect("intel:tip", tip.code)
    messages.success(request, _("Tip %(code)s is now handled by %(agency)s.") % {
        "code": tip.code, "agency": data["to_agency"].name})
    # The tip may be out of the user's sight now: only go back to it if they still see it.
    if "tip.view" in policy.permissions_on(request.user, tip):
        return redirect("intel:tip", tip.code)
    return redirect("intel:tips")


def _link_target(user, kind: str, reference: str):
    """The record a link form names, or None; the action checks that the user may see it."""
    reference = (reference or "").strip()
    if kind == LinkKind.CASE:
        return selectors.visible_case(user, reference)
    if kind == LinkKind.PROCEEDING:
        return selectors.visible_proceeding(user, reference)
    if not reference.lstrip("#").isdigit():
        return None
    model = {LinkKind.SUSPECTED: SuspectedVictim, LinkKind.MISSING: MissingPerson, LinkKind.PERSON: Person}.get(kind)
    return model.objects.filter(pk=int(reference.lstrip("#"))).first() if model else None


@login_required
@require_POST
def tip_link(request: HttpRequest, code: str) -> HttpResponse:
    def do(tip: Tip) -> str:
        data = parse(LinkForm, request)
        actions.tip_link(tip=tip, acting_user=request.user, kind=data["kind"],
                         target=_link_target(request.user, data["kind"], data["reference"]), request=request)
        return _("The link is recorded.")
    return _act(request, code, do)


@login_required
@require_POST
def tip_unlink(request: HttpRequest, code: str, link_id: int) -> HttpResponse:
    def do(tip: Tip) -> str:
        link = tip.links.filter(pk=link_id).select_related("tip").first()
        if link is None:
            raise Http404
        actions.tip_unlink(link=link, acting_user=request.user, request=request)
        return _("The link is removed.")
    return _act(request, code, do)
