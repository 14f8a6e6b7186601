import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from trove.geo.loading import load_countries, load_units
from trove.geo.models import AdminUnit, Country, UnitLevel, UnitSet, UnitSuccession

pytestmark = pytest.mark.django_db

TAN_HONG_COMMUNES = {
    "29926": "Thị trấn Sa Rài",
    "29929": "Xã Tân Hộ Cơ",
    "29932": "Xã Thông Bình",
    "29935": "Xã Bình Phú",
    "29938": "Xã Tân Thành A",
    "29941": "Xã Tân Thành B",
    "29944": "Xã Tân Phước",
    "29947": "Xã Tân Công Chí",
    "29950": "Xã An Phước",
}
# 2025 commune -> the legacy Tân Hồng communes it was formed from (law.md, "The 2025 reorganisation").
TAN_HONG_2025 = {
    "Xã Tân Hồng": {"Xã Tân Công Chí", "Xã Bình Phú", "Thị trấn Sa Rài"},
    "Xã Tân Thành": {"Xã Thông Bình", "Xã Tân Thành A"},
    "Xã Tân Hộ Cơ": {"Xã Tân Hộ Cơ", "Xã Tân Thành B"},
    "Xã An Phước": {"Xã An Phước", "Xã Tân Phước"},
}


def test_it_loads_both_unit_sets():
    legacy = AdminUnit.objects.filter(unit_set=UnitSet.LEGACY)
    new = AdminUnit.objects.filter(unit_set=UnitSet.Y2025)
    assert legacy.filter(level=UnitLevel.PROVINCE).count() == 63
    assert new.filter(level=UnitLevel.PROVINCE).count() == 34
    assert not new.filter(level=UnitLevel.DISTRICT).exists()
    assert legacy.filter(level=UnitLevel.COMMUNE).count() > 10_000
    assert new.filter(level=UnitLevel.COMMUNE).count() == 3321


def test_it_gives_each_set_its_dates():
    assert set(AdminUnit.objects.filter(unit_set=UnitSet.LEGACY).values_list("valid_from", "valid_to").distinct()) == {
        (None, datetime.date(2025, 6, 30))
    }
    assert set(AdminUnit.objects.filter(unit_set=UnitSet.Y2025).values_list("valid_from", "valid_to").distinct()) == {
        (datetime.date(2025, 7, 1), None)
    }


def test_it_loads_legacy_dong_thap_and_tan_hong():
    province = AdminUnit.objects.by_key("legacy:87")
    district = AdminUnit.objects.by_key("legacy:869")
    assert (province.name, province.unit_type, province.short_name) == ("Tỉnh Đồng Tháp", "Tỉnh", "Đồng Tháp")
    assert (district.name, district.unit_type, district.parent) == ("Huyện Tân Hồng", "Huyện", province)
    communes = dict(district.children.values_list("code", "name"))
    assert communes == TAN_HONG_COMMUNES
    sa_rai = AdminUnit.objects.by_key("legacy:29926")
    assert (sa_rai.unit_type, sa_rai.province_code, sa_rai.level) == ("Thị trấn", "87", UnitLevel.COMMUNE)
    assert sa_rai.search_text == "thi tran sa rai, huyen tan hong, tinh dong thap"


def test_it_loads_2025_dong_thap():
    province = AdminUnit.objects.by_key("2025:82")
    assert province.name == "Tỉnh Đồng Tháp"
    assert province.children.count() == 102
    tan_ho_co = AdminUnit.objects.by_key("2025:29929")
    assert (tan_ho_co.name, tan_ho_co.parent, tan_ho_co.province_code) == ("Xã Tân Hộ Cơ", province, "82")


def test_it_keeps_the_same_code_in_two_sets_apart():
    sa_rai = AdminUnit.objects.by_key("legacy:29926")
    tan_hong = AdminUnit.objects.by_key("2025:29926")
    assert sa_rai.pk != tan_hong.pk
    assert (sa_rai.name, tan_hong.name) == ("Thị trấn Sa Rài", "Xã Tân Hồng")


def test_it_maps_tan_hong_communes_to_the_four_2025_communes():
    rows = UnitSuccession.objects.filter(legacy_unit__parent__unit_set="legacy", legacy_unit__parent__code="869")
    formed_from: dict[str, set[str]] = {}
    for row in rows.select_related("legacy_unit", "new_unit"):
        formed_from.setdefault(row.new_unit.name, set()).add(row.legacy_unit.name)
        assert row.new_unit.unit_set == UnitSet.Y2025 and row.new_unit.province_code == "82"
    assert formed_from == TAN_HONG_2025


def test_it_maps_sa_rai_to_tan_hong():
    row = UnitSuccession.objects.get(legacy_unit__unit_set="legacy", legacy_unit__code="29926")
    assert (row.new_unit.key, row.new_unit.name, row.is_default) == ("2025:29926", "Xã Tân Hồng", True)


def test_it_gives_every_legacy_commune_exactly_one_default_successor():
    communes = AdminUnit.objects.filter(unit_set=UnitSet.LEGACY, level=UnitLevel.COMMUNE).annotate(
        defaults=Count("successors_rows", filter=Q(successors_rows__is_default=True)),
        shares=Count("successors_rows"),
    )
    assert not communes.exclude(defaults=1).exists()
    # Some communes were split between several 2025 communes: they have more shares than defaults.
    assert communes.filter(shares__gt=1).exists()


def test_it_maps_each_legacy_province_to_one_2025_province():
    rows = UnitSuccession.objects.filter(legacy_unit__level=UnitLevel.PROVINCE)
    assert rows.count() == 63
    assert set(rows.values_list("new_unit__level", flat=True)) == {UnitLevel.PROVINCE}
    tien_giang = AdminUnit.objects.get(unit_set=UnitSet.LEGACY, level=UnitLevel.PROVINCE, short_name="Tiền Giang")
    assert tien_giang.successors_rows.get().new_unit.key == "2025:82"


def test_it_maps_island_districts_without_communes_to_special_zones():
    con_dao = AdminUnit.objects.by_key("legacy:755")
    assert not con_dao.children.exists()
    assert con_dao.successors_rows.get().new_unit.name == "Đặc khu Côn Đảo"


def test_it_changes_nothing_when_loaded_again():
    before = (AdminUnit.objects.count(), UnitSuccession.objects.count())
    report = load_units()
    assert (AdminUnit.objects.count(), UnitSuccession.objects.count()) == before
    assert report.counts["units"]["created"] == report.counts["units"]["updated"] == 0
    assert report.counts["successions"]["created"] == report.counts["successions"]["updated"] == 0
    assert report.counts["units"]["unchanged"] == before[0]


def test_it_repairs_what_differs_from_the_source():
    AdminUnit.objects.filter(unit_set="legacy", code="29929").update(name="Xã Sai Tên", search_text="sai")
    UnitSuccession.objects.filter(legacy_unit__unit_set="legacy", legacy_unit__code="29926").delete()
    report = load_units()
    assert report.counts["units"]["updated"] == 1
    assert report.counts["successions"]["created"] == 1
    assert AdminUnit.objects.by_key("legacy:29929").name == "Xã Tân Hộ Cơ"
    assert UnitSuccession.objects.filter(legacy_unit__unit_set="legacy", legacy_unit__code="29926").exists()


def test_it_loads_countries_with_vietnamese_names():
    assert Country.objects.get(code="VN").name_vi == "Việt Nam"
    assert Country.objects.get(code="CN").name_vi == "Trung Quốc"
    assert Country.objects.get(code="KH").name_vi == "Campuchia"
    assert Country.objects.get(code="CN").name_en == "China"
    assert Country.objects.count() == 249
    assert not Country.objects.filter(name_vi="").exists()


def test_it_changes_no_country_when_loaded_again():
    report = load_countries()
    assert report.counts["countries"] == {"created": 0, "updated": 0, "unchanged": 249}


def test_it_prints_one_line_per_loader(capsys):
    call_command("load_reference_data")
    from trove.core.management.commands.load_reference_data import LOADERS

    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(LOADERS)
    assert [line.split(" ")[0] for line in lines] == [name for name, _loader in LOADERS]


def test_it_is_silent_at_verbosity_zero(capsys):
    call_command("load_reference_data", verbosity=0)
    call_command("load_units", verbosity=0)
    call_command("load_countries", verbosity=0)
    assert capsys.readouterr().out == ""
