from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from trove.agencies import actions
from trove.agencies.forms import DirectoryFilterForm, MemberAddForm
from trove.agencies.models import Agency, Membership
from trove.agencies.selectors import (
    can_see_members,
    current_members,
    directory_agencies,
    find_unit,
    memberships_of,
)
from trove.core.models import User
from trove.geo.models import UnitSet
from trove.geo.selectors import current_units_for

PAGE_SIZE = 50


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    # A field that does not validate (an unknown type in a hand-written URL) is left out; the others still filter.
    data = form.cleaned_data if form.is_bound and form.is_valid() else getattr(form, "cleaned_data", {})
    today = timezone.localdate()
    include_ended = bool(data.get("include_ended"))
    unit_choice = find_unit(data.get("unit", ""), on=None if include_ended else today)
    unit_not_found = bool(data.get("unit")) and unit_choice.unit is None
    if unit_not_found:
        agencies = Agency.objects.none()
    else:
        agencies = directory_agencies(
            query=data.get("q", ""),
            agency_type=data.get("agency_type", ""),
            unit=unit_choice.unit,
            include_ended=include_ended,
            day=today,
        )
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "unit_choice": unit_choice,
        "unit_not_found": unit_not_found,
        "filtered": any(data.get(name) for name in ("q", "agency_type", "unit")),
        "today": today,
    }
    return render(request, "agencies/directory.html", context)


def _administers(user, agency: Agency) -> bool:
    try:
        actions.administering_membership(user, agency)
    except PermissionDenied:
        return False
    return True


@login_required
@require_GET
def detail(request: HttpRequest, agency_id: int, add_form: MemberAddForm | None = None) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("unit__parent__parent", "parent"), pk=agency_id)
    today = timezone.localdate()
    show_members = can_see_members(request.user, agency)
    administers = _administers(request.user, agency)
    if administers and add_form is None:
        add_form = MemberAddForm(initial={"scope": agency.unit.key, "valid_from": today})
    context = {
        "administers": administers,
        "add_form": add_form if administers else None,
        "agency": agency,
        "today": today,
        "is_current": agency.is_valid_on(today),
        "current_units": current_units_for(agency.unit) if agency.unit.unit_set == UnitSet.LEGACY else [],
        "children": agency.children.select_related("unit").order_by("name", "pk"),
        "show_members": show_members,
        "members": list(current_members(agency, today)) if show_members else [],
    }
    return render(request, "agencies/detail.html", context, status=400 if add_form and add_form.errors else 200)


@login_required
@require_POST
def member_add(request: HttpRequest, agency_id: int) -> HttpResponse:
    agency = get_object_or_404(Agency, pk=agency_id)
    actions.administering_membership(request.user, agency)  # 403 before reading the form
    form = MemberAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = User.objects.filter(username=data["username"].strip()).first()
                if user is None:
                    user = actions.account_create(acting_user=request.user, agency=agency, username=data["username"],
                                                  full_name=data["full_name"], password=data["password"],
                                                  request=request)
                actions.membership_add(acting_user=request.user, agency=agency, user=user, role=data["role"],
                                       scope_unit=data["scope"], valid_from=data["valid_from"],
                                       valid_to=data["valid_to"], request=request)
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(request, _("%(name)s is now a member of this agency.") % {"name": user.display_name})
            return redirect(agency)
    request.method = "GET"  # render the detail page with the form and its errors
    return detail(request, agency_id, add_form=form)


@login_required
@require_POST
def member_end(request: HttpRequest, agency_id: int, membership_id: int) -> HttpResponse:
    agency = get_object_or_404(Agency, pk=agency_id)
    actions.administering_membership(request.user, agency)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id, agency=agency)
    actions.membership_end(acting_user=request.user, membership=membership, request=request)
    messages.success(request, _("%(name)s is no longer a %(role)s here; their sessions have ended.")
                     % {"name": membership.user.display_name, "role": membership.get_role_display()})
    return redirect(agency)


def _attach_errors(form: MemberAddForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_GET
def my_memberships(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    memberships = memberships_of(request.user, today)
    return render(request, "agencies/my_memberships.html", {"memberships": memberships, "today": today})
