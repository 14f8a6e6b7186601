"""The registries of suspected victims and missing persons: lists, new entries, entry pages, status changes and
"becomes a case" (issue 4, part 3). Every look-up goes through the access policy."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trove.cases.selectors import names_shown
from trove.core import policy
from trove.people import registry_actions
from trove.people.forms import MissingPersonForm, StatusForm, SuspectedVictimForm, ToCaseForm
from trove.people.identity import persons_named
from trove.people.models import MissingPerson, MissingStatus, SuspectedStatus, SuspectedVictim

PAGE_SIZE = 50


@dataclass(frozen=True)
class Registry:
    kind: str
    model: type[models.Model]
    form: type
    statuses: type[models.TextChoices]
    title: str
    related: tuple[str, ...]


REGISTRIES = {
    "suspected": Registry("suspected", SuspectedVictim, SuspectedVictimForm, SuspectedStatus,
                          gettext_lazy("Suspected victims"), ("destination_country",)),
    "missing": Registry("missing", MissingPerson, MissingPersonForm, MissingStatus,
                        gettext_lazy("Missing persons"), ("last_known_country",)),
}


def _registry(kind: str) -> Registry:
    try:
        return REGISTRIES[kind]
    except KeyError:
        raise Http404 from None


def _entry(request: HttpRequest, registry: Registry, pk: int, action: str | None = None):
    queryset = registry.model.objects.select_related("owner_agency", "unit__parent__parent", "case",
                                                     *registry.related)
    return policy.get_for_user(request.user, queryset, pk, action)


def _entry_url(registry: Registry, entry) -> str:
    return reverse("registries:detail", args=[registry.kind, entry.pk])


def _creating_agencies(user) -> list:
    agencies = {m.agency_id: m.agency for m in policy.memberships_with(user, "case.create")}
    return sorted(agencies.values(), key=lambda agency: agency.name)


def _may_open_case(user, entry) -> bool:
    """A case opened from an entry belongs to the entry's agency: only its members who may open cases can."""
    return any(m.agency_id == entry.owner_agency_id for m in policy.memberships_with(user, "case.create"))


def _attach_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, field_errors in error.message_dict.items():
        name = name.removeprefix("person.")
        form.add_error(name if name in form.fields else None, field_errors)


@login_required
@require_GET
def entry_list(request: HttpRequest, kind: str) -> HttpResponse:
    registry = _registry(kind)
    if not policy.has_permission(request.user, "case.view"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:200]
    entries = policy.visible(request.user, registry.model.objects.all())
    if status in registry.statuses.values:
        entries = entries.filter(status=status)
    name_search_refused = bool(query) and not policy.has_permission(request.user, "case.view_identity")
    if query:
        # Names match only entries whose identity the user may see: otherwise the list would tell who is who.
        identifiable = policy.visible(request.user, registry.model.objects.all(), "case.view_identity")
        entries = entries.filter(person_id__in=persons_named(query), pk__in=identifiable.values("pk"))
    entries = entries.select_related("owner_agency", "unit__parent__parent", "case", *registry.related).order_by(
        "-reported_on", "-pk")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    names = names_shown(request.user, page.object_list, request=request)
    context = {
        "registry": registry,
        "registries": REGISTRIES.values(),
        "page": page,
        "rows": [(entry, names.get(entry.pk)) for entry in page.object_list],
        "status": status,
        "query": query,
        "name_search_refused": name_search_refused,
        "can_create": bool(_creating_agencies(request.user)),
    }
    return render(request, "people/registry_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def entry_new(request: HttpRequest, kind: str) -> HttpResponse:
    registry = _registry(kind)
    agencies = _creating_agencies(request.user)
    if not agencies:
        raise PermissionDenied
    form = registry.form(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = next(a for a in agencies if a.pk == data["agency"])
        common = {"acting_user": request.user, "agency": agency, "person": form.person_data(),
                  "reported_on": data["reported_on"], "reported_by": data["reported_by"], "notes": data["notes"],
                  "request": request}
        try:
            if registry.kind == "suspected":
                entry = registry_actions.suspected_create(
                    risk_channel=data["risk_channel"], destination_country=data["destination_country"], **common)
            else:
                entry = registry_actions.missing_create(
                    last_known_place=data["last_known_place"], last_known_country=data["last_known_country"],
                    missing_since=data["missing_since"], **common)
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(request, _("The entry is recorded."))
            return redirect(_entry_url(registry, entry))
    return render(request, "people/registry_form.html", {"registry": registry, "form": form},
                  status=400 if form.errors else 200)


def _detail(request: HttpRequest, registry: Registry, pk: int, *, status_form: StatusForm | None = None,
            status: int = 200) -> HttpResponse:
    entry = _entry(request, registry, pk)
    permissions = policy.permissions_on(request.user, entry)
    show_identity = "case.view_identity" in permissions and policy.reveal_identity(request.user, entry,
                                                                                     request=request)
    choices = [(value, registry.statuses(value).label) for value in registry.statuses.values
               if value in registry_actions.transitions_for(entry) and value != registry_actions.BECAME_CASE]
    can_edit = "case.edit" in permissions
    context = {
        "registry": registry,
        "entry": entry,
        "show_identity": show_identity,
        "person": entry.person if show_identity else None,
        "can_edit": can_edit,
        "status_form": (status_form or StatusForm(choices=choices)) if can_edit and choices else None,
        "can_open_case": can_edit and _may_open_case(request.user, entry)
        and registry_actions.BECAME_CASE in registry_actions.transitions_for(entry),
        "case_visible": entry.case_id is not None and policy.can(request.user, "case.view", entry.case),
    }
    return render(request, "people/registry_detail.html", context, status=status)


@login_required
@require_GET
def entry_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return _detail(request, _registry(kind), pk)


@login_required
@require_POST
def entry_status(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    registry = _registry(kind)
    entry = _entry(request, registry, pk, "case.edit")
    form = StatusForm(request.POST, choices=registry.statuses.choices)
    if form.is_valid():
        try:
            registry_actions.registry_entry_transition(acting_user=request.user, entry=entry,
                                                       status=form.cleaned_data["status"],
                                                       reason=form.cleaned_data["reason"], request=request)
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(request, _("The status is changed."))
            return redirect(_entry_url(registry, entry))
    return _detail(request, registry, pk, status_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def entry_to_case(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    registry = _registry(kind)
    entry = _entry(request, registry, pk, "case.edit")
    if not _may_open_case(request.user, entry):
        raise PermissionDenied
    if registry_actions.BECAME_CASE not in registry_actions.transitions_for(entry):
        messages.error(request, _("This entry cannot become a case any more."))
        return redirect(_entry_url(registry, entry))
    form = ToCaseForm(request.POST or None,
                      initial={"received_at": timezone.localtime().replace(second=0, microsecond=0),
                               "place_unit": entry.owner_agency.unit.key})
    if request.method == "POST" and form.is_valid():
        try:
            case = registry_actions.registry_entry_to_case(acting_user=request.user, entry=entry,
                                                           intake=form.intake_data(), request=request)
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(request, _("Case %(code)s is opened for this person.") % {"code": case.code})
            return redirect(case)
    return render(request, "people/registry_to_case.html", {"registry": registry, "entry": entry, "form": form},
                  status=400 if form.errors else 200)
