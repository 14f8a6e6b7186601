"""The proceeding pages: the list, opening a proceeding from a report, and a proceeding's page where the police,
the procuracy and the court record the stages that belong to them, suspects and charges, verdicts, and victims.

Every view looks the proceeding up through the policy (``selectors.proceeding_for_user``): 404 to whoever may not
see it, 403 to whoever may see it but not record on it. Which stage a member may record is decided by the actions
(``trove/intel/stages.py``), which name the rule when they refuse.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trove.core import paging, policy
from trove.core.models.access import Participation
from trove.intel import proceeding_actions as actions
from trove.intel import selectors, stages
from trove.intel.forms import (
    ChargeForm,
    DefendantForm,
    ProceedingFilterForm,
    ProceedingForm,
    RolesForm,
    SentenceForm,
    StageForm,
    VictimForm,
)
from trove.intel.models import Defendant, Proceeding, Stage
from trove.intel.views import parse, refusal_text


@login_required
@require_GET
def proceeding_list(request: HttpRequest) -> HttpResponse:
    if not policy.has_permission(request.user, "proceeding.view"):
        raise PermissionDenied
    form = ProceedingFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    number = paging.page_number(request)
    limit = selectors.LIST_ROWS
    offset = (number - 1) * limit
    rows = list(selectors.proceeding_list(request.user, data.get("stage", ""))[offset: offset + limit + 1])
    opening = [m for m in policy.memberships_with(request.user, "proceeding.record")
               if m.agency.agency_type in stages.RECORDED_BY[Stage.REPORTED]]
    context = {
        "form": form,
        "proceedings": rows[:limit],
        "page_number": number,
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if len(rows) > limit else None,
        "can_open": bool(opening),
    }
    return render(request, "intel/proceeding_list.html", context)


def _opening_agencies(user) -> list:
    agencies = [m.agency for m in policy.memberships_with(user, "proceeding.record")
                if m.agency.agency_type in stages.RECORDED_BY[Stage.REPORTED]]
    return list({agency.pk: agency for agency in agencies}.values())


@login_required
@require_http_methods(["GET", "POST"])
def proceeding_new(request: HttpRequest) -> HttpResponse:
    agencies = _opening_agencies(request.user)
    if not agencies:
        raise PermissionDenied
    form = ProceedingForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proceeding = actions.proceeding_open(
                acting_user=request.user, agency=data["agency"], unit=data["unit"], reported_on=data["reported_on"],
                summary=data["summary"], file_number=data["file_number"], request=request)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Proceeding %(code)s is opened.") % {"code": proceeding.code})
            return redirect("intel:proceeding", proceeding.code)
    return render(request, "intel/proceeding_form.html", {"form": form}, status=400 if form.is_bound else 200)


@login_required
@require_GET
def proceeding_detail(request: HttpRequest, code: str) -> HttpResponse:
    proceeding, permissions = selectors.proceeding_for_user(request.user, code)
    show_identity = "case.view_identity" in permissions and policy.reveal_identity(request.user, proceeding,
                                                                                     request=request)
    memberships = actions.acting_memberships(request.user, proceeding) if "proceeding.record" in permissions else []
    agency_types = {m.agency.agency_type for m in memberships}
    next_stages = [stage for stage in stages.NEXT.get(proceeding.stage, ())
                   if agency_types & stages.recorders_of(proceeding.stage, stage)]
    holds_file = bool(agency_types & stages.HOLDER.get(proceeding.stage, frozenset()))
    can_charge = holds_file and proceeding.stage in stages.CHARGING_STAGES
    can_sentence = bool(agency_types & stages.COURT) and proceeding.stage in stages.SENTENCING_STAGES
    defendants = list(proceeding.defendants.select_related("nationality").prefetch_related("charges__article"))
    for defendant in defendants:
        defendant.status_label = procedural_status(defendant, proceeding.stage)
    victims = list(proceeding.victims.select_related("case").order_by("pk"))
    visible_cases = set(policy.visible(request.user, _cases(victims)).values_list("pk", flat=True)) if victims \
        else set()
    participants = list(Participation.objects.active().for_object(proceeding).select_related("agency"))
    context = {
        "proceeding": proceeding,
        "show_identity": show_identity,
        "stages": list(proceeding.stages.select_related("agency", "recorded_by", "passed_to").order_by("date", "pk")),
        "order": stages.ORDER,
        "participants": participants,
        "defendants": defendants,
        "victims": [(link, link.case_id in visible_cases) for link in victims],
        "tips": selectors.tips_about_proceeding(request.user, proceeding),
        "stage_form": StageForm(stages=next_stages) if next_stages else None,
        "can_charge": can_charge,
        "can_sentence": can_sentence,
        "defendant_form": DefendantForm() if can_charge else None,
        "charge_form": ChargeForm() if can_charge else None,
        "roles_form": RolesForm() if can_charge else None,
        "sentence_form": SentenceForm() if can_sentence else None,
        "can_link_victim": "proceeding.record" in permissions or policy.has_permission(request.user, "case.edit"),
        "victim_form": VictimForm(),
    }
    return render(request, "intel/proceeding_detail.html", context)


TRIAL_STAGES = frozenset({Stage.PROSECUTED, Stage.FIRST_INSTANCE, Stage.APPEAL, Stage.FINAL})


def procedural_status(defendant: Defendant, stage: str) -> str:
    """What the law calls the person at this point: a suspect until charged, the accused (bị can) once charged,
    the defendant (bị cáo) once the indictment has gone to the court."""
    if stage in TRIAL_STAGES:
        return _("Defendant")
    if any(True for _charge in defendant.charges.all()):
        return _("Accused")
    return _("Suspect")


def _cases(links):
    from trove.cases.models import Case

    return Case.objects.filter(pk__in=[link.case_id for link in links])


def _act(request: HttpRequest, code: str, permission: str, do: Callable[[Proceeding], str]) -> HttpResponse:
    proceeding, permissions = selectors.proceeding_for_user(request.user, code, permission)
    if permission == "proceeding.view" and "proceeding.record" not in permissions and not policy.has_permission(
            request.user, "case.edit"):
        # Linking victims: a read-only member may do neither of the two things that allow it.
        raise PermissionDenied
    try:
        done = do(proceeding)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    except PermissionDenied as refusal:
        # The member may record on the proceeding, but this stage or this part belongs to another agency.
        if not str(refusal):
            raise
        messages.error(request, str(refusal))
    else:
        messages.success(request, done)
    return redirect("intel:proceeding", proceeding.code)


def _defendant(proceeding: Proceeding, defendant_id: int) -> Defendant:
    defendant = proceeding.defendants.filter(pk=defendant_id).select_related("proceeding").first()
    if defendant is None:
        raise Http404
    return defendant


@login_required
@require_POST
def stage_record(request: HttpRequest, code: str) -> HttpResponse:
    def do(proceeding: Proceeding) -> str:
        data = parse(StageForm, request)
        actions.proceeding_record_stage(
            proceeding=proceeding, acting_user=request.user, stage=data["stage"], date=data["date"],
            number=data["number"], note=data["note"], pass_to=data["pass_to"], mobile=data["mobile"],
            mobile_place=data["mobile_place"], audience=data["audience"], request=request)
        return _("The stage “%(stage)s” is recorded.") % {"stage": stages.label(data["stage"])}
    return _act(request, code, "proceeding.record", do)


@login_required
@require_POST
def defendant_add(request: HttpRequest, code: str) -> HttpResponse:
    def do(proceeding: Proceeding) -> str:
        data = parse(DefendantForm, request)
        defendant = actions.defendant_add(
            proceeding=proceeding, acting_user=request.user, full_name=data["full_name"],
            birth_date=data["birth_date"], id_number=data["id_number"], address=data["address"], sex=data["sex"],
            nationality=data["nationality"], roles=data["roles"], role_details=data["role_details"],
            request=request)
        return _("Suspect %(number)s is recorded.") % {"number": defendant.number}
    return _act(request, code, "proceeding.record", do)


@login_required
@require_POST
def defendant_roles(request: HttpRequest, code: str, defendant_id: int) -> HttpResponse:
    def do(proceeding: Proceeding) -> str:
        data = parse(RolesForm, request)
        actions.defendant_set_roles(defendant=_defendant(proceeding, defendant_id), acting_user=request.user,
                                    roles=data["roles"], role_details=data["role_details"], request=request)
        return _("The roles are recorded.")
    return _act(request, code, "proceeding.record", do)


@login_required
@require_POST
def charge_add(request: HttpRequest, code: str, defendant_id: int) -> HttpResponse:
    def do(proceeding: Proceeding) -> str:
        data = parse(ChargeForm, request)
        actions.charge_add(defendant=_defendant(proceeding, defendant_id), acting_user=request.user,
                           article=data["article"], clause=data["clause"], charged_on=data["charged_on"],
                           request=request)
        return _("The charge is recorded.")
    return _act(request, code, "proceeding.record", do)


@login_required
@require_POST
def charge_remove(request: HttpRequest, code: str, defendant_id: int, charge_id: int) -> HttpResponse:
    def do(proceeding: Proceeding) -> str:
        charge = _defendant(proceeding, defendant_id).charges.filter(pk=charge_id).select_related(
            "article", "defendant__proceeding").first()
        if charge is None:
            raise Http404
        actions.charge_remove(charge=charge, acting_user=request.user, request=request)
        return _("The charge is removed.")
    return _act(request, code, "proceeding.record", do)


@login_required
@require_POST
def sentence_record(request: HttpRequest, code: str, defendant_id: int) -> HttpResponse:
    def do(proceeding: Proceeding) -> str:
        data = parse(SentenceForm, request)
        actions.sentence_record(
            defendant=_defendant(proceeding, defendant_id), acting_user=request.user, verdict=data["verdict"],
            sentence_kind=data["sentence_kind"], prison_years=data["prison_years"],
            prison_months=data["prison_months"], fine_vnd=data["fine_vnd"],
            other_penalties=data["other_penalties"], request=request)
        return _("The verdict is recorded.")
    return _act(request, code, "proceeding.record", do)


@login_required
@require_POST
def victim_link(request: HttpRequest, code: str) -> HttpResponse:
    def do(proceeding: Proceeding) -> str:
        data = parse(VictimForm, request)
        actions.victim_link(proceeding=proceeding, acting_user=request.user,
                            case=selectors.visible_case(request.user, data["case_code"]), request=request)
        return _("The victim's case is linked.")
    # Who may link is decided by the action: recording on the proceeding, or changing the case.
    return _act(request, code, "proceeding.view", do)


@login_required
@require_POST
def victim_unlink(request: HttpRequest, code: str, link_id: int) -> HttpResponse:
    def do(proceeding: Proceeding) -> str:
        link = proceeding.victims.filter(pk=link_id).select_related("case", "proceeding").first()
        if link is None:
            raise Http404
        actions.victim_unlink(link=link, acting_user=request.user, request=request)
        return _("The victim's case is unlinked.")
    return _act(request, code, "proceeding.view", do)
