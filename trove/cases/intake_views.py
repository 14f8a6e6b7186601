"""Receiving a person: the intake form, its server-side draft, live checks and the duplicate check before saving."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trove.agencies.models import Agency
from trove.cases.actions import case_set_exploitation, check_intake, receive_person
from trove.cases.forms import ChildFormSet, DocumentFormSet, IntakeForm, collect
from trove.cases.models import Case, IntakeDraft
from trove.core import policy
from trove.people.models import Person

DRAFT_FIELDS_SKIPPED = {"csrfmiddlewaretoken", "decision"}


def _agencies(user) -> list[Agency]:
    agencies = {m.agency_id: m.agency for m in policy.memberships_with(user, "case.create")}
    if not agencies:
        raise PermissionDenied
    return sorted(agencies.values(), key=lambda agency: agency.name)


def _agency(request: HttpRequest, agencies: list[Agency]) -> Agency:
    wanted = request.POST.get("agency") or request.GET.get("agency")
    for agency in agencies:
        if str(agency.pk) == wanted:
            return agency
    return agencies[0]


def _forms(agency: Agency, data: QueryDict | None):
    return (IntakeForm(data, agency=agency), DocumentFormSet(data, prefix="doc"), ChildFormSet(data, prefix="child"))


def _draft_data(user) -> QueryDict | None:
    draft = IntakeDraft.objects.filter(user=user).first()
    if draft is None:
        return None
    data = QueryDict(mutable=True)
    for key, values in json.loads(draft.data).items():
        data.setlist(key, values)
    return data


def _save_draft(user, data: QueryDict) -> None:
    content = json.dumps({key: data.getlist(key) for key in data if key not in DRAFT_FIELDS_SKIPPED})
    IntakeDraft.objects.update_or_create(user=user, defaults={"data": content, "updated_at": timezone.now()})


def _field_errors(form: IntakeForm, documents, children) -> dict[str, list[str]]:
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    for formset in (documents, children):
        for index, sub in enumerate(formset.forms):
            for name, errs in sub.errors.items():
                errors[f"{formset.prefix}-{index}-{name}"] = [str(e) for e in errs]
    return errors


def _apply(form: IntakeForm, error: ValidationError) -> None:
    """Put an action's errors on the form fields they name ("person.citizen_id" -> citizen_id)."""
    for key, messages_ in error.message_dict.items():
        name = key.removeprefix("person.")
        form.add_error(name if name in form.fields else None, messages_)


def _candidates(user, form: IntakeForm) -> list[dict]:
    try:
        from trove.people.matching import find_candidates
    except ImportError:
        return []
    found = find_candidates(form.person_data(), limit=5)
    if not found:
        return []
    ids = [candidate.person_id for candidate in found]
    cases = list(Case.objects.filter(person_id__in=ids).select_related("owner_agency"))
    visible = set(policy.visible(user, Case.objects.filter(pk__in=[c.pk for c in cases]), "case.view_identity")
                  .values_list("pk", flat=True))
    shown = []
    for candidate in found:
        own = [case for case in cases if case.person_id == candidate.person_id]
        known = [case for case in own if case.pk in visible]
        shown.append({
            "person_id": candidate.person_id,
            "score": candidate.score,
            "reasons": candidate.reasons,
            # Identity only where the user may already see it; otherwise who holds the records, to ask them.
            "name": candidate.person.full_name if known else "",
            "cases": known,
            "agencies": sorted({case.owner_agency.name for case in own if case.pk not in visible}),
        })
    return shown


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    agencies = _agencies(request.user)
    agency = _agency(request, agencies)
    if request.method != "POST":
        draft = _draft_data(request.user)
        form, documents, children = _forms(agency, draft)
        return render(request, "cases/intake.html", {
            "form": form, "documents": documents, "children": children, "agencies": agencies, "agency": agency,
            "show_errors": False, "has_draft": draft is not None,
        })
    form, documents, children = _forms(agency, request.POST)
    context = {"form": form, "documents": documents, "children": children, "agencies": agencies, "agency": agency,
               "show_errors": True}
    if not (form.is_valid() and documents.is_valid() and children.is_valid()):
        return render(request, "cases/intake.html", context, status=400)
    document_list, child_list = collect(documents, children)
    intake_data = form.intake_data(document_list, child_list)
    decision = request.POST.get("decision", "")
    # "new" is the officer's answer to the candidates shown (or to none found): the check is not run again.
    candidates = _candidates(request.user, form) if decision != "new" else []
    existing = None
    if decision.startswith("person:"):
        chosen = decision.removeprefix("person:")
        # Only a person the check itself offered may be linked: no linking to arbitrary ids.
        match = [c for c in candidates if str(c["person_id"]) == chosen]
        if not match:
            messages.error(request, _("Choose one of the people listed, or record a new person."))
            return render(request, "cases/intake.html", context | {"candidates": candidates}, status=400)
        existing = Person.objects.get(pk=match[0]["person_id"])
    elif decision != "new" and candidates:
        try:
            check_intake(intake_data)
            form.person_data().cleaned(received_on=timezone.localdate(intake_data.received_at))
        except ValidationError as error:
            _apply(form, error)
            return render(request, "cases/intake.html", context, status=400)
        return render(request, "cases/intake.html", context | {"candidates": candidates})
    try:
        with transaction.atomic():
            case = receive_person(acting_user=request.user, agency=agency, intake=intake_data,
                                  person=None if existing else form.person_data(), existing_person=existing,
                                  request=request)
            if form.cleaned_data.get("exploitation"):
                case_set_exploitation(acting_user=request.user, case=case, types=form.cleaned_data["exploitation"],
                                      expected_version=case.version, request=request)
    except ValidationError as error:
        _apply(form, error)
        return render(request, "cases/intake.html", context, status=400)
    messages.success(request, _("Case %(code)s opened.") % {"code": case.code})
    return redirect(case)


@login_required
@require_POST
def intake_autosave(request: HttpRequest) -> JsonResponse:
    """Keep the form as a draft on the server and say what is wrong so far; called as the officer types."""
    agency = _agency(request, _agencies(request.user))
    _save_draft(request.user, request.POST)
    form, documents, children = _forms(agency, request.POST)
    valid = form.is_valid() & documents.is_valid() & children.is_valid()
    errors = _field_errors(form, documents, children)
    if valid:
        document_list, child_list = collect(documents, children)
        intake_data = form.intake_data(document_list, child_list)
        for check in (lambda: check_intake(intake_data),
                      lambda: form.person_data().cleaned(received_on=timezone.localdate(intake_data.received_at))):
            try:
                check()
            except ValidationError as error:
                for key, messages_ in error.message_dict.items():
                    errors.setdefault(key.removeprefix("person."), []).extend(messages_)
    return JsonResponse({"saved_at": timezone.localtime().strftime("%H:%M"), "errors": errors})


@login_required
@require_POST
def intake_discard(request: HttpRequest) -> HttpResponse:
    _agencies(request.user)
    IntakeDraft.objects.filter(user=request.user).delete()
    messages.info(request, _("The draft was discarded."))
    return redirect("cases_intake:form")
