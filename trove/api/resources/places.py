"""Reference data any signed-in caller may read: administrative units (both sets, with the 2025 succession) and
countries, as the unit search page shows them."""

from __future__ import annotations

import datetime

from django.http import Http404
from ninja import Field, Query, Router, Schema

from trove.api.schemas import Choice, Day, Error, Text, UnitKey, UnitRef, unit_ref
from trove.geo.models import AdminUnit, Country, UnitLevel, UnitSet, parse_unit_key
from trove.geo.search import search_units
from trove.geo.selectors import current_units_for, unit_path

router = Router(tags=["places"])
ERRORS = (400, 401, 403, 404, 429)
SEARCH_LIMIT = 50
NAME_WORDS = Query(..., description="Words of the name, with or without diacritics.")
VALID_ON = Query(None, description="Only units valid on this day.")


class UnitOut(Schema):
    key: str
    code: str
    unit_set: Choice(UnitSet)
    level: Choice(UnitLevel)
    name: str
    full_name: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    parent: UnitRef | None


class UnitDetail(UnitOut):
    current_units: list[UnitRef] = Field(description="The 2025 unit(s) this unit is part of now.")


class CountryOut(Schema):
    code: str
    name: str


def unit_out(unit: AdminUnit) -> dict:
    return {
        "key": unit.key, "code": unit.code, "unit_set": unit.unit_set, "level": unit.level, "name": unit.name,
        "full_name": ", ".join(part.name for part in unit_path(unit)), "valid_from": unit.valid_from,
        "valid_to": unit.valid_to, "parent": unit_ref(unit.parent),
    }


@router.get("/admin-units", response={200: list[UnitOut], ERRORS: Error}, summary="Search administrative units")
def unit_search(request, q: Text(200) = NAME_WORDS, unit_set: Choice(UnitSet) | None = None,
                level: Choice(UnitLevel) | None = None, on: Day | None = VALID_ON):
    """At most 50 units, best matches first (as on the unit search page)."""
    units = search_units(q, unit_set=unit_set, level=level, on=on, limit=SEARCH_LIMIT)
    return [unit_out(unit) for unit in units]


@router.get("/admin-units/{key}", response={200: UnitDetail, ERRORS: Error}, summary="One administrative unit")
def unit_detail(request, key: UnitKey):
    unit_set, code = parse_unit_key(key)
    unit = AdminUnit.objects.select_related("parent__parent").filter(unit_set=unit_set, code=code).first()
    if unit is None:
        raise Http404
    return {**unit_out(unit), "current_units": [unit_ref(current) for current in current_units_for(unit)]}


@router.get("/admin-units/{key}/children", response={200: list[UnitOut], ERRORS: Error},
            summary="The units directly under a unit")
def unit_children(request, key: UnitKey):
    unit_set, code = parse_unit_key(key)
    unit = AdminUnit.objects.filter(unit_set=unit_set, code=code).first()
    if unit is None:
        raise Http404
    children = AdminUnit.objects.filter(parent=unit).select_related("parent__parent").order_by("code")
    return [unit_out(child) for child in children]


@router.get("/countries", response={200: list[CountryOut], ERRORS: Error}, summary="Countries (ISO 3166-1)")
def country_list(request):
    return [{"code": country.code, "name": country.name} for country in Country.objects.order_by("code")]
