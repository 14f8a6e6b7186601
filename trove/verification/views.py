"""The verification page of a case and the deadlines page (issue 5, parts 2 and 4).

Every view looks the case up through the policy (``cases.selectors.case_for_user``): 404 to whoever may not see it,
403 to whoever may see it but not do what the form does. The actions check again and name the rule when they refuse.
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
from django.views.decorators.http import require_GET, require_POST

from trove.cases.models import Case, CaseStatus
from trove.cases.selectors import case_for_user
from trove.core import paging, policy
from trove.rules.models import IdentificationGround
from trove.verification import actions, selectors
from trove.verification.forms import DecisionForm, ReasonForm, ReplyForm, RequestForm, StatusForm, StepForm, TickForm
from trove.verification.models import RequestStatus


@login_required
@require_GET
def case_verification(request: HttpRequest, code: str) -> HttpResponse:
    case, permissions = case_for_user(request.user, code)
    shown = policy.sections_on(request.user, case)
    if shown is not None and "verification" not in shown:
        raise Http404  # a referral that does not show the verification (as the other sections' pages answer)
    data = selectors.case_verification(case)
    show_identity = "case.view_identity" in permissions and policy.reveal_identity(request.user, case,
                                                                                     request=request)
    edit_agencies = {m.agency_id for m in policy.memberships_with(request.user, "case.edit")}
    reply_agencies = edit_agencies | {m.agency_id for m in policy.memberships_with(request.user, "case.decide")}
    can_edit = "case.edit" in permissions
    rows = [
        {
            "request": r,
            "overdue": r.is_overdue(),
            "can_reply": r.status != RequestStatus.CLOSED and r.to_agency_id in reply_agencies,
            "can_close": r.status != RequestStatus.CLOSED and can_edit
            and bool({r.from_agency_id, case.owner_agency_id} & edit_agencies),
        }
        for r in data.requests
    ]
    first_open = next((s for s in data.steps if s.is_open), None)
    context = {
        "case": case,
        "v": data,
        "request_rows": rows,
        "first_open": first_open,
        "today": timezone.localdate(),
        "show_identity": show_identity,
        "can_edit": can_edit,
        "can_decide": "case.decide" in permissions and case.status in actions.DECIDING_STATUSES
        and data.pending_decision is None,
        "can_approve": "case.approve" in permissions,
        "can_reopen": can_edit and case.status in (CaseStatus.CLOSED, CaseStatus.NOT_VICTIM),
        "can_change_status": can_edit and case.status in (CaseStatus.IDENTIFIED_VICTIM, CaseStatus.NOT_VICTIM,
                                                          CaseStatus.SUPPORTING, CaseStatus.REINTEGRATING),
        "request_form": RequestForm(case=case) if can_edit else None,
        "decision_form": DecisionForm(initial={"decision_date": timezone.localdate()}),
        "status_form": StatusForm(may_close="case.close" in permissions),
    }
    return render(request, "verification/case.html", context)


def _act(request: HttpRequest, code: str, permission: str, do: Callable[[Case], str]) -> HttpResponse:
    """Look the case up (404/403), run the action, report the outcome on the verification page."""
    case, _permissions = case_for_user(request.user, code, permission)
    shown = policy.sections_on(request.user, case)
    if shown is not None and "verification" not in shown:
        raise PermissionDenied(_("Your agency takes part in case %(code)s without this part of it.")
                               % {"code": case.code})
    try:
        done = do(case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("verification:case", case.code)


def _form(form_class, request: HttpRequest, **kwargs):
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        raise ValidationError([f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields
                               else " ".join(errors) for name, errors in form.errors.items()])
    return form.cleaned_data


def _step(case: Case, step_id: int):
    step = case.verification_steps.select_related("rule", "case").filter(pk=step_id).first()
    if step is None:
        raise Http404
    return step


def _request(case: Case, request_id: int):
    found = case.verification_requests.select_related("case", "to_agency", "from_agency", "participation").filter(
        pk=request_id).first()
    if found is None:
        raise Http404
    return found


def _decision(case: Case, decision_id: int):
    found = case.identification_decisions.select_related("case").filter(pk=decision_id).first()
    if found is None:
        raise Http404
    return found


def _ground(ground_id: int) -> IdentificationGround:
    ground = IdentificationGround.objects.select_related("regime").filter(pk=ground_id).first()
    if ground is None:
        raise Http404
    return ground


@login_required
@require_POST
def step_complete(request: HttpRequest, code: str, step_id: int) -> HttpResponse:
    def do(case: Case) -> str:
        data = _form(StepForm, request)
        actions.complete_step(step=_step(case, step_id), acting_user=request.user, note=data["note"],
                              request=request)
        return _("The step is marked done.")
    return _act(request, code, "case.edit", do)


@login_required
@require_POST
def step_skip(request: HttpRequest, code: str, step_id: int) -> HttpResponse:
    def do(case: Case) -> str:
        data = _form(StepForm, request)
        actions.skip_step(step=_step(case, step_id), acting_user=request.user, reason=data["note"], request=request)
        return _("The step is marked skipped, with your reason.")
    return _act(request, code, "case.edit", do)


@login_required
@require_POST
def request_send(request: HttpRequest, code: str) -> HttpResponse:
    def do(case: Case) -> str:
        data = _form(RequestForm, request, case=case)
        actions.send_request(case=case, acting_user=request.user, to_agency=data["to_agency"], kind=data["kind"],
                             due_on=data["due_on"], request=request)
        return _("The request is sent; %(agency)s takes part in the case until it is closed.") % {
            "agency": data["to_agency"].name}
    return _act(request, code, "case.edit", do)


@login_required
@require_POST
def request_reply(request: HttpRequest, code: str, request_id: int) -> HttpResponse:
    def do(case: Case) -> str:
        verification_request = _request(case, request_id)
        actions.check_may_reply(request.user, verification_request)  # 403 before the form says anything
        data = _form(ReplyForm, request)
        actions.reply_to_request(verification_request=verification_request, acting_user=request.user,
                                 text=data["text"], request=request)
        return _("Your answer is recorded.")
    # Who may answer is decided by the action: members of the requested agency only.
    return _act(request, code, "case.view", do)


@login_required
@require_POST
def request_close(request: HttpRequest, code: str, request_id: int) -> HttpResponse:
    def do(case: Case) -> str:
        actions.close_request(verification_request=_request(case, request_id), acting_user=request.user,
                              request=request)
        return _("The request is closed.")
    return _act(request, code, "case.edit", do)


@login_required
@require_POST
def ground_tick(request: HttpRequest, code: str, ground_id: int) -> HttpResponse:
    def do(case: Case) -> str:
        data = _form(TickForm, request)
        actions.tick_ground(case=case, acting_user=request.user, ground=_ground(ground_id), source=data["source"],
                            request=request)
        return _("The ground is ticked.")
    return _act(request, code, "case.edit", do)


@login_required
@require_POST
def ground_untick(request: HttpRequest, code: str, ground_id: int) -> HttpResponse:
    def do(case: Case) -> str:
        actions.untick_ground(case=case, acting_user=request.user, ground=_ground(ground_id), request=request)
        return _("The ground is unticked.")
    return _act(request, code, "case.edit", do)


@login_required
@require_POST
def decision_propose(request: HttpRequest, code: str) -> HttpResponse:
    def do(case: Case) -> str:
        data = _form(DecisionForm, request)
        actions.propose_decision(case=case, acting_user=request.user, outcome=data["outcome"],
                                 reasons=data["reasons"], decision_date=data["decision_date"], request=request)
        return _("The decision is recorded and waits for approval.")
    return _act(request, code, "case.decide", do)


@login_required
@require_POST
def decision_approve(request: HttpRequest, code: str, decision_id: int) -> HttpResponse:
    def do(case: Case) -> str:
        actions.approve_decision(decision=_decision(case, decision_id), acting_user=request.user, request=request)
        return _("The decision is approved.")
    return _act(request, code, "case.approve", do)


@login_required
@require_POST
def decision_reject(request: HttpRequest, code: str, decision_id: int) -> HttpResponse:
    def do(case: Case) -> str:
        data = _form(ReasonForm, request)
        actions.reject_decision(decision=_decision(case, decision_id), acting_user=request.user,
                                reason=data["reason"], request=request)
        return _("The decision is rejected.")
    return _act(request, code, "case.approve", do)


@login_required
@require_POST
def status_change(request: HttpRequest, code: str) -> HttpResponse:
    def do(case: Case) -> str:
        data = _form(StatusForm, request)
        actions.change_status(case=case, acting_user=request.user, to=data["to"],
                              reason=data.get("closing_reason", ""), request=request)
        return _("The status is changed.")
    return _act(request, code, "case.edit", do)


@login_required
@require_POST
def case_reopen(request: HttpRequest, code: str) -> HttpResponse:
    def do(case: Case) -> str:
        data = _form(ReasonForm, request)
        actions.reopen(case=case, acting_user=request.user, reason=data["reason"], request=request)
        return _("The case is reopened.")
    return _act(request, code, "case.edit", do)


@login_required
@require_GET
def deadlines(request: HttpRequest) -> HttpResponse:
    if not policy.has_permission(request.user, "case.view"):
        raise PermissionDenied
    supervises = policy.has_permission(request.user, "scope.supervise")
    scope = request.GET.get("scope") or ("scope" if supervises else "agency")
    if scope not in selectors.SCOPES:
        scope = "agency"
    limit = selectors.DEADLINE_ROWS
    # Steps page by page without counting them all: one row more than a page says whether a next page exists.
    number = paging.page_number(request)
    offset = (number - 1) * limit
    steps = list(selectors.open_steps(request.user, scope)[offset: offset + limit + 1])
    requests = list(selectors.open_requests(request.user, scope)[: limit + 1])
    today = timezone.localdate()
    context = {
        "scope": scope,
        "page_number": number,
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if len(steps) > limit else None,
        "steps": [(step, step.is_overdue(today)) for step in steps[:limit]],
        "requests": [(r, r.is_overdue(today)) for r in requests[:limit]],
        "more_steps": len(steps) > limit,
        "more_requests": len(requests) > limit,
        "limit": limit,
        "today": today,
    }
    return render(request, "verification/deadlines.html", context)
