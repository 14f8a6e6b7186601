"""Places of a report: a commune, a district (legacy), a province or the whole country, under the units of the time or
under today's units.

- **Units of the time** (``time``): records are counted where they were recorded, in the unit set valid on their
  date; the place must be a unit that existed during the period, and the report counts the records placed in it or
  under it, in its own set.
- **Today's units** (``today``): every record is counted under the 2025 unit its place became, through
  ``geo.UnitSuccession``: a legacy commune under its default successor (a legacy commune split between several 2025
  communes is counted once, under the default one, so that the communes add up to the province), a legacy district or
  province under the 2025 province that its province became. The place must be a 2025 unit.

``UnitIndex`` holds the ~14,000 units with their mapping in memory (a few hundred kilobytes, loaded once per process
and refreshed hourly), so that a place's units and a unit table's rows cost no query. Units change only with the law;
after an administrator changes them, restart the application or wait an hour.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trove.geo.models import AdminUnit, UnitLevel, UnitSet, UnitSuccession
from trove.reports.periods import Period

OTHER = ""  # the row of records placed above the rows' level (at the province itself, say)
REFRESH_SECONDS = 3600


class UnitsOption(models.TextChoices):
    TIME = "time", gettext_lazy("Units of the time")
    TODAY = "today", gettext_lazy("Today's units (2025)")


@dataclass(frozen=True)
class UnitInfo:
    pk: int
    unit_set: str
    level: str
    code: str
    province_code: str
    parent_id: int | None
    name: str

    @property
    def key(self) -> str:
        return f"{self.unit_set}:{self.code}"


@dataclass
class UnitIndex:
    units: dict[int, UnitInfo] = field(default_factory=dict)
    by_key: dict[str, int] = field(default_factory=dict)
    province: dict[tuple[str, str], int] = field(default_factory=dict)  # (set, province code) -> province unit
    today_commune: dict[int, int] = field(default_factory=dict)  # any unit -> 2025 commune (where there is one)
    today_province: dict[int, str] = field(default_factory=dict)  # any unit -> 2025 province code
    loaded_at: float = 0.0

    @classmethod
    def load(cls) -> UnitIndex:
        index = cls(loaded_at=time.monotonic())
        for pk, unit_set, level, code, province_code, parent_id, name in AdminUnit.objects.values_list(
                "pk", "unit_set", "level", "code", "province_code", "parent_id", "name"):
            info = UnitInfo(pk, unit_set, level, code, province_code, parent_id, name)
            index.units[pk] = info
            index.by_key[info.key] = pk
            if level == UnitLevel.PROVINCE:
                index.province[(unit_set, province_code)] = pk
        default: dict[int, int] = {}
        # The default successor first, then the lowest code, when a legacy unit went to several.
        for legacy_id, new_id in UnitSuccession.objects.values_list("legacy_unit_id", "new_unit_id").order_by(
                "-is_default", "new_unit__code"):
            default.setdefault(legacy_id, new_id)
        legacy_province_to: dict[str, str] = {}
        for legacy_id, new_id in default.items():
            legacy, new = index.units[legacy_id], index.units[new_id]
            if legacy.level == UnitLevel.PROVINCE:
                legacy_province_to[legacy.province_code] = new.province_code
        for info in index.units.values():
            if info.unit_set == UnitSet.Y2025:
                index.today_province[info.pk] = info.province_code
                if info.level == UnitLevel.COMMUNE:
                    index.today_commune[info.pk] = info.pk
                continue
            successor = index.units.get(default.get(info.pk, 0))
            if successor is not None and successor.level == UnitLevel.COMMUNE and info.level != UnitLevel.PROVINCE:
                index.today_commune[info.pk] = successor.pk
                index.today_province[info.pk] = successor.province_code
            elif info.province_code in legacy_province_to:
                index.today_province[info.pk] = legacy_province_to[info.province_code]
        return index

    def get(self, pk: int | None) -> UnitInfo | None:
        return self.units.get(pk) if pk is not None else None


_index: UnitIndex | None = None
_lock = threading.Lock()


def unit_index() -> UnitIndex:
    global _index
    with _lock:
        if _index is None or time.monotonic() - _index.loaded_at > REFRESH_SECONDS or not _index.units:
            _index = UnitIndex.load()
        return _index


def forget_units() -> None:
    """Reload the units on next use (after reference data changed, and in tests that add units)."""
    global _index
    with _lock:
        _index = None


@dataclass(frozen=True)
class Place:
    unit: AdminUnit | None  # None: the whole country
    option: str = UnitsOption.TODAY

    @property
    def key(self) -> str:
        return self.unit.key if self.unit is not None else "country"

    @property
    def cache_key(self) -> str:
        return f"{self.option}:{self.key}"

    def label(self) -> str:
        return self.unit.full_name if self.unit is not None else _("Whole country")

    def unit_ids(self) -> frozenset[int] | None:
        """The ids of the units whose records the place counts; None for the whole country (no condition)."""
        if self.unit is None:
            return None
        return _unit_ids(self.unit.pk, self.option)

    def condition(self, field: str = "unit") -> models.Q:
        """A condition on the records' unit: the ids of the place's units, worked out once per process from the
        index (a literal list: the database matches it with a hash, without reading the units table again)."""
        ids = self.unit_ids()
        if ids is None:
            return models.Q()
        return models.Q(**{f"{field}_id__in": _sorted_ids(ids)})

    # -- the rows of a table by unit ------------------------------------------------------------------------------

    def row_level_label(self) -> str:
        level = self._row_level()
        return {UnitLevel.PROVINCE: _("Province"), UnitLevel.DISTRICT: _("District"),
                UnitLevel.COMMUNE: _("Commune")}.get(level, _("Administrative unit"))

    def _row_level(self) -> str | None:
        if self.unit is None:
            return UnitLevel.PROVINCE
        if self.unit.level == UnitLevel.PROVINCE:
            legacy = self.option == UnitsOption.TIME and self.unit.unit_set == UnitSet.LEGACY
            return UnitLevel.DISTRICT if legacy else UnitLevel.COMMUNE
        if self.unit.level == UnitLevel.DISTRICT:
            return UnitLevel.COMMUNE
        return None  # a commune: one row, itself

    def row_of(self, unit_id: int | None) -> str:
        """The key of the table row under which a record placed in ``unit_id`` is counted (OTHER when above)."""
        index = unit_index()
        info = index.get(unit_id)
        if info is None:
            return OTHER
        if self.unit is not None and self.unit.level == UnitLevel.COMMUNE:
            return self.unit.key
        if self.option == UnitsOption.TODAY:
            if self.unit is None:
                code = index.today_province.get(info.pk)
                province = index.units.get(index.province.get((UnitSet.Y2025, code or ""), 0))
                return province.key if province else OTHER
            commune = index.units.get(index.today_commune.get(info.pk, 0))
            return commune.key if commune else OTHER
        level = self._row_level()
        if self.unit is None:
            province = index.units.get(index.province.get((info.unit_set, info.province_code), 0))
            return province.key if province else OTHER
        if info.level == level:
            return info.key
        if level == UnitLevel.DISTRICT and info.level == UnitLevel.COMMUNE:
            parent = index.get(info.parent_id)
            return parent.key if parent else OTHER
        return OTHER

    def row_label(self, key: str) -> str:
        if key == OTHER:
            return _("Recorded at the level above")
        index = unit_index()
        info = index.get(index.by_key.get(key))
        return info.name if info else key

    def row_condition(self, key: str, field: str = "unit") -> models.Q:
        """The records of one row of the table by unit (for drill-down)."""
        ids = self.unit_ids()
        candidates = ids if ids is not None else unit_index().units.keys()
        chosen = [pk for pk in candidates if self.row_of(pk) == key]
        return models.Q(**{f"{field}_id__in": sorted(chosen)})


_place_cache: dict[tuple[int, str, float], frozenset[int]] = {}
_sorted_cache: dict[frozenset[int], list[int]] = {}


def _sorted_ids(ids: frozenset[int]) -> list[int]:
    found = _sorted_cache.get(ids)
    if found is None:
        if len(_sorted_cache) > 200:
            _sorted_cache.clear()
        found = _sorted_cache[ids] = sorted(ids)
    return found


def _unit_ids(unit_pk: int, option: str) -> frozenset[int]:
    index = unit_index()
    cache_key = (unit_pk, option, index.loaded_at)
    cached = _place_cache.get(cache_key)
    if cached is not None:
        return cached
    unit = index.units[unit_pk]
    if option == UnitsOption.TIME:
        if unit.level == UnitLevel.PROVINCE:
            ids = {i.pk for i in index.units.values() if i.unit_set == unit.unit_set
                   and i.province_code == unit.province_code}
        elif unit.level == UnitLevel.DISTRICT:
            ids = {unit.pk} | {i.pk for i in index.units.values() if i.parent_id == unit.pk}
        else:
            ids = {unit.pk}
    elif unit.level == UnitLevel.PROVINCE:
        ids = {pk for pk, code in index.today_province.items() if code == unit.province_code}
    else:
        ids = {pk for pk, commune in index.today_commune.items() if commune == unit.pk}
    if len(_place_cache) > 2000:
        _place_cache.clear()
    result = frozenset(ids)
    _place_cache[cache_key] = result
    return result


def check_place(unit: AdminUnit | None, option: str, period: Period) -> None:
    """Refuse a unit of the wrong set for the option and period, with a message that says what to choose."""
    if option not in UnitsOption.values:
        raise ValidationError({"units": _("Choose the units of the time or today's units.")})
    if unit is None:
        return
    if option == UnitsOption.TODAY and unit.unit_set != UnitSet.Y2025:
        raise ValidationError({"place": _(
            "%(unit)s (%(key)s) is a unit of the 63-province set, which ended on 30/06/2025. Under today's units, "
            "choose a unit of the 2025 set (for example 2025:82), or show the figures under the units of the time."
        ) % {"unit": unit.name, "key": unit.key}})
    if option == UnitsOption.TIME:
        ends_before = unit.valid_to is not None and unit.valid_to < period.start
        starts_after = unit.valid_from is not None and unit.valid_from > period.end
        if ends_before or starts_after:
            raise ValidationError({"place": _(
                "%(unit)s (%(key)s) did not exist during %(period)s: its unit set was in force %(valid)s. Choose a "
                "unit of the set in force then, or show the figures under today's units."
            ) % {"unit": unit.name, "key": unit.key, "period": period.label(), "valid": _validity(unit)}})


def _validity(unit: AdminUnit) -> str:
    if unit.valid_to is not None:
        return _("until %(day)s") % {"day": unit.valid_to.strftime("%d/%m/%Y")}
    if unit.valid_from is not None:
        return _("from %(day)s") % {"day": unit.valid_from.strftime("%d/%m/%Y")}
    return _("always")


def footprint(unit: AdminUnit | UnitInfo) -> set[int]:
    """The 2025 units (communes, or a province) that a unit of either set corresponds to today."""
    index = unit_index()
    info = index.units[unit.pk]
    if info.unit_set == UnitSet.Y2025:
        return {info.pk}
    if info.level == UnitLevel.PROVINCE:
        province = index.province.get((UnitSet.Y2025, index.today_province.get(info.pk, "")))
        return {province} if province else set()
    if info.level == UnitLevel.DISTRICT:
        communes = {index.today_commune[i.pk] for i in index.units.values()
                    if i.parent_id == info.pk and i.pk in index.today_commune}
        return communes or ({index.today_commune[info.pk]} if info.pk in index.today_commune else set())
    return {index.today_commune[info.pk]} if info.pk in index.today_commune else set()


def within(unit: AdminUnit | None, scope: AdminUnit) -> bool:
    """Whether ``unit`` (None: the whole country) lies in ``scope`` or under it, comparing both under today's units."""
    if unit is None:
        return False
    index = unit_index()
    regions = [index.units[pk] for pk in footprint(scope)]
    parts = [index.units[pk] for pk in footprint(unit)]
    if not parts or not regions:
        return False

    def inside(part: UnitInfo) -> bool:
        for region in regions:
            if region.level == UnitLevel.PROVINCE and part.province_code == region.province_code:
                return True
            if region.pk == part.pk:
                return True
        return False

    return all(inside(part) for part in parts)


def covers_country(scopes: list[AdminUnit]) -> bool:
    """Whether the scopes together hold every 2025 province (the whole country)."""
    index = unit_index()
    provinces = {code for (unit_set, code) in index.province if unit_set == UnitSet.Y2025}
    held = set()
    for scope in scopes:
        for pk in footprint(scope):
            info = index.units[pk]
            if info.level == UnitLevel.PROVINCE:
                held.add(info.province_code)
    return bool(provinces) and provinces <= held
