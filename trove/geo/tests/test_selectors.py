import datetime

import pytest

from trove.geo.models import AdminUnit, UnitLevel, UnitSet
from trove.geo.selectors import (
    current_units_for,
    current_units_for_many,
    descendant_units,
    full_name,
    unit_path,
    units_valid_on,
)

pytestmark = pytest.mark.django_db


def unit(key: str) -> AdminUnit:
    return AdminUnit.objects.by_key(key)


def test_it_gives_legacy_units_for_a_day_before_the_reorganisation():
    units = units_valid_on(datetime.date(2019, 5, 14))
    assert set(units.values_list("unit_set", flat=True).distinct()) == {UnitSet.LEGACY}
    assert units.filter(level=UnitLevel.DISTRICT).exists()


def test_it_gives_2025_units_for_a_day_after_the_reorganisation():
    units = units_valid_on(datetime.date(2026, 1, 1))
    assert set(units.values_list("unit_set", flat=True).distinct()) == {UnitSet.Y2025}


def test_it_switches_sets_between_30_june_and_1_july_2025():
    assert units_valid_on(datetime.date(2025, 6, 30), level=UnitLevel.PROVINCE).count() == 63
    assert units_valid_on(datetime.date(2025, 7, 1), level=UnitLevel.PROVINCE).count() == 34


def test_it_filters_units_valid_on_a_day_by_level():
    communes = units_valid_on(datetime.date(2019, 5, 14), level=UnitLevel.COMMUNE)
    assert set(communes.values_list("level", flat=True).distinct()) == {UnitLevel.COMMUNE}


def test_it_gives_the_2025_commune_for_a_legacy_commune():
    assert [u.key for u in current_units_for(unit("legacy:29926"))] == ["2025:29926"]
    assert [u.name for u in current_units_for(unit("legacy:29941"))] == ["Xã Tân Hộ Cơ"]


def test_it_puts_the_default_first_for_a_split_commune():
    split = AdminUnit.objects.filter(unit_set=UnitSet.LEGACY, successors_rows__is_default=False).first()
    current = current_units_for(split)
    default = split.successors_rows.get(is_default=True).new_unit
    assert len(current) > 1
    assert current[0] == default


def test_it_gives_the_distinct_2025_communes_for_a_legacy_district():
    current = current_units_for(unit("legacy:869"))
    assert sorted(u.name for u in current) == ["Xã An Phước", "Xã Tân Hồng", "Xã Tân Hộ Cơ", "Xã Tân Thành"]


def test_it_gives_the_2025_province_for_a_legacy_province():
    assert [u.key for u in current_units_for(unit("legacy:87"))] == ["2025:82"]


def test_it_gives_a_2025_unit_itself():
    tan_hong = unit("2025:29926")
    assert current_units_for(tan_hong) == [tan_hong]


def test_it_answers_for_many_units_in_one_query(django_assert_num_queries):
    units = list(AdminUnit.objects.filter(unit_set=UnitSet.LEGACY, province_code="87"))
    with django_assert_num_queries(1):
        current = current_units_for_many(units)
        names = [u.full_name for units in current.values() for u in units]
    assert len(current) == len(units) and "Xã Tân Hồng, Tỉnh Đồng Tháp" in names


def test_it_walks_a_unit_up_to_its_province():
    path = unit_path(unit("legacy:29929"))
    assert [u.key for u in path] == ["legacy:29929", "legacy:869", "legacy:87"]
    assert full_name(unit("legacy:29929")) == "Xã Tân Hộ Cơ, Huyện Tân Hồng, Tỉnh Đồng Tháp"
    assert unit("2025:29929").full_name == "Xã Tân Hộ Cơ, Tỉnh Đồng Tháp"
    assert full_name(unit("2025:82")) == "Tỉnh Đồng Tháp"


def test_it_gives_everything_under_a_province(django_assert_num_queries):
    province = unit("legacy:87")
    with django_assert_num_queries(1):
        units = list(descendant_units(province))
    assert province in units
    assert unit("legacy:869") in units and unit("legacy:29929") in units
    assert {u.unit_set for u in units} == {UnitSet.LEGACY}
    assert {u.province_code for u in units} == {"87"}
    # 2025 Đồng Tháp shares no code with legacy Đồng Tháp, and Tiền Giang (legacy 82) stays out of legacy 87.
    assert unit("legacy:82") not in units


def test_it_gives_a_district_and_its_communes():
    units = set(descendant_units(unit("legacy:869")).values_list("code", flat=True))
    assert units == {"869", "29926", "29929", "29932", "29935", "29938", "29941", "29944", "29947", "29950"}


def test_it_gives_a_commune_alone():
    assert list(descendant_units(unit("2025:29929"))) == [unit("2025:29929")]
