"""Who may see which statistics (DESIGN §4 and §6).

- ``report.view_aggregate`` lets a member see statistics of the places within their membership's scope, with small
  counts hidden (``trove.reports.suppression``); ``report.view_exact`` shows exact counts for the places within the
  scope of a membership that holds it.
- A place outside every scope of the user's memberships does not exist for them (404), like a record outside their
  reach; a user without ``report.view_aggregate`` at all is refused (403).
- The whole country needs scopes that together hold every province.
- Records behind a figure are listed through ``policy.visible``: only those the user may see anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from trove.core import policy
from trove.geo.models import AdminUnit, UnitSet
from trove.reports.places import Place, UnitsOption, covers_country, within

AGGREGATE = "report.view_aggregate"
EXACT = "report.view_exact"


@dataclass(frozen=True)
class Viewer:
    user: object
    exact: bool


def require_statistics(user) -> None:
    if not policy.has_permission(user, AGGREGATE):
        raise PermissionDenied


def _scopes(user, permission: str) -> list[AdminUnit]:
    return [membership.scope_unit for membership in policy.memberships_with(user, permission)]


def _covers(scopes: list[AdminUnit], unit: AdminUnit | None) -> bool:
    if unit is None:
        return covers_country(scopes)
    return any(within(unit, scope) for scope in scopes)


def may_see(user, unit: AdminUnit | None) -> bool:
    return _covers(_scopes(user, AGGREGATE), unit)


def viewer_for(user, place: Place) -> Viewer:
    """The user's view of the place's statistics: 403 without the permission, 404 outside their scope."""
    require_statistics(user)
    if not _covers(_scopes(user, AGGREGATE), place.unit):
        raise Http404
    return Viewer(user, _covers(_scopes(user, EXACT), place.unit))


def default_place(user) -> Place:
    """The scope of the user's first membership that may see statistics (a 2025 unit, under today's units)."""
    scopes = sorted(_scopes(user, AGGREGATE), key=lambda unit: (unit.unit_set != UnitSet.Y2025, unit.level, unit.pk))
    if not scopes:
        return Place(None, UnitsOption.TODAY)
    unit = scopes[0]
    return Place(unit, UnitsOption.TODAY if unit.unit_set == UnitSet.Y2025 else UnitsOption.TIME)


def place_choices(user) -> list[AdminUnit]:
    """Places to suggest: the user's scope units and the units directly under them (2025 set)."""
    scopes = _scopes(user, AGGREGATE)
    units = {unit.pk: unit for unit in scopes}
    for unit in AdminUnit.objects.filter(parent__in=[scope.pk for scope in scopes]).order_by("name")[:400]:
        units.setdefault(unit.pk, unit)
    return list(units.values())


def may_see_whole_country(user) -> bool:
    return covers_country(_scopes(user, AGGREGATE))


def may_export_records(user) -> bool:
    """Record-level exports (HTCDS): pseudonymised ones need exact statistics, identifiable ones their permission."""
    return policy.has_permission(user, EXACT) or policy.has_permission(user, "export.identifiable")
