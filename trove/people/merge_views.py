"""Possible duplicates of a case's person, merging two records of one person, and undoing a merge."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from trove.cases.models import Case
from trove.core import policy
from trove.people.matching import find_candidates
from trove.people.matching.profile import person_data
from trove.people.merge import may_undo, merge_persons, undo_merge
from trove.people.models import Person, PersonMerge


class MergeForm(forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput)
    keep = forms.ChoiceField(label=gettext_lazy("Which record to keep"),
                             choices=[("this", gettext_lazy("This case's record")),
                                      ("other", gettext_lazy("The other record"))], initial="this",
                             widget=forms.RadioSelect)
    reason = forms.CharField(label=gettext_lazy("Why these are the same person"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class UndoForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why the merge was wrong"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


def _case(user, code: str) -> Case:
    case = policy.visible(user, Case.objects.select_related("person")).filter(code__iexact=code).first()
    if case is None:
        raise Http404
    policy.require(user, "case.edit", case)
    return case


def _candidates(user, person: Person) -> list[dict]:
    found = find_candidates(person_data(person), exclude_ids=[person.pk], limit=10)
    ids = [candidate.person_id for candidate in found]
    cases = list(Case.objects.filter(person_id__in=ids).select_related("owner_agency"))
    seen = set(policy.visible(user, Case.objects.filter(pk__in=[c.pk for c in cases]), "case.view_identity")
               .values_list("pk", flat=True))
    shown = []
    for candidate in found:
        own = [case for case in cases if case.person_id == candidate.person_id]
        known = [case for case in own if case.pk in seen]
        shown.append({
            "person_id": candidate.person_id, "score": candidate.score, "reasons": candidate.reasons,
            "name": candidate.person.full_name if known else "", "cases": known,
            "agencies": sorted({case.owner_agency.name for case in own if case.pk not in seen}),
            "form": MergeForm(initial={"other": candidate.person_id}, prefix=f"p{candidate.person_id}"),
        })
    return shown


@login_required
def duplicates(request: HttpRequest, code: str) -> HttpResponse:
    case = _case(request.user, code)
    # Judging whether two records are one person needs the identity: without it, refuse rather than guess.
    if not policy.reveal_identity(request.user, case, request=request):
        raise PermissionDenied
    candidates = _candidates(request.user, case.person)
    status = 200
    if request.method == "POST":
        other_id = request.POST.get("other_person")
        chosen = next((c for c in candidates if str(c["person_id"]) == other_id), None)
        if chosen is None:
            messages.error(request, _("Choose one of the people listed."))
            status = 400
        else:
            form = MergeForm(request.POST, prefix=f"p{chosen['person_id']}")
            chosen["form"] = form
            if form.is_valid():
                other = Person.objects.get(pk=chosen["person_id"])
                survivor, duplicate = ((case.person, other) if form.cleaned_data["keep"] == "this"
                                       else (other, case.person))
                try:
                    merge_persons(acting_user=request.user, survivor=survivor, duplicate=duplicate,
                                  reason=form.cleaned_data["reason"], request=request)
                except PermissionDenied:
                    form.add_error(None, _("You may change only one of these records. Ask %(agencies)s to merge "
                                           "them, or to share the case with your agency.")
                                   % {"agencies": ", ".join(chosen["agencies"]) or _("the other agency")})
                except ValidationError as error:
                    form.add_error(None, error.messages)
                else:
                    messages.success(request, _("The two records are now one person. An administrator can undo "
                                                "this if it was a mistake."))
                    return redirect(case)
            status = 400
    return render(request, "people/duplicates.html", {"case": case, "candidates": candidates}, status=status)


@login_required
def merge_list(request: HttpRequest) -> HttpResponse:
    if not policy.has_permission(request.user, "admin.users"):
        raise PermissionDenied
    merges = [merge for merge in PersonMerge.objects.select_related("merged_by", "undone_by").order_by("-merged_at")
              [:500] if may_undo(request.user, merge)]
    page = Paginator(merges, 50).get_page(request.GET.get("page"))
    return render(request, "people/merges.html", {"page": page, "form": UndoForm()})


@login_required
@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    if not policy.has_permission(request.user, "admin.users"):
        raise PermissionDenied
    merge = get_object_or_404(PersonMerge, pk=pk)
    if not may_undo(request.user, merge):
        raise Http404
    form = UndoForm(request.POST)
    if form.is_valid():
        try:
            undo_merge(acting_user=request.user, merge=merge, reason=form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The merge is undone: the two records are separate persons again."))
    else:
        messages.error(request, _("Write why the merge was wrong."))
    return redirect("people_merge:list")
