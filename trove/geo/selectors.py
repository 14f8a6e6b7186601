"""Read-side questions about units: which were valid on a day, what a legacy unit is now, what lies under a unit."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from trove.geo.models import AdminUnit, UnitLevel, UnitSet, UnitSuccession


def units_valid_on(day: datetime.date, level: str | None = None) -> QuerySet[AdminUnit]:
    units = AdminUnit.objects.valid_on(day)
    if level:
        units = units.filter(level=level)
    return units


def current_units_for_many(units: Iterable[AdminUnit]) -> dict[int, list[AdminUnit]]:
    """The 2025 units each unit corresponds to, by unit id, in one query whatever the number of units.

    A legacy commune gives its successors, the default first; a legacy district the distinct 2025 communes its
    communes went to (or, for an island district without communes, the special zone it became); a legacy province its
    2025 province; a 2025 unit itself. The 2025 units come with ``parent`` loaded.
    """
    units = list(units)
    result: dict[int, list[AdminUnit]] = {unit.pk: [] for unit in units}
    legacy_ids = [unit.pk for unit in units if unit.unit_set == UnitSet.LEGACY]
    district_ids = [unit.pk for unit in units if unit.unit_set == UnitSet.LEGACY and unit.level == UnitLevel.DISTRICT]
    for unit in units:
        if unit.unit_set == UnitSet.Y2025:
            result[unit.pk].append(unit)
    if not legacy_ids:
        return result

    rows = UnitSuccession.objects.filter(
        Q(legacy_unit_id__in=legacy_ids) | Q(legacy_unit__parent_id__in=district_ids)
    ).select_related("legacy_unit", "new_unit__parent")
    district_set = set(district_ids)
    for row in sorted(rows, key=lambda row: (not row.is_default, row.new_unit.code)):
        owners = [row.legacy_unit_id]
        if row.legacy_unit.parent_id in district_set:
            owners.append(row.legacy_unit.parent_id)
        for owner in owners:
            if owner in result and row.new_unit not in result[owner]:
                result[owner].append(row.new_unit)
    return result


def current_units_for(unit: AdminUnit) -> list[AdminUnit]:
    """The 2025 unit(s) for ``unit``; see ``current_units_for_many``."""
    return current_units_for_many([unit])[unit.pk]


def unit_path(unit: AdminUnit) -> list[AdminUnit]:
    """The unit, its parent, and so on up to its province."""
    path = [unit]
    while path[-1].parent_id is not None:
        path.append(path[-1].parent)
    return path


def full_name(unit: AdminUnit) -> str:
    """The name with those above it, such as "Xã Tân Hộ Cơ, Huyện Tân Hồng, Tỉnh Đồng Tháp"."""
    return ", ".join(part.name for part in unit_path(unit))


def descendant_units(unit: AdminUnit) -> QuerySet[AdminUnit]:
    """The unit and every unit under it, in its own set, as one query with no recursion.

    Units of a province share its ``province_code``, so a province needs one indexed filter; a district's communes
    point at it as their parent; a commune has nothing under it.
    """
    if unit.level == UnitLevel.PROVINCE:
        return AdminUnit.objects.filter(unit_set=unit.unit_set, province_code=unit.province_code)
    if unit.level == UnitLevel.DISTRICT:
        return AdminUnit.objects.filter(Q(pk=unit.pk) | Q(parent_id=unit.pk))
    return AdminUnit.objects.filter(pk=unit.pk)
