"""The protection, needs and plan pages of a case (issue 6, parts 1 and 2).

Each page looks the case up through the policy (404 to whoever may not see it or its section, 403 to whoever may see
it but not change it), each form calls one action, and a refusal comes back on the form with the action's words.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from trove.core.actions import identity_restrict, identity_unrestrict
from trove.core.models import IdentityRestriction
from trove.support import actions
from trove.support.entitlements import circumstances_of
from trove.support.forms import (
    CircumstancesForm,
    ConfidentialityForm,
    MeasureEndForm,
    MeasureForm,
    NeedsForm,
    PlanForm,
    ReasonForm,
    RiskForm,
    ServiceForm,
    ServiceStatusForm,
)
from trove.support.models import Answer, PlannedService, RiskLevel, SafetyMeasure, SupportPlan
from trove.support.page_helpers import CasePage, case_page, put_errors
from trove.support.risk import ABOUT, RISK_QUESTIONS, suggested_level
from trove.support.selectors import agency_choices, members_who_can


def _submit(request: HttpRequest, form, do: Callable[[dict], str], done_url: str,
            again: Callable[..., HttpResponse], form_name: str) -> HttpResponse:
    """Validate the form, run the action; on success redirect with a message, otherwise show the page again with the
    form and its errors (status 400)."""
    if form.is_valid():
        try:
            message = do(form.cleaned_data)
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(done_url)
    return again(**{form_name: form}, status=400)


# ---------------------------------------------------------------------------------------------------------------
# Protection


def _active_restriction(case) -> IdentityRestriction | None:
    return (IdentityRestriction.objects.filter(content_type=ContentType.objects.get_for_model(case),
                                               object_id=case.pk, lifted_at__isnull=True)
            .prefetch_related("members").select_related("set_by").first())


def _protection_page(request: HttpRequest, code: str, *, risk_form=None, measure_form=None, flag_form=None,
                     lift_form=None, status: int = 200) -> HttpResponse:
    page = case_page(request, code, "protection")
    case, user = page.case, request.user
    can_edit = page.can("case.edit")
    restriction = _active_restriction(case)
    named = restriction is not None and any(member.pk == user.pk for member in restriction.members.all())
    can_restrict = page.can("case.restrict_identity") and (restriction is None or named)
    agencies = agency_choices(user, case, "case.edit") if can_edit else None
    if measure_form is None and can_edit:
        measure_form = MeasureForm(initial={"starts_on": timezone.localdate()})
    if measure_form is not None:
        measure_form.fields["responsible_agency"].queryset = agencies
    if can_restrict and flag_form is None:
        flag_form = ConfidentialityForm(
            candidates=members_who_can(case, "case.view_identity"),
            initial={"members": [m.pk for m in restriction.members.all()] if restriction else []})
    assessments = list(case.risk_assessments.select_related("assessed_by", "agency"))
    questions = {q.code: q for q in RISK_QUESTIONS}
    rows = [{"assessment": a, "suggested": RiskLevel(suggested_level(a.answers)),
             "yes": [questions[c].text for c, answer in a.answers.items() if answer == Answer.YES and c in questions]}
            for a in assessments]
    today = timezone.localdate()
    context = {
        "case": case, "page": page, "active_tab": "protection",
        "assessments": rows,
        "measures": [(m, m.status(today)) for m in case.safety_measures.select_related("responsible_agency")],
        "restriction": restriction, "named": named,
        "restriction_members": list(restriction.members.all()) if restriction else [],
        "can_edit": can_edit, "can_restrict": can_restrict,
        "risk_form": risk_form or (RiskForm(initial={"assessed_on": today}) if can_edit else None),
        "about": ABOUT,
        "measure_form": measure_form,
        "end_form": MeasureEndForm(initial={"ended_on": today}) if can_edit else None,
        "flag_form": flag_form,
        "lift_form": lift_form or (ReasonForm() if can_restrict and restriction else None),
    }
    return render(request, "support/protection.html", context, status=status)


@login_required
@require_GET
def case_protection(request: HttpRequest, code: str) -> HttpResponse:
    return _protection_page(request, code)


def _edit(request: HttpRequest, code: str, section: str, action: str = "case.edit") -> CasePage:
    return case_page(request, code, section, action, reveal=False)


@login_required
@require_POST
def risk_add(request: HttpRequest, code: str) -> HttpResponse:
    page = _edit(request, code, "protection")
    form = RiskForm(request.POST)

    def do(data: dict) -> str:
        actions.risk_assess(case=page.case, acting_user=request.user, assessed_on=data["assessed_on"],
                            answers=form.answers(), level=data["level"], notes=data["notes"], request=request)
        return _("The risk assessment is recorded.")
    return _submit(request, form, do, reverse("support:case_protection", args=[code]),
                   lambda **kw: _protection_page(request, code, **kw), "risk_form")


@login_required
@require_POST
def measure_add(request: HttpRequest, code: str) -> HttpResponse:
    page = _edit(request, code, "protection")
    form = MeasureForm(request.POST)
    form.fields["responsible_agency"].queryset = agency_choices(request.user, page.case, "case.edit")

    def do(data: dict) -> str:
        actions.safety_measure_add(case=page.case, acting_user=request.user, kind=data["kind"],
                                   protects=data["protects"], responsible_agency=data["responsible_agency"],
                                   starts_on=data["starts_on"], ends_on=data["ends_on"], details=data["details"],
                                   request=request)
        return _("The safety measure is recorded.")
    return _submit(request, form, do, reverse("support:case_protection", args=[code]),
                   lambda **kw: _protection_page(request, code, **kw), "measure_form")


@login_required
@require_POST
def measure_end(request: HttpRequest, code: str, measure_id: int) -> HttpResponse:
    page = _edit(request, code, "protection")
    measure = SafetyMeasure.objects.filter(case=page.case, pk=measure_id).select_related("case").first()
    if measure is None:
        raise Http404
    form = MeasureEndForm(request.POST)
    if form.is_valid():
        try:
            actions.safety_measure_end(measure=measure, acting_user=request.user,
                                       ended_on=form.cleaned_data["ended_on"], request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The measure is marked ended."))
    else:
        messages.error(request, _("Give the date the measure ended."))
    return redirect("support:case_protection", code)


@login_required
@require_POST
def confidentiality_set(request: HttpRequest, code: str) -> HttpResponse:
    page = _edit(request, code, "protection", "case.restrict_identity")
    form = ConfidentialityForm(request.POST, candidates=members_who_can(page.case, "case.view_identity"))

    def do(data: dict) -> str:
        identity_restrict(acting_user=request.user, obj=page.case, members=list(data["members"]),
                          reason=data["reason"], request=request)
        return _("Only the members named may now see who the person is.")
    return _submit(request, form, do, reverse("support:case_protection", args=[code]),
                   lambda **kw: _protection_page(request, code, **kw), "flag_form")


@login_required
@require_POST
def confidentiality_lift(request: HttpRequest, code: str) -> HttpResponse:
    page = _edit(request, code, "protection", "case.restrict_identity")
    form = ReasonForm(request.POST)

    def do(data: dict) -> str:
        identity_unrestrict(acting_user=request.user, obj=page.case, reason=data["reason"], request=request)
        return _("The confidentiality flag is lifted.")
    return _submit(request, form, do, reverse("support:case_protection", args=[code]),
                   lambda **kw: _protection_page(request, code, **kw), "lift_form")


# ---------------------------------------------------------------------------------------------------------------
# Needs and circumstances


def _needs_page(request: HttpRequest, code: str, *, needs_form=None, circumstances_form=None,
                status: int = 200) -> HttpResponse:
    page = case_page(request, code, "needs")
    case = page.case
    can_edit = page.can("case.edit")
    circumstances = circumstances_of(case)
    if circumstances_form is None and can_edit:
        circumstances_form = CircumstancesForm(initial={
            "poor_household": circumstances.poor_household, "abroad_at_intake": circumstances.abroad_at_intake,
            "arrived_on": circumstances.arrived_on,
            "poor_household_reference": circumstances.poor_household_reference if page.show_identity else ""})
    context = {
        "case": case, "page": page, "active_tab": "needs", "can_edit": can_edit,
        "assessments": list(case.needs_assessments.select_related("assessed_by", "agency").prefetch_related("needs")),
        "circumstances": circumstances,
        "needs_form": needs_form or (NeedsForm(initial={"assessed_on": timezone.localdate()}) if can_edit else None),
        "circumstances_form": circumstances_form,
    }
    return render(request, "support/needs.html", context, status=status)


@login_required
@require_GET
def case_needs(request: HttpRequest, code: str) -> HttpResponse:
    return _needs_page(request, code)


@login_required
@require_POST
def needs_add(request: HttpRequest, code: str) -> HttpResponse:
    page = _edit(request, code, "needs")
    form = NeedsForm(request.POST)

    def do(data: dict) -> str:
        actions.needs_assess(case=page.case, acting_user=request.user, assessed_on=data["assessed_on"],
                             needs=list(data["needs"]), notes=data["notes"], request=request)
        return _("The needs assessment is recorded.")
    return _submit(request, form, do, reverse("support:case_needs", args=[code]),
                   lambda **kw: _needs_page(request, code, **kw), "needs_form")


@login_required
@require_POST
def circumstances_set(request: HttpRequest, code: str) -> HttpResponse:
    page = _edit(request, code, "needs")
    form = CircumstancesForm(request.POST)

    def do(data: dict) -> str:
        actions.circumstances_set(case=page.case, acting_user=request.user, poor_household=data["poor_household"],
                                  poor_household_reference=data["poor_household_reference"],
                                  abroad_at_intake=data["abroad_at_intake"], arrived_on=data["arrived_on"],
                                  request=request)
        return _("The circumstances are saved; the entitlements follow them.")
    return _submit(request, form, do, reverse("support:case_needs", args=[code]),
                   lambda **kw: _needs_page(request, code, **kw), "circumstances_form")


# ---------------------------------------------------------------------------------------------------------------
# Support plan


def _plan_page(request: HttpRequest, code: str, *, plan_form=None, service_form=None,
               status: int = 200) -> HttpResponse:
    page = case_page(request, code, "support_plan")
    case, can_edit = page.case, page.can("case.edit")
    plan = SupportPlan.objects.filter(case=case).first()
    # The goals may say who the person is: whoever may not read them is not offered to rewrite them.
    if plan_form is None and can_edit and page.show_identity:
        plan_form = PlanForm(initial={"goals": plan.goals if plan else "",
                                      "review_on": plan.review_on if plan else None})
    if service_form is None and can_edit and plan is not None:
        service_form = ServiceForm(initial={"planned_from": timezone.localdate()})
    if service_form is not None:
        service_form.fields["responsible_agency"].queryset = agency_choices(request.user, case, "case.edit")
    context = {
        "case": case, "page": page, "active_tab": "plan", "can_edit": can_edit, "plan": plan,
        "services": list(plan.services.select_related("support_type", "responsible_agency")) if plan else [],
        "plan_form": plan_form, "service_form": service_form,
        "status_form": ServiceStatusForm() if can_edit else None,
    }
    return render(request, "support/plan.html", context, status=status)


@login_required
@require_GET
def case_plan(request: HttpRequest, code: str) -> HttpResponse:
    return _plan_page(request, code)


@login_required
@require_POST
def plan_save(request: HttpRequest, code: str) -> HttpResponse:
    page = _edit(request, code, "support_plan")
    form = PlanForm(request.POST)

    def do(data: dict) -> str:
        actions.plan_save(case=page.case, acting_user=request.user, goals=data["goals"], review_on=data["review_on"],
                          request=request)
        return _("The plan is saved.")
    return _submit(request, form, do, reverse("support:case_plan", args=[code]),
                   lambda **kw: _plan_page(request, code, **kw), "plan_form")


@login_required
@require_POST
def service_add(request: HttpRequest, code: str) -> HttpResponse:
    page = _edit(request, code, "support_plan")
    form = ServiceForm(request.POST)
    form.fields["responsible_agency"].queryset = agency_choices(request.user, page.case, "case.edit")

    def do(data: dict) -> str:
        actions.plan_service_add(case=page.case, acting_user=request.user, support_type=data["support_type"],
                                 description=data["description"], responsible_agency=data["responsible_agency"],
                                 planned_from=data["planned_from"], planned_to=data["planned_to"], request=request)
        return _("The service is added to the plan.")
    return _submit(request, form, do, reverse("support:case_plan", args=[code]),
                   lambda **kw: _plan_page(request, code, **kw), "service_form")


@login_required
@require_POST
def service_status(request: HttpRequest, code: str, service_id: int) -> HttpResponse:
    page = _edit(request, code, "support_plan")
    found = (PlannedService.objects.filter(plan__case=page.case, pk=service_id)
             .select_related("plan__case", "support_type").first())
    if found is None:
        raise Http404
    form = ServiceStatusForm(request.POST)
    if form.is_valid():
        actions.plan_service_set_status(service=found, acting_user=request.user, status=form.cleaned_data["status"],
                                        request=request)
        messages.success(request, _("The status of the service is changed."))
    else:
        messages.error(request, _("Choose the status from the list."))
    return redirect("support:case_plan", code)
