"""Read-side questions about agencies: the directory, who may see an agency's staff, a user's own memberships."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from trove.agencies.models import Agency, Membership
from trove.core import policy
from trove.geo.models import AdminUnit, parse_unit_key
from trove.geo.search import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, normalise, search_units
from trove.geo.selectors import descendant_units

# How many other units a name may also have meant, offered as links under the directory filter.
UNIT_ALTERNATIVES = 5


@dataclass
class UnitChoice:
    """The unit a typed name or key was taken to mean, and the other units the same name could have meant."""

    unit: AdminUnit | None = None
    alternatives: list[AdminUnit] = field(default_factory=list)


def find_unit(text: str, *, on: datetime.date | None = None) -> UnitChoice:
    """The unit that ``text`` names: a key (``2025:82``) exactly, or else the best name match.

    Names are matched among the units valid on ``on`` first, so "Đồng Tháp" means the current province; a name only
    an older unit had (Sa Rài) still finds that one.
    """
    text = (text or "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return UnitChoice()
    try:
        unit_set, code = parse_unit_key(text)
    except ValueError:
        pass
    else:
        unit = AdminUnit.objects.select_related("parent__parent").filter(unit_set=unit_set, code=code).first()
        return UnitChoice(unit=unit)
    candidates: list[AdminUnit] = []
    if on is not None:
        candidates = search_units(text, on=on, limit=UNIT_ALTERNATIVES + 1)
    if not candidates:
        candidates = search_units(text, limit=UNIT_ALTERNATIVES + 1)
    if not candidates:
        return UnitChoice()
    return UnitChoice(unit=candidates[0], alternatives=candidates[1:])


def directory_agencies(
    *,
    query: str = "",
    agency_type: str = "",
    unit: AdminUnit | None = None,
    include_ended: bool = False,
    day: datetime.date | None = None,
) -> QuerySet[Agency]:
    """Agencies for the directory, with what each row shows loaded, so a page costs the same queries at any size.

    Every word of ``query`` must appear in the agency's normalised name or short name; ``unit`` keeps the agencies on
    that unit or under it, in the unit's own set.
    """
    agencies = Agency.objects.all() if include_ended else Agency.objects.current(day)
    for word in normalise((query or "")[:MAX_QUERY_LENGTH]).split()[:MAX_QUERY_WORDS]:
        # search_text is already lower case, so a case-sensitive "contains" matches the normalised word.
        agencies = agencies.filter(search_text__contains=word)
    if agency_type:
        agencies = agencies.filter(agency_type=agency_type)
    if unit is not None:
        agencies = agencies.filter(unit__in=descendant_units(unit).values("pk"))
    return agencies.select_related("unit__parent__parent", "parent").order_by("name", "pk")


def can_see_members(user, agency: Agency) -> bool:
    """Staff lists are not public within the system: only the agency's own current members, and administrators
    (``admin.users``) whose scope covers the agency's unit, see who works there."""
    memberships = policy.current_memberships(user)
    if any(membership.agency_id == agency.pk for membership in memberships):
        return True
    for membership in policy.memberships_with(user, "admin.users"):
        if Agency.objects.filter(pk=agency.pk).filter(policy.covered_units(membership.scope_unit)).exists():
            return True
    return False


def current_members(agency: Agency, day: datetime.date | None = None) -> QuerySet[Membership]:
    return (
        Membership.objects.current(day)
        .filter(agency=agency, user__is_active=True)
        .select_related("user", "scope_unit__parent__parent")
        .order_by("user__full_name", "user__username", "role")
    )


def memberships_of(user, day: datetime.date | None = None) -> QuerySet[Membership]:
    """All of the user's memberships, current ones first (a membership is current while it and its agency are),
    then the most recent."""
    day = day or timezone.localdate()
    current = (
        Q(ended_at__isnull=True)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        & (Q(agency__valid_from__isnull=True) | Q(agency__valid_from__lte=day))
        & (Q(agency__valid_to__isnull=True) | Q(agency__valid_to__gte=day))
    )
    return (
        Membership.objects.filter(user=user)
        .annotate(is_current=ExpressionWrapper(current, output_field=BooleanField()))
        .select_related("agency", "scope_unit__parent__parent")
        .order_by("-is_current", F("valid_from").desc(nulls_last=True), "agency__name", "pk")
    )
