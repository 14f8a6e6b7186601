"""Places in legacy lists: addresses in one cell parsed to administrative units, and country names.

Addresses go through ``vietnamadminunits`` (the package the unit tables come from), in the unit set that the row's
date says: the 63-province set before 1 July 2025, the 34-province set from that day (law.md, "The 2025
reorganisation"). An address that names a district ("Xã Tân Hộ Cơ, huyện Tân Hồng, tỉnh Đồng Tháp") is written in the
old units whatever its date, because districts no longer exist after the reorganisation; an address the first set
does not know is tried in the other. Abbreviations work as the package reads them ("Tan Ho Co - Tan Hong - DT").
Results are cached per address, since a list repeats the same few communes thousands of times.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from trove.geo.models import REORGANISATION_DATE, AdminUnit, Country, UnitSet
from trove.imports.cleaning import CellError, as_text, fold

LEGACY_MODE, NEW_MODE = "LEGACY", "FROM_2025"

# Ways offices write the countries victims most often return from (categories.md), besides the ISO names.
COUNTRY_ALIASES = {
    "tq": "CN", "trung quoc": "CN", "trung hoa": "CN", "china": "CN",
    "cpc": "KH", "campuchia": "KH", "cam pu chia": "KH", "cambodia": "KH",
    "lao": "LA", "laos": "LA", "thai lan": "TH", "thailand": "TH",
    "malaysia": "MY", "ma lai": "MY", "ma lai xi a": "MY", "han quoc": "KR", "korea": "KR", "south korea": "KR",
    "dai loan": "TW", "taiwan": "TW", "anh": "GB", "vuong quoc anh": "GB", "uk": "GB", "duc": "DE",
    "germany": "DE", "viet nam": "VN", "vn": "VN", "myanmar": "MM", "nhat ban": "JP", "japan": "JP",
}


def _parse(text: str, mode: str):
    # Imported here: the package loads its tables on import, which only an import needs.
    from vietnamadminunits import parse_address

    try:
        return parse_address(text, mode=mode)
    except Exception:  # noqa: BLE001 - the package raises on some malformed input; such an address is unknown
        return None


class PlaceReader:
    """Turns address text into the ``AdminUnit`` it names, for one import run."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, bool], tuple[AdminUnit | None, list[str]]] = {}
        self._units: dict[tuple[str, str], AdminUnit | None] = {}

    def _unit(self, unit_set: str, code: str | None) -> AdminUnit | None:
        if not code:
            return None
        key = (unit_set, str(code))
        if key not in self._units:
            self._units[key] = AdminUnit.objects.filter(unit_set=unit_set, code=str(code)).first()
        return self._units[key]

    def by_pk(self, pk: int) -> AdminUnit | None:
        key = ("pk", str(pk))
        if key not in self._units:
            self._units[key] = AdminUnit.objects.filter(pk=pk).first()
        return self._units[key]

    def legacy_default(self, unit: AdminUnit) -> AdminUnit | None:
        """The first of ``legacy_places(unit)``: where an agency of today received people before July 2025."""
        key = ("legacy-default", str(unit.pk))
        if key not in self._units:
            places = legacy_places(unit)
            self._units[key] = places[0] if places else None
        return self._units[key]

    def _read(self, parsed, unit_set: str) -> tuple[AdminUnit | None, bool]:
        """The unit a parse found (the commune if any, else the province) and whether it is a commune."""
        if parsed is None:
            return None, False
        commune = self._unit(unit_set, getattr(parsed, "ward_code", None))
        if commune is not None:
            return commune, True
        return self._unit(unit_set, getattr(parsed, "province_code", None)), False

    def unit_for(self, text: str, *, on: datetime.date | None) -> tuple[AdminUnit | None, list[str]]:
        """The unit named by ``text`` as it was on the day ``on`` (today's units when unknown), and remarks."""
        text = as_text(text)
        if not text:
            return None, []
        legacy_first = on is not None and on < REORGANISATION_DATE
        key = (fold(text), legacy_first)
        if key not in self._cache:
            self._cache[key] = self._resolve(text, legacy_first)
        return self._cache[key]

    def _resolve(self, text: str, legacy_first: bool) -> tuple[AdminUnit | None, list[str]]:
        legacy = _parse(text, LEGACY_MODE)
        names_district = legacy is not None and getattr(legacy, "district_code", None) and getattr(
            legacy, "ward_code", None)
        if legacy_first or names_district:
            order = [(legacy, UnitSet.LEGACY), (None, UnitSet.Y2025)]
        else:
            order = [(None, UnitSet.Y2025), (legacy, UnitSet.LEGACY)]
        found_province = None
        for parsed, unit_set in order:
            if parsed is None:
                parsed = _parse(text, NEW_MODE if unit_set == UnitSet.Y2025 else LEGACY_MODE)
            unit, is_commune = self._read(parsed, unit_set)
            if is_commune:
                return unit, []
            found_province = found_province or unit
        if found_province is not None:
            return found_province, [_("Only the province of the address was recognised.")]
        return None, [_("The address names no commune or province that exists; it is kept as text only.")]


class CountryReader:
    """Country names, ISO codes and common abbreviations -> ``Country``."""

    def __init__(self) -> None:
        self._table: dict[str, str] | None = None
        self._countries: dict[str, Country] = {}

    def _load(self) -> dict[str, str]:
        if self._table is None:
            table = {}
            for country in Country.objects.all():
                self._countries[country.code] = country
                table[fold(country.code)] = country.code
                table[fold(country.name_vi)] = country.code
                table[fold(country.name_en)] = country.code
            table.update({alias: code for alias, code in COUNTRY_ALIASES.items() if code in self._countries})
            self._table = table
        return self._table

    def country(self, value: object) -> Country | None:
        table = self._load()
        folded = fold(as_text(value))
        if not folded:
            return None
        code = table.get(folded)
        if code is None:
            raise CellError(_("This country is not known; write its Vietnamese name or its two-letter code (CN, "
                              "KH, LA…)."))
        return self._countries[code]

    def by_code(self, code: str) -> Country | None:
        self._load()
        return self._countries.get(code)


def legacy_places(unit: AdminUnit) -> list[AdminUnit]:
    """The units of the 63-province set that ``unit`` (a 2025 unit) was made of: where an agency of today received
    people before 1 July 2025. The one with the same name comes first."""
    if unit.unit_set == UnitSet.LEGACY:
        return [unit]
    places = list(AdminUnit.objects.filter(successors_rows__new_unit=unit).select_related("parent__parent")
                  .distinct().order_by("code"))
    places.sort(key=lambda place: place.search_name != unit.search_name)
    return places
