"""Correcting the identity of a case's person, with optimistic locking (issue 14 part 2)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from trove.cases.selectors import case_for_user
from trove.core import policy
from trove.core.versioning import StaleEdit
from trove.people.actions import person_update
from trove.people.forms import PersonCorrectionForm
from trove.people.models import Person


@login_required
def person_edit(request: HttpRequest, code: str) -> HttpResponse:
    case, permissions = case_for_user(request.user, code, "case.edit")
    if "case.view_identity" not in permissions or not policy.reveal_identity(request.user, case, request=request):
        raise PermissionDenied
    person = case.person
    stale = None
    status = 200
    if request.method == "POST":
        form = PersonCorrectionForm(request.POST)
        if form.is_valid():
            try:
                person_update(acting_user=request.user, case=case, data=form.person_data(person),
                              expected_version=form.cleaned_data["version"], reason=form.cleaned_data["reason"],
                              request=request)
            except StaleEdit as error:
                stale = error
                # Show what the other person saved; a second submit applies the officer's input over it, knowingly.
                data = request.POST.copy()
                data["version"] = error.current.version
                form = PersonCorrectionForm(data)
                form.is_valid()
                status = 409
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
                status = 400
            else:
                messages.success(request, _("The person's details are corrected."))
                return redirect(case)
        else:
            status = 400
    else:
        form = PersonCorrectionForm(initial=PersonCorrectionForm.initial_for(person))
    labels = {field.name: field.verbose_name for field in Person._meta.fields}
    # What the other user changed: when, who, and which fields (never the values: the log keeps them masked).
    others = [(entry, [labels.get(name, name) for name in entry.changes]) for entry in stale.changes] if stale else []
    return render(request, "people/person_edit.html", {
        "case": case, "form": form, "stale": stale, "others": others,
    }, status=status)
