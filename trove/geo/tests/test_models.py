import pytest
from django.utils import translation

from trove.geo.models import AdminUnit, Country, parse_unit_key


def test_it_parses_unit_keys():
    assert parse_unit_key("legacy:29926") == ("legacy", "29926")
    assert parse_unit_key(" 2025:82 ") == ("2025", "82")


@pytest.mark.parametrize("key", ["", "29926", "legacy", "legacy:", "2024:29926", "2025:abc", "2025:29 926", ":1", None])
def test_it_rejects_bad_unit_keys(key):
    with pytest.raises(ValueError):
        parse_unit_key(key)


@pytest.mark.django_db
def test_it_looks_units_up_by_key():
    assert AdminUnit.objects.by_key("2025:29929").key == "2025:29929"
    with pytest.raises(AdminUnit.DoesNotExist):
        AdminUnit.objects.by_key("2025:99999")


@pytest.mark.django_db
def test_it_names_a_country_in_the_current_language():
    china = Country.objects.get(code="CN")
    with translation.override("vi"):
        assert str(china) == "Trung Quốc"
    with translation.override("en"):
        assert str(china) == "China"
