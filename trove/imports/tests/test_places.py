"""Addresses in one cell parsed to units of the set the row's date says; country names and abbreviations."""

import datetime

import pytest
from django.utils import translation

from trove.geo.models import AdminUnit
from trove.imports.cleaning import CellError
from trove.imports.places import CountryReader, PlaceReader, legacy_places

BEFORE, AFTER = datetime.date(2024, 3, 1), datetime.date(2026, 3, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "on", "key"), [
    ("Xã Tân Hộ Cơ, huyện Tân Hồng, tỉnh Đồng Tháp", BEFORE, "legacy:29929"),
    ("Tan Ho Co - Tan Hong - DT", BEFORE, "legacy:29929"),
    ("xa tan ho co, huyen tan hong, tinh dong thap", BEFORE, "legacy:29929"),
    # An address naming a district is in the old units, whatever the date.
    ("Xã Tân Hộ Cơ, huyện Tân Hồng, tỉnh Đồng Tháp", AFTER, "legacy:29929"),
    ("Xã Tân Hộ Cơ, Tỉnh Đồng Tháp", AFTER, "2025:29929"),
    ("Ấp 3, Xã Tân Hộ Cơ, Đồng Tháp", AFTER, "2025:29929"),
    ("Tân Hộ Cơ, Đồng Tháp", None, "2025:29929"),
])
def test_addresses_become_the_unit_of_their_date(text, on, key):
    unit, remarks = PlaceReader().unit_for(text, on=on)
    assert unit == AdminUnit.objects.by_key(key)
    assert remarks == []


@pytest.mark.django_db
def test_an_address_with_only_a_province_or_nothing_known():
    with translation.override("en"):
        unit, remarks = PlaceReader().unit_for("Tỉnh Đồng Tháp", on=AFTER)
        assert unit == AdminUnit.objects.by_key("2025:82") and "province" in remarks[0]
        unit, remarks = PlaceReader().unit_for("Số 5 đường không tên", on=AFTER)
        assert unit is None and "kept as text" in remarks[0]


@pytest.mark.django_db
def test_countries_by_name_code_or_abbreviation():
    countries = CountryReader()
    assert [countries.country(v).code for v in ("Trung Quốc", "TQ", "CPC", "campuchia", "MY", "Hàn Quốc")] == [
        "CN", "CN", "KH", "KH", "MY", "KR"]
    with translation.override("en"), pytest.raises(CellError, match="two-letter code"):
        countries.country("Xứ Sở Thần Tiên")


@pytest.mark.django_db
def test_the_old_units_an_agency_area_was_made_of():
    places = legacy_places(AdminUnit.objects.by_key("2025:29926"))
    assert {p.key for p in places} >= {"legacy:29926"} and all(p.unit_set == "legacy" for p in places)
