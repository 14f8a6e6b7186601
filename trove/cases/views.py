"""The case list, the case page, and attaching and downloading files (issue 4, parts 4 and 5).

Break-the-glass for a case outside one's scope lives at ``/access/cases.case/<id>/break-glass/`` (core); the case
page itself answers 404 for any case the user may not see, so that it never tells whether a code exists.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from trove.agencies.models import Agency
from trove.agencies.selectors import find_unit
from trove.cases import lifecycle, selectors
from trove.cases.attachment_actions import attachment_add, attachment_read
from trove.cases.attachments import check_size, content_disposition, download_name
from trove.cases.models import Case, CaseStatus, CaseTransfer, IntakeChannel, TransferStatus
from trove.cases.sections import SECTIONS, panels_for, section_shown
from trove.core import paging, policy
from trove.core.versioning import StaleEdit, stale_changes
from trove.verification.selectors import case_summary as verification_summary
from trove.verification.transitions import ClosingReason, Via, allowed_from

PAGE_SIZE = 50


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Case code or name"), required=False, strip=True)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", gettext_lazy("Any status")), *CaseStatus.choices])
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False,
                                choices=[("", gettext_lazy("Any channel")), *IntakeChannel.choices])
    unit = forms.CharField(label=gettext_lazy("Administrative unit"), required=False, strip=True,
                           help_text=gettext_lazy("A name such as Tân Hồng or tan hong, or a key such as 2025:82."))
    agency = forms.TypedChoiceField(label=gettext_lazy("Owning agency"), required=False, coerce=int,
                                    empty_value=None)
    received_from = forms.DateField(label=gettext_lazy("Received from"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    received_to = forms.DateField(label=gettext_lazy("Received until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    archived = forms.BooleanField(label=gettext_lazy("Archived cases only"), required=False)

    def __init__(self, *args, agencies=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", gettext_lazy("Any agency")), *((a.pk, a.name) for a in agencies)]


class AttachmentForm(forms.Form):
    # Empty files reach the action, which refuses them with the same message as every other bad file.
    file = forms.FileField(label=gettext_lazy("File"), allow_empty_file=True)
    description = forms.CharField(label=gettext_lazy("What it is"), max_length=200, required=False,
                                  help_text=gettext_lazy("For example: handover record, medical certificate."))


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    if not policy.has_permission(request.user, "case.view"):
        raise PermissionDenied
    agencies = list(selectors.owning_agencies(request.user))
    form = CaseFilterForm(request.GET or None, agencies=agencies)
    # A field that does not validate (an unknown status in a hand-written URL) is left out; the others still filter.
    data = form.cleaned_data if form.is_bound and form.is_valid() else getattr(form, "cleaned_data", {})
    # A name means the unit valid today first ("Tân Hồng" is the 2025 commune, not the legacy district).
    unit_choice = find_unit(data.get("unit", ""), on=timezone.localdate())
    unit_not_found = bool(data.get("unit")) and unit_choice.unit is None
    query = data.get("q", "")
    name_search_refused = bool(query) and not selectors.looks_like_case_code(query) and not policy.has_permission(
        request.user, "case.view_identity")
    filters = selectors.CaseFilters(
        status=data.get("status", ""), channel=data.get("channel", ""), unit=unit_choice.unit,
        agency_id=data.get("agency"), received_from=data.get("received_from"), received_to=data.get("received_to"),
        query=query, archived=bool(data.get("archived")),
    )
    cases = selectors.case_list(request.user, filters)
    if unit_not_found or name_search_refused:
        cases = cases.none()
    page = paging.newest_first(cases, "listed_at", older=request.GET.get("older"), newer=request.GET.get("newer"),
                               size=PAGE_SIZE)
    names = selectors.names_shown(request.user, page.rows, request=request)
    rows = [(case, names.get(case.pk)) for case in page.rows]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "unit_choice": unit_choice,
        "unit_not_found": unit_not_found,
        "name_search_refused": name_search_refused,
        "searched_code": query if selectors.looks_like_case_code(query) else "",
        "filtered": any(data.get(name) for name in form.fields),
    }
    return render(request, "cases/list.html", context)


def _detail(request: HttpRequest, code: str, *, upload_form: AttachmentForm | None = None,
            status: int = 200) -> HttpResponse:
    case, permissions = selectors.case_for_user(request.user, code)
    # reveal_identity writes the identity.view audit entry, so it is asked once per page and only of those who may.
    show_identity = "case.view_identity" in permissions and policy.reveal_identity(request.user, case,
                                                                                     request=request)
    shown = policy.sections_on(request.user, case)
    intake = getattr(case, "intake", None) if section_shown(shown, "intake") else None
    can_edit = "case.edit" in permissions
    context = {
        "case": case,
        "intake": intake,
        "show_identity": show_identity,
        "person": case.person if show_identity else None,
        "documents": list(intake.documents.all()) if intake else [],
        # Children are people too: their records are read (and decrypted) only for someone who may see identity.
        "children": list(case.children.select_related("person") if show_identity else case.children.all()),
        "events": [(event, selectors.describe_event(event))
                   for event in selectors.timeline(case)] if section_shown(shown, "timeline") else [],
        "verification": verification_summary(case) if section_shown(shown, "verification") else None,
        "attachments": list(case.attachments.select_related("uploaded_by").order_by("uploaded_at", "pk"))
        if section_shown(shown, "documents") else [],
        # None: the whole case; otherwise the sections a participating agency (a referral's receiver) may see.
        "shown": shown,
        "sections_limited": shown is not None,
        "show": {key: section_shown(shown, key) for key in SECTIONS},
        "panels": panels_for(request, case, permissions, shown),
        "section_labels": [(key, SECTIONS[key]) for key in SECTIONS if shown is not None and key in shown],
        "identity_restricted": not show_identity and policy.identity_restricted(case),
        "can_edit": can_edit,
        # Only the owner side closes, reopens or transfers; an agency taking part holds the permissions too.
        "can_manage_lifecycle": any(lifecycle.owner_side(request.user, case, permission) is not None
                                    for permission in ("case.close", "case.transfer") if permission in permissions),
        "waiting_transfer": case.transfers.filter(status=TransferStatus.REQUESTED).select_related("to_agency").first(),
        "can_download": show_identity,
        "upload_form": (upload_form or AttachmentForm()) if can_edit else None,
        "max_bytes": settings.ATTACHMENT_MAX_BYTES,
    }
    return render(request, "cases/detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail(request, code)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, code: str) -> HttpResponse:
    case, _permissions = selectors.case_for_user(request.user, code, "case.edit")  # 404/403 before reading
    policy.require(request.user, "case.edit", case, section="documents")  # a limited referral: not its files
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)  # before reading it into memory
            attachment_add(acting_user=request.user, case=case, name=upload.name, content=upload.read(),
                           description=form.cleaned_data["description"], request=request)
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            messages.success(request, _("The file is attached to the case."))
            return redirect(case)
    return _detail(request, code, upload_form=form, status=400)


@login_required
@require_GET
def attachment_download(request: HttpRequest, code: str, attachment_id: int) -> HttpResponse:
    case, _permissions = selectors.case_for_user(request.user, code, "case.view_identity")
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    attachment.case = case
    content = attachment_read(acting_user=request.user, attachment=attachment, request=request)
    name = download_name(attachment.original_name, attachment.content_type, f"{case.code}-{attachment.pk}")
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------------------------
# Closing, reopening and transferring a case (issue 7, parts 3 and 4)


class VersionForm(forms.Form):
    # The case version the page showed (optimistic locking): a case changed since is refused, never overwritten.
    # Absent (a client that does not send it) means no check, like a script.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class CloseForm(VersionForm):
    reason = forms.ChoiceField(label=gettext_lazy("Reason for closing"), choices=ClosingReason.choices)


class ReasonForm(VersionForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class TransferForm(VersionForm):
    to_agency = forms.ModelChoiceField(label=gettext_lazy("To agency"), queryset=Agency.objects.all(),
                                       empty_label=gettext_lazy("Choose an agency"))
    reason = forms.CharField(label=gettext_lazy("Why the case moves (the person's new place, say)"),
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case: Case | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Any agency validates, so that one that ended meanwhile gets the action's clear refusal; the list offers
        # the agencies valid today.
        current = Agency.objects.current().order_by("name")
        if case is not None:
            current = current.exclude(pk=case.owner_agency_id)
        self.fields["to_agency"].widget.choices = [("", self.fields["to_agency"].empty_label),
                                                   *((agency.pk, agency.name) for agency in current)]


@login_required
@require_GET
def case_lifecycle(request: HttpRequest, code: str) -> HttpResponse:
    case, permissions = selectors.case_for_user(request.user, code)
    if not section_shown(policy.sections_on(request.user, case), "timeline"):
        raise Http404  # transfers and the closing reason are the case's history: not shown to a limited referral
    return _lifecycle_page(request, case, permissions)


def _lifecycle_page(request: HttpRequest, case: Case, permissions, *, stale: StaleEdit | None = None,
                    status: int = 200) -> HttpResponse:
    user = request.user
    live = case.archived_at is None  # an archived case is read-only: no forms
    closes = live and "case.close" in permissions and lifecycle.owner_side(user, case, "case.close") is not None
    transfers = live and "case.transfer" in permissions and lifecycle.owner_side(user, case,
                                                                                 "case.transfer") is not None
    history = list(case.transfers.select_related("from_agency", "to_agency", "requested_by", "decided_by")
                   .order_by("-requested_at", "-pk"))
    waiting = next((t for t in history if t.status == TransferStatus.REQUESTED), None)
    answers = waiting is not None and any(m.agency_id == waiting.to_agency_id
                                          for m in policy.memberships_with(user, "case.transfer"))
    closable = bool(allowed_from(case.status, Via.CLOSE))
    context = {
        "case": case,
        "history": history,
        "waiting": waiting,
        "can_answer": live and answers and waiting.requested_by_id != user.pk,
        "can_close": closes and closable,
        "close_blockers": lifecycle.close_blockers(case) if closes and closable else [],
        "can_reopen": closes and case.status == CaseStatus.CLOSED,
        "can_transfer": transfers and waiting is None and case.status != CaseStatus.CLOSED,
        "close_form": CloseForm(initial={"version": case.version}),
        "transfer_form": TransferForm(case=case, initial={"version": case.version}),
        "archived": case.archived_at is not None,
        "stale": stale,
        "others": stale_changes(stale) if stale else [],
        "closed_reason": ClosingReason(case.closed_reason).label if case.closed_reason in ClosingReason.values
        else case.closed_reason,
    }
    return render(request, "cases/lifecycle.html", context, status=status)


def _lifecycle_act(request: HttpRequest, code: str, permission: str, do) -> HttpResponse:
    """Look the case up (404/403), run the action, report the outcome on the lifecycle page (or on the case list
    when the user no longer sees the case)."""
    case, _permissions = selectors.case_for_user(request.user, code, permission)
    try:
        done = do(case)
    except StaleEdit as error:
        # Someone changed the case since the page was opened: show it as it is now, with what they changed.
        current, permissions = selectors.case_for_user(request.user, code)
        return _lifecycle_page(request, current, permissions, stale=error, status=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    if policy.can(request.user, "case.view", Case.objects.get(pk=case.pk)):
        return redirect("cases:lifecycle", case.code)
    return redirect("cases:list")


def _form_data(form: forms.Form) -> dict:
    """The fields that parse; the action checks the user's rights first, then says what is missing or wrong."""
    form.is_valid()
    return form.cleaned_data


def _transfer(case: Case, transfer_id: int) -> CaseTransfer:
    transfer = case.transfers.select_related("case", "from_agency", "to_agency", "participation").filter(
        pk=transfer_id).first()
    if transfer is None:
        raise Http404
    return transfer


@login_required
@require_POST
def case_close(request: HttpRequest, code: str) -> HttpResponse:
    def do(case: Case) -> str:
        data = _form_data(CloseForm(request.POST))
        lifecycle.case_close(acting_user=request.user, case=case, reason=data.get("reason", ""),
                             expected_version=data.get("version"), request=request)
        return _("The case is closed.")
    return _lifecycle_act(request, code, "case.close", do)


@login_required
@require_POST
def case_reopen(request: HttpRequest, code: str) -> HttpResponse:
    def do(case: Case) -> str:
        data = _form_data(ReasonForm(request.POST))
        lifecycle.case_reopen(acting_user=request.user, case=case, reason=data.get("reason", ""),
                              expected_version=data.get("version"), request=request)
        return _("The case is reopened.")
    return _lifecycle_act(request, code, "case.close", do)


@login_required
@require_POST
def transfer_request(request: HttpRequest, code: str) -> HttpResponse:
    def do(case: Case) -> str:
        data = _form_data(TransferForm(request.POST, case=case))
        transfer = lifecycle.case_transfer_request(acting_user=request.user, case=case,
                                                   to_agency=data.get("to_agency"), reason=data.get("reason", ""),
                                                   expected_version=data.get("version"), request=request)
        return _("The transfer is requested; %(agency)s sees the case until it answers.") % {
            "agency": transfer.to_agency.name}
    return _lifecycle_act(request, code, "case.transfer", do)


@login_required
@require_POST
def transfer_accept(request: HttpRequest, code: str, transfer_id: int) -> HttpResponse:
    def do(case: Case) -> str:
        lifecycle.case_transfer_accept(acting_user=request.user, transfer=_transfer(case, transfer_id),
                                       request=request)
        return _("Your agency now holds the case, with its history.")
    return _lifecycle_act(request, code, "case.transfer", do)


@login_required
@require_POST
def transfer_reject(request: HttpRequest, code: str, transfer_id: int) -> HttpResponse:
    def do(case: Case) -> str:
        data = _form_data(ReasonForm(request.POST))
        lifecycle.case_transfer_reject(acting_user=request.user, transfer=_transfer(case, transfer_id),
                                       reason=data.get("reason", ""), request=request)
        return _("The transfer is rejected.")
    return _lifecycle_act(request, code, "case.transfer", do)
