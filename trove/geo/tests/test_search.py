import datetime
import time

import pytest

from trove.geo.models import UnitLevel, UnitSet
from trove.geo.search import normalise, search_units

pytestmark = pytest.mark.django_db


def test_it_normalises_vietnamese_text():
    assert normalise("  Xã  Tân Hộ\tCơ ") == "xa tan ho co"
    assert normalise("ĐỒNG THÁP, Đắk Lắk") == "dong thap, dak lak"
    assert normalise("") == ""


@pytest.mark.parametrize("query", ["tan ho co", "Tân Hộ Cơ", "TAN HO CO", "tân ho cơ"])
def test_it_finds_a_commune_with_or_without_diacritics(query):
    keys = [u.key for u in search_units(query)]
    assert keys[:2] == ["2025:29929", "legacy:29929"]


def test_it_requires_every_word():
    results = search_units("tan ho co dong thap")
    assert results and all("tan" in u.search_text and "dong thap" in u.search_text for u in results)
    assert not search_units("tan ho co ha noi")


def test_it_ranks_exact_names_above_parent_matches():
    results = search_units("tan hong", limit=50)
    exact = [u for u in results if u.search_name == "tan hong"]
    assert {"legacy:869", "2025:29926"} <= {u.key for u in exact}
    assert results[: len(exact)] == exact  # communes that are merely in Huyện Tân Hồng come after


def test_it_filters_by_set_level_and_day():
    assert {u.unit_set for u in search_units("tan ho co", unit_set=UnitSet.LEGACY)} == {UnitSet.LEGACY}
    assert {u.level for u in search_units("dong thap", level=UnitLevel.PROVINCE)} == {UnitLevel.PROVINCE}
    assert [u.key for u in search_units("tan ho co", on=datetime.date(2026, 1, 1))][:1] == ["2025:29929"]
    assert all(u.unit_set == "legacy" for u in search_units("tan ho co", on=datetime.date(2019, 5, 14)))


def test_it_limits_the_results():
    assert len(search_units("xa", limit=7)) == 7


@pytest.mark.parametrize("query", ["", "   ", "\n\t", None])
def test_it_gives_nothing_for_an_empty_query(query, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert search_units(query) == []


def test_it_cuts_very_long_input_and_answers_quickly():
    started = time.monotonic()
    assert search_units("x" * 10_000) == []
    assert search_units("tan ho co " * 1_000)  # still finds what the first words name
    assert time.monotonic() - started < 2
