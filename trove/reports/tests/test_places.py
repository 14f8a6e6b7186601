import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from trove.geo.models import AdminUnit
from trove.reports.periods import parse_period
from trove.reports.places import OTHER, Place, check_place, covers_country, within


def unit(key):
    return AdminUnit.objects.by_key(key)


@pytest.mark.django_db
def test_today_a_legacy_commune_counts_under_its_2025_successor_and_province():
    tan_hong, province = unit("2025:29926"), unit("2025:82")
    sa_rai, binh_phu, old_province = unit("legacy:29926"), unit("legacy:29935"), unit("legacy:87")
    commune_ids = Place(tan_hong, "today").unit_ids()
    assert {tan_hong.pk, sa_rai.pk, binh_phu.pk} <= commune_ids
    assert unit("legacy:29929").pk not in commune_ids  # Tân Hộ Cơ went to the commune of that name
    province_ids = Place(province, "today").unit_ids()
    assert {tan_hong.pk, sa_rai.pk, old_province.pk, unit("legacy:869").pk} <= province_ids
    assert unit("legacy:82").pk in province_ids  # Tiền Giang merged into Đồng Tháp
    assert unit("2025:91").pk not in province_ids
    assert Place(province, "today").row_of(sa_rai.pk) == "2025:29926"
    assert Place(province, "today").row_of(old_province.pk) == OTHER
    assert Place(None, "today").row_of(sa_rai.pk) == "2025:82"


@pytest.mark.django_db
def test_under_the_units_of_the_time_a_unit_counts_its_own_set_only():
    district = unit("legacy:869")
    ids = Place(district, "time").unit_ids()
    assert unit("legacy:29926").pk in ids and unit("2025:29926").pk not in ids
    assert Place(unit("legacy:87"), "time").row_of(unit("legacy:29926").pk) == "legacy:869"
    assert Place(None, "time").row_of(unit("legacy:29926").pk) == "legacy:87"


@pytest.mark.django_db
def test_a_unit_of_the_wrong_set_is_refused_with_a_clear_message():
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        check_place(unit("legacy:87"), "today", parse_period("2019"))
    assert "63-province set" in raised.value.message_dict["place"][0]
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        check_place(unit("2025:29926"), "time", parse_period("2019"))
    assert "did not exist during Year 2019" in raised.value.message_dict["place"][0]
    with pytest.raises(ValidationError):
        check_place(unit("legacy:29926"), "time", parse_period("2026"))
    check_place(unit("legacy:29926"), "time", parse_period("2025"))  # in force until 30/06/2025
    check_place(unit("2025:29926"), "time", parse_period("2025"))
    check_place(None, "time", parse_period("2019"))


@pytest.mark.django_db
def test_scope_is_compared_under_todays_units():
    dong_thap, an_giang = unit("2025:82"), unit("2025:91")
    assert within(unit("2025:29926"), dong_thap)
    assert within(unit("legacy:87"), dong_thap) and within(unit("legacy:82"), dong_thap)
    assert within(unit("legacy:869"), dong_thap)
    assert not within(unit("legacy:89"), dong_thap)
    assert not within(dong_thap, an_giang)
    assert within(unit("legacy:29926"), unit("2025:29926"))
    assert not within(dong_thap, unit("2025:29926"))
    assert not within(None, dong_thap)
    assert not covers_country([dong_thap, an_giang])
    assert covers_country(list(AdminUnit.objects.filter(unit_set="2025", level="province")))
    assert datetime.date(2025, 6, 30) == unit("legacy:87").valid_to
