"""Read-side questions of the support app that the actions and the pages share: the places that cover a case, the
funding sources and agencies an entry may name, and the members who may be named as approvers or in a
confidentiality flag."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from trove.agencies.models import Agency, Membership
from trove.cases.models import Case
from trove.core import policy
from trove.core.models.access import Participation
from trove.core.permissions import role_permissions, roles_with
from trove.geo.models import AdminUnit, UnitSuccession
from trove.geo.selectors import unit_path
from trove.support.models import FundingSource


def place_units(unit: AdminUnit) -> set[int]:
    """The unit, the units above it, and the same for the units it corresponds to in the other unit set (a legacy
    commune's 2025 commune and province; a 2025 commune's legacy communes, districts and province). Kept on the unit
    object, so that a page asking several times reads the succession once."""
    cached = getattr(unit, "_support_place_units", None)
    if cached is not None:
        return cached
    related = [unit]
    if unit.unit_set == "legacy":
        related += [row.new_unit for row in UnitSuccession.objects.filter(legacy_unit=unit).select_related(
            "new_unit__parent__parent")]
    else:
        related += [row.legacy_unit for row in UnitSuccession.objects.filter(new_unit=unit).select_related(
            "legacy_unit__parent__parent")]
    unit._support_place_units = {above.pk for each in related for above in unit_path(each)}
    return unit._support_place_units


def usable_sources(case: Case, day: datetime.date | None = None, agencies=()) -> QuerySet[FundingSource]:
    """The funding sources an entry on ``case`` may draw on: those placed over the case's place, and those of the
    given agencies (the giving agency). Their names are shown to whoever records support; amounts and estimates
    need ``budget.view``."""
    sources = FundingSource.objects.filter(Q(unit_id__in=place_units(case.unit))
                                           | Q(owner_agency_id__in=[getattr(a, "pk", a) for a in agencies]))
    if day is not None:
        sources = sources.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    return sources.order_by("name", "pk")


def agency_choices(user, case: Case, permission: str) -> QuerySet[Agency]:
    """Agencies a form on the case offers (giving or responsible agency): the user's own, the case's owner, the
    agencies taking part in the case, and those placed over the case's place — a bounded list however many agencies
    the country has."""
    own = policy.agencies_of(user, permission)
    taking_part = Participation.objects.active().for_object(case).values("agency_id")
    return (Agency.objects.current()
            .filter(Q(pk__in=own) | Q(pk=case.owner_agency_id) | Q(pk__in=taking_part)
                    | Q(unit_id__in=place_units(case.unit)))
            .order_by("name", "pk"))


def members_who_can(case: Case, permission: str, *, restrictions: bool = False) -> list:
    """The users who hold ``permission`` on the case today (ignoring a confidentiality flag unless
    ``restrictions``): members of its owner and of the agencies taking part, and supervisors whose scope covers it."""
    roles = roles_with(permission)
    supervising = [role for role in roles if "scope.supervise" in role_permissions(role)]
    taking_part = Participation.objects.active().for_object(case).values("agency_id")
    candidates = (
        Membership.objects.current()
        .filter(role__in=roles, user__is_active=True)
        .filter(Q(agency_id=case.owner_agency_id) | Q(agency_id__in=taking_part)
                | Q(role__in=supervising, scope_unit_id__in=place_units(case.unit)))
        .select_related("user").order_by("user__full_name", "user__username")
    )
    users = {membership.user_id: membership.user for membership in candidates}
    if permission != "case.view_identity" and not restrictions:
        # Each candidate reaches the case by construction (owner, participant, supervisor over its place) and holds
        # the permission by role; only identity also depends on the sections a participation shows.
        return list(users.values())
    return [user for user in users.values() if policy.can(user, permission, case, restrictions=restrictions)]


def sources_for_agency(agency: Agency) -> QuerySet[FundingSource]:
    """The funding sources an agency's estimate may plan on: its own, and those placed over its place."""
    return (FundingSource.objects.filter(Q(owner_agency=agency) | Q(unit_id__in=place_units(agency.unit)))
            .order_by("name", "pk"))
