"""The support page of a case: entitlements on a day, the ledger, refusals, extensions and the hardship allowance
(issue 6, parts 3 and 4); and the support overview of the menu."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from trove.cases.models import Case, CaseStatus
from trove.core import policy
from trove.core.versioning import StaleEdit, stale_changes
from trove.rules.models import NoRegimeInForce, in_language
from trove.rules.selectors import rates_for
from trove.support import hardship_actions, ledger_actions
from trove.support.forms import (
    EntryForm,
    ExtensionForm,
    HardshipApplyForm,
    HardshipDecideForm,
    HardshipForwardForm,
    HardshipPayForm,
    ReasonForm,
    RefusalForm,
)
from trove.support.ledger_actions import HARDSHIP_TYPE, Receipt
from trove.support.models import HardshipApplication, HardshipStatus, SupportEntry
from trove.support.models.ledger import OPEN_HARDSHIP
from trove.support.page_helpers import case_page, child_from, children_of, parse_day, put_errors
from trove.support.selectors import agency_choices, members_who_can, usable_sources
from trove.support.sheet import entitlement_sheet

OVERVIEW_ROWS = 50


def _receipt(upload) -> Receipt | None:
    return Receipt(upload.name, upload.read()) if upload is not None else None


def _person_label(page) -> str:
    return page.case.person.full_name if page.show_identity else _("The person (%(pseudonym)s)") % {
        "pseudonym": page.case.pseudonym}


def _entry_form(request, page, sheet, data=None, files=None) -> EntryForm:
    case, user = page.case, request.user
    items, seen = [], set()
    for row in sheet.entitled_rows:
        for item in row.items:
            if item.code not in seen:
                seen.add(item.code)
                items.append((item.code, f"{row.support_type.letter}) {item.name}"))
    rates = rates_for(sheet.regime, sheet.day) if sheet.regime else None
    approvers = members_who_can(case, "support.approve")
    form = EntryForm(data, files, rates=rates, sources=usable_sources(case, agencies=policy.agencies_of(
        user, "support.record")), agencies=agency_choices(user, case, "support.record"),
        approvers=approvers, items=items, may_override=page.can("support.approve"),
        initial=None if data else {"given_on": sheet.day, "beneficiary": str(sheet.child.pk) if sheet.child else ""})
    form.fields["rate"].label_from_instance = lambda rate: f"{rate.support_type.letter}) {in_language(rate, 'name')}"
    # The types, rates and approvers are read already (the sheet, the approvers): the choices are shown from them
    # instead of asking the database again for each list. A posted value is still checked against the querysets.
    other_rows = [row for row in sheet.rows if row.support_type.code != HARDSHIP_TYPE]
    _show_choices(form.fields["support_type"], [row.support_type for row in other_rows])
    _show_choices(form.fields["rate"], [rate for row in other_rows for rate in row.rates] if rates is not None else [])
    _show_choices(form.fields["approved_by"], approvers)
    return form


def _show_choices(field, objects) -> None:
    """Show a model choice field's options from objects already read (the queryset still validates)."""
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = [*empty, *((obj.pk, field.label_from_instance(obj)) for obj in objects)]


def _with_beneficiaries(form, page, children):
    form.set_beneficiaries([(child.pk, label) for child, label in children], _person_label(page))
    return form


def _support_page(request: HttpRequest, code: str, *, entry_form=None, refusal_form=None, extension_form=None,
                  apply_form=None, step_forms=None, stale: StaleEdit | None = None,
                  status: int = 200) -> HttpResponse:
    page = case_page(request, code, "support", related=("support_circumstances",))
    case = page.case
    today = timezone.localdate()
    day = parse_day(request.GET.get("on"), today)
    if page.show_identity:
        case.person  # noqa: B018 - read once for the name on the page; the entitlements use the same row
    children = children_of(case, page.show_identity)
    child = child_from(case, request.GET.get("child"))
    sheet = entitlement_sheet(case, day, child)
    hardship_type = next((row.support_type for row in sheet.rows if row.support_type.code == HARDSHIP_TYPE), None)
    can_record, can_approve = page.can("support.record"), page.can("support.approve")
    open_case = case.status != CaseStatus.CLOSED
    names = {child.pk: label for child, label in children}
    entries = list(case.support_entries.select_related(
        "support_type", "funding_source", "giving_agency", "approved_by", "recorded_by", "overridden_by",
        "cancelled_by", "rate", "regime", "entitlement").prefetch_related("items").order_by("-given_on", "-pk"))
    applications = list(case.hardship_applications.select_related("forwarded_to", "entry", "regime")
                        .order_by("-applied_on", "-pk"))
    step_forms = step_forms or {}
    hardship_rows = []
    for application in applications:
        row = {"application": application, "problems": [], "forms": {}}
        if application.is_open:
            try:
                row["problems"] = hardship_actions.hardship_assessment(application, today,
                                                                       support_type=hardship_type).problems
            except NoRegimeInForce as error:
                row["problems"] = [str(error)]
        forms = step_forms.get(application.pk, {})
        if open_case and can_record and application.status == HardshipStatus.APPLIED:
            row["forms"]["forward"] = forms.get("forward") or HardshipForwardForm(
                initial={"forwarded_on": today}, auto_id=f"forward-{application.pk}-%s")
            row["forms"]["forward"].fields["forwarded_to"].queryset = agency_choices(request.user, case,
                                                                                      "support.record")
        if open_case and can_approve and application.status == HardshipStatus.FORWARDED:
            row["forms"]["decide"] = forms.get("decide") or HardshipDecideForm(
                initial={"decided_on": today}, auto_id=f"decide-{application.pk}-%s")
        if open_case and can_record and application.status == HardshipStatus.APPROVED:
            pay = forms.get("pay") or HardshipPayForm(initial={"paid_on": today, "amount": application.approved_amount},
                                                      auto_id=f"pay-{application.pk}-%s")
            pay.fields["giving_agency"].queryset = agency_choices(request.user, case, "support.record")
            pay.fields["funding_source"].queryset = usable_sources(case, agencies=policy.agencies_of(
                request.user, "support.record"))
            row["forms"]["pay"] = pay
        hardship_rows.append(row)
    hardship_row = next((row for row in sheet.entitled_rows if row.support_type.code == "k"), None)
    if open_case and can_record:
        entry_form = _with_beneficiaries(entry_form or _entry_form(request, page, sheet), page, children)
        refusal_form = _with_beneficiaries(refusal_form or RefusalForm(initial={"refused_on": today}), page,
                                           children)
        _show_choices(refusal_form.fields["support_type"], [row.support_type for row in sheet.rows])
        if apply_form is None and hardship_row and not any(a.is_open for a in applications) and child is None:
            apply_form = HardshipApplyForm(initial={"applied_on": today})
    else:
        entry_form = refusal_form = apply_form = None
    if open_case and can_approve and any(row.entitlement.extendable for row in sheet.entitled_rows):
        extension_form = _with_beneficiaries(extension_form or ExtensionForm(initial={"decided_on": today}), page,
                                             children)
    else:
        extension_form = None
    context = {
        "case": case, "page": page, "active_tab": "support", "sheet": sheet, "day": day, "today": today,
        "children": children, "child": child, "child_label": names.get(child.pk) if child else "",
        "entries": [(entry, names.get(entry.child_id, "")) for entry in entries],
        "refusals": [(r, names.get(r.child_id, "")) for r in case.support_refusals.select_related(
            "support_type", "recorded_by").order_by("-refused_on", "-pk")],
        "extensions": [(x, names.get(x.child_id, "")) for x in case.support_extensions.select_related(
            "support_type", "recorded_by").order_by("-decided_on", "-pk")],
        "hardship_rows": hardship_rows, "hardship_row": hardship_row,
        "can_record": can_record, "can_approve": can_approve, "open_case": open_case,
        "entry_form": entry_form, "refusal_form": refusal_form, "extension_form": extension_form,
        "apply_form": apply_form, "cancel_form": ReasonForm() if can_approve else None,
        "stale": stale, "others": stale_changes(stale) if stale else [],
    }
    return render(request, "support/support.html", context, status=status)


@login_required
@require_GET
def case_support(request: HttpRequest, code: str) -> HttpResponse:
    return _support_page(request, code)


def _done(request: HttpRequest, code: str, message: str, anchor: str = "") -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("support:case_support", args=[code]) + anchor)


@login_required
@require_POST
def entry_add(request: HttpRequest, code: str) -> HttpResponse:
    page = case_page(request, code, "support", "support.record", reveal=False)
    case = page.case
    child = child_from(case, request.POST.get("beneficiary"))
    sheet = entitlement_sheet(case, parse_day(request.POST.get("given_on"), timezone.localdate()), child)
    form = _entry_form(request, page, sheet, request.POST, request.FILES)
    form.set_beneficiaries([(c.pk, "") for c, _label in children_of(case, False)], "")
    if form.is_valid():
        data = form.cleaned_data
        try:
            ledger_actions.record_support(
                case=case, acting_user=request.user, support_type=data["support_type"], given_on=data["given_on"],
                giving_agency=data["giving_agency"], amount=data["amount"], days_covered=data["days_covered"],
                items=form.items(), child=child, funding_source=data["funding_source"],
                approved_by=data["approved_by"], rate=data["rate"], note=data["note"],
                receipt=_receipt(data.get("receipt")), override_reason=data.get("override_reason", ""),
                request=request)
        except ValidationError as error:
            put_errors(form, error)
        else:
            return _done(request, code, _("The support is recorded in the ledger."), "#ledger")
    return _support_page(request, code, entry_form=form, status=400)


def _entry(case: Case, entry_id: int) -> SupportEntry:
    entry = SupportEntry.objects.filter(case=case, pk=entry_id).select_related("case", "support_type").first()
    if entry is None:
        raise Http404
    return entry


def _posted_version(request: HttpRequest) -> int | None:
    """The record version the form was opened at (a hidden field); None when the client did not send one."""
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


@login_required
@require_POST
def entry_cancel(request: HttpRequest, code: str, entry_id: int) -> HttpResponse:
    page = case_page(request, code, "support", "support.approve", reveal=False)
    entry = _entry(page.case, entry_id)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Write the reason for cancelling the entry."))
        ledger_actions.cancel_entry(entry=entry, acting_user=request.user, reason=form.cleaned_data["reason"],
                                    expected_version=_posted_version(request), request=request)
    except StaleEdit as error:
        return _support_page(request, code, stale=error, status=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("support:case_support", args=[code]) + "#ledger")
    return _done(request, code, _("The entry is cancelled; it stays in the ledger, out of the totals."), "#ledger")


@login_required
@require_POST
def refusal_add(request: HttpRequest, code: str) -> HttpResponse:
    page = case_page(request, code, "support", "support.record", reveal=False)
    case = page.case
    form = RefusalForm(request.POST)
    form.set_beneficiaries([(c.pk, "") for c, _label in children_of(case, False)], "")
    if form.is_valid():
        data = form.cleaned_data
        try:
            ledger_actions.record_refusal(case=case, acting_user=request.user, refused_on=data["refused_on"],
                                          support_type=data["support_type"],
                                          child=child_from(case, data["beneficiary"]), note=data["note"],
                                          request=request)
        except ValidationError as error:
            put_errors(form, error)
        else:
            return _done(request, code, _("The refusal is recorded with its date."), "#refusals")
    return _support_page(request, code, refusal_form=form, status=400)


@login_required
@require_POST
def extension_add(request: HttpRequest, code: str) -> HttpResponse:
    page = case_page(request, code, "support", "support.approve", reveal=False)
    case = page.case
    form = ExtensionForm(request.POST)
    form.set_beneficiaries([(c.pk, "") for c, _label in children_of(case, False)], "")
    if form.is_valid():
        data = form.cleaned_data
        try:
            ledger_actions.record_extension(
                case=case, acting_user=request.user, support_type=data["support_type"], days=data["days"],
                decided_on=data["decided_on"], decided_by=data["decided_by"],
                decision_reference=data["decision_reference"], child=child_from(case, data["beneficiary"]),
                request=request)
        except ValidationError as error:
            put_errors(form, error)
        else:
            return _done(request, code, _("The extension is recorded."), "#entitlements")
    return _support_page(request, code, extension_form=form, status=400)


@login_required
@require_POST
def hardship_apply(request: HttpRequest, code: str) -> HttpResponse:
    page = case_page(request, code, "support", "support.record", reveal=False)
    form = HardshipApplyForm(request.POST)
    if form.is_valid():
        try:
            hardship_actions.hardship_apply(case=page.case, acting_user=request.user,
                                          applied_on=form.cleaned_data["applied_on"], request=request)
        except ValidationError as error:
            put_errors(form, error)
        else:
            return _done(request, code, _("The application is recorded; the commune must forward it in time."),
                         "#hardship")
    return _support_page(request, code, apply_form=form, status=400)


def _application(case: Case, application_id: int) -> HardshipApplication:
    application = (HardshipApplication.objects.filter(case=case, pk=application_id)
                   .select_related("case__person", "regime").first())
    if application is None:
        raise Http404
    return application


@login_required
@require_POST
def hardship_step(request: HttpRequest, code: str, application_id: int, step: str) -> HttpResponse:
    permission = "support.approve" if step == "decide" else "support.record"
    page = case_page(request, code, "support", permission, reveal=False)
    case = page.case
    application = _application(case, application_id)
    auto_id = f"{step}-{application.pk}-%s"
    if step == "forward":
        form = HardshipForwardForm(request.POST, auto_id=auto_id)
        form.fields["forwarded_to"].queryset = agency_choices(request.user, case, "support.record")
    elif step == "decide":
        form = HardshipDecideForm(request.POST, auto_id=auto_id)
    elif step == "pay":
        form = HardshipPayForm(request.POST, request.FILES, auto_id=auto_id)
        form.fields["giving_agency"].queryset = agency_choices(request.user, case, "support.record")
        form.fields["funding_source"].queryset = usable_sources(case, agencies=policy.agencies_of(
            request.user, "support.record"))
    else:
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "forward":
                hardship_actions.hardship_forward(application=application, acting_user=request.user,
                                                forwarded_on=data["forwarded_on"], forwarded_to=data["forwarded_to"],
                                                request=request)
                message = _("The forwarding is recorded.")
            elif step == "decide":
                hardship_actions.hardship_decide(
                    application=application, acting_user=request.user, approve=data["outcome"] == "approve",
                    decided_on=data["decided_on"], decision_reference=data["decision_reference"],
                    approved_amount=data["approved_amount"], note=data["note"],
                    override_reason=data["override_reason"], request=request)
                message = _("The decision is recorded.")
            else:
                hardship_actions.hardship_pay(
                    application=application, acting_user=request.user, paid_on=data["paid_on"],
                    amount=data["amount"], giving_agency=data["giving_agency"],
                    funding_source=data["funding_source"], receipt=_receipt(data.get("receipt")), request=request)
                message = _("The payment is recorded in the ledger.")
        except ValidationError as error:
            put_errors(form, error)
        else:
            return _done(request, code, message, "#hardship")
    return _support_page(request, code, step_forms={application.pk: {step: form}}, status=400)


# ---------------------------------------------------------------------------------------------------------------
# The menu's overview


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Hardship applications under way and the latest support given, on the cases the user may see."""
    if not (policy.has_permission(request.user, "support.record")
            or policy.has_permission(request.user, "support.approve")):
        raise PermissionDenied
    cases = policy.visible(request.user, Case.objects.all())
    applications = list(HardshipApplication.objects.filter(status__in=OPEN_HARDSHIP, case__in=cases.values("pk"))
                        .select_related("case").order_by("forward_due", "applied_on", "pk")[:OVERVIEW_ROWS])
    entries = list(policy.visible(request.user, SupportEntry.objects.filter(cancelled_at__isnull=True))
                   .select_related("case", "support_type", "giving_agency").order_by("-given_on", "-pk")
                   [:OVERVIEW_ROWS])
    today = timezone.localdate()
    return render(request, "support/overview.html", {
        "applications": [(a, a.is_overdue(today)) for a in applications], "entries": entries,
        "limit": OVERVIEW_ROWS})
