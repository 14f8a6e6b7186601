"""The referral pages: the inbox, a new referral, one referral with the forms of both sides, and the child-protection
checklist of a case (issue 7, parts 1 and 2).

A referral is reached through its case (``selectors.referral_for_user``): 404 to whoever may not see it, 403 to
whoever may see it but not do what the form does. The actions check again and name the rule when they refuse.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trove.cases.lifecycle import owner_side
from trove.cases.models import Case
from trove.cases.sections import SECTIONS
from trove.cases.selectors import case_for_user
from trove.core import paging, policy
from trove.referrals import actions, selectors
from trove.referrals.forms import ChecklistForm, FeedbackForm, ReasonForm, ReferralForm, ServiceForm
from trove.referrals.models import Referral, ReferralStatus


def parsed(form_class, request: HttpRequest, **kwargs) -> dict:
    """The fields of the form that parse, the others left out: the action checks the user's rights first, then says
    what is missing or wrong, in the words of the rule."""
    form = form_class(request.POST, **kwargs)
    form.is_valid()
    return form.cleaned_data


def add_errors(form, error: ValidationError) -> None:
    """Put an action's refusal on the form: on the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# ---------------------------------------------------------------------------------------------------------------
# The inbox


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_receive = policy.has_permission(user, "referral.receive")
    can_send = policy.has_permission(user, "referral.send")
    if not (can_receive or can_send):
        raise PermissionDenied
    box = request.GET.get("box") or ("received" if can_receive else "sent")
    if box not in ("received", "sent") or (box == "received" and not can_receive) or (box == "sent" and not can_send):
        box = "received" if can_receive else "sent"
    ended = request.GET.get("state") == "ended"
    whole_scope = request.GET.get("scope") == "scope" and policy.has_permission(user, "scope.supervise")
    # A page of rows without counting them all: one row more than a page says whether a next page exists.
    limit = selectors.ROWS
    number = paging.page_number(request)
    if box == "received":
        rows, more = selectors.received_referral_page(user, number, limit)
    else:
        referrals = selectors.sent_referrals(user, ended=ended, whole_scope=whole_scope)
        rows = list(referrals[(number - 1) * limit: number * limit + 1])
        more = len(rows) > limit
    context = {
        "box": box,
        "ended": ended,
        "whole_scope": whole_scope,
        "supervises": policy.has_permission(user, "scope.supervise"),
        "can_receive": can_receive,
        "can_send": can_send,
        "referrals": rows[:limit],
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if more else None,
        "transfers": selectors.waiting_transfers(user, selectors.ROWS)
        if policy.has_permission(user, "case.transfer") else [],
    }
    return render(request, "referrals/inbox.html", context)


# ---------------------------------------------------------------------------------------------------------------
# A new referral


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, code: str) -> HttpResponse:
    case, permissions = case_for_user(request.user, code, "referral.send")
    if owner_side(request.user, case, "referral.send") is None:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = ReferralForm(request.POST, case=case)
        if form.is_valid():
            data = form.cleaned_data
            try:
                referral = actions.referral_send(
                    acting_user=request.user, case=case, service_kind=data["service_kind"],
                    referred_on=data["referred_on"], needs=data["needs"], sections=data["sections"],
                    consent_basis=data["consent_basis"], to_agency=data["to_agency"],
                    provider_name=data["provider_name"], consent_by=data["consent_by"],
                    consent_on=data["consent_on"], exception_reason=data["exception_reason"], request=request)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The referral is sent."))
                return redirect("referrals:detail", referral.pk)
        status = 400
    else:
        today = timezone.localdate()
        form = ReferralForm(case=case, initial={"referred_on": today, "consent_on": today})
    context = {"case": case, "form": form, "may_except": "referral.consent_exception" in permissions}
    return render(request, "referrals/new.html", context, status=status)


# ---------------------------------------------------------------------------------------------------------------
# One referral


def _sides(user, referral: Referral) -> tuple[bool, bool]:
    """Whether the user acts for the sending side, and for the receiving side (for a provider outside the system,
    the sending side answers on its behalf)."""
    case = referral.case
    sending = owner_side(user, case, "referral.send") is not None
    if referral.off_system:
        return sending, sending
    receiving = any(m.agency_id == referral.to_agency_id for m in policy.memberships_with(user, "referral.receive"))
    return sending, receiving


@login_required
@require_GET
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral, permissions, _shown = selectors.referral_for_user(request.user, referral_id)
    sending, receiving = _sides(request.user, referral)
    case = referral.case
    # Who consented, and the exception's reason, name or describe the person: shown only with identity rights.
    show_identity = "case.view_identity" in permissions and policy.reveal_identity(request.user, case,
                                                                                     request=request)
    own = not referral.off_system and (referral.sent_by_id == request.user.pk or referral.to_agency_id in (
        referral.owner_agency_id, referral.from_agency_id))
    context = {
        "referral": referral,
        "case": case,
        "services": list(referral.services.select_related("by_agency", "recorded_by")),
        "show_identity": show_identity,
        # The receiver needs the needs to serve the person, whether or not it may see who they are.
        "show_needs": show_identity or receiving or sending,
        "sending": sending,
        "receiving": receiving,
        "may_answer": receiving and not own and referral.status == ReferralStatus.SENT,
        "may_serve": receiving and referral.status == ReferralStatus.ACCEPTED,
        "may_revoke": sending and referral.is_open,
        "section_labels": [SECTIONS[key] for key in referral.sections if key in SECTIONS],
        "service_form": ServiceForm(initial={"given_on": timezone.localdate()}),
    }
    return render(request, "referrals/detail.html", context)


def _act(request: HttpRequest, referral_id: int, side: str, do: Callable[[Referral], str]) -> HttpResponse:
    """Look the referral up (404), check that the user holds the permission of the side that acts (403; the action
    checks the agency too), run the action, report the outcome; go back to the referral if the user can still see
    it, else to the inbox. ``side`` is "receiver" or "sender"; the sender answers for a provider outside the system."""
    referral, permissions, _shown = selectors.referral_for_user(request.user, referral_id)
    needed = "referral.send" if side == "sender" or referral.off_system else "referral.receive"
    if needed not in permissions:
        raise PermissionDenied
    try:
        done = do(referral)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    if policy.can(request.user, Case.access_view_permission, Case.objects.get(pk=referral.case_id)):
        return redirect("referrals:detail", referral.pk)
    return redirect("referrals:inbox")


@login_required
@require_POST
def referral_accept(request: HttpRequest, referral_id: int) -> HttpResponse:
    def do(referral: Referral) -> str:
        actions.referral_accept(acting_user=request.user, referral=referral, request=request)
        return _("The referral is accepted: record the services you give, then close it with your feedback.")
    return _act(request, referral_id, "receiver", do)


@login_required
@require_POST
def referral_decline(request: HttpRequest, referral_id: int) -> HttpResponse:
    def do(referral: Referral) -> str:
        data = parsed(ReasonForm, request)
        actions.referral_decline(acting_user=request.user, referral=referral, reason_text=data.get("reason", ""),
                                 request=request)
        return _("The referral is declined; the referring agency is told.")
    return _act(request, referral_id, "receiver", do)


@login_required
@require_POST
def referral_service(request: HttpRequest, referral_id: int) -> HttpResponse:
    def do(referral: Referral) -> str:
        data = parsed(ServiceForm, request)
        actions.referral_record_service(acting_user=request.user, referral=referral, given_on=data.get("given_on"),
                                        description=data.get("description", ""), request=request)
        return _("The service is recorded.")
    return _act(request, referral_id, "receiver", do)


@login_required
@require_POST
def referral_close(request: HttpRequest, referral_id: int) -> HttpResponse:
    def do(referral: Referral) -> str:
        data = parsed(FeedbackForm, request)
        actions.referral_close(acting_user=request.user, referral=referral, feedback=data.get("feedback", ""),
                               request=request)
        return _("The referral is closed with your feedback.")
    return _act(request, referral_id, "receiver", do)


@login_required
@require_POST
def referral_revoke(request: HttpRequest, referral_id: int) -> HttpResponse:
    def do(referral: Referral) -> str:
        data = parsed(ReasonForm, request)
        actions.referral_revoke(acting_user=request.user, referral=referral, reason_text=data.get("reason", ""),
                                request=request)
        return _("The referral is revoked; the receiving agency no longer sees the case.")
    return _act(request, referral_id, "sender", do)


# ---------------------------------------------------------------------------------------------------------------
# The child-protection checklist (a form of the case page's referrals panel)


@login_required
@require_POST
def checklist_update(request: HttpRequest, code: str) -> HttpResponse:
    case, _permissions = case_for_user(request.user, code, "case.edit")
    data = parsed(ChecklistForm, request)
    try:
        actions.child_checklist_update(acting_user=request.user, case=case, guardian=data.get("guardian", ""),
                                       schooling=data.get("schooling", ""),
                                       guardian_note=data.get("guardian_note", ""),
                                       schooling_note=data.get("schooling_note", ""),
                                       no_referral_reason=data.get("no_referral_reason", ""), request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The child-protection checklist is saved."))
    return redirect(case.get_absolute_url() + "#referrals")

