"""Each scoring rule of duplicate matching, on plain values (trove.people.matching.score_pair)."""

import datetime

import pytest
from django.utils import translation
from django.utils.functional import Promise

from trove.geo.models import UnitSuccession
from trove.people.matching import MATCH_THRESHOLD, PersonData, score_pair

pytestmark = pytest.mark.django_db

D = datetime.date


def person(**values) -> PersonData:
    base = {"full_name": "Nguyễn Thị Hoa", "birth_date": D(1998, 4, 12), "sex": "female"}
    base.update(values)
    return PersonData(**base)


def texts(reasons) -> list[str]:
    with translation.override("en"):
        return [str(reason) for reason in reasons]


@pytest.fixture
def commune():
    """A legacy commune with its 2025 successor, as unit keys."""
    row = UnitSuccession.objects.filter(is_default=True, legacy_unit__level="commune",
                                        new_unit__level="commune").select_related("legacy_unit", "new_unit").first()
    return row.legacy_unit.key, row.new_unit.key


def test_it_matches_the_same_name_without_diacritics_in_any_case(commune):
    legacy, new = commune
    score, reasons = score_pair(person(home_unit=legacy), person(full_name="NGUYEN THI HOA", home_unit=legacy))
    assert score >= MATCH_THRESHOLD
    assert "same name without diacritics" in texts(reasons)


def test_it_reads_the_family_name_at_either_end(commune):
    legacy, _new = commune
    for written in ("Hoa Thị Nguyễn", "Thị Hoa Nguyễn", "hoa nguyen"):
        score, reasons = score_pair(person(home_unit=legacy), person(full_name=written, home_unit=legacy))
        assert score >= MATCH_THRESHOLD, written


def test_thi_and_van_may_be_missing():
    a, b = person(), person(full_name="Nguyễn Hoa")
    assert score_pair(a, b)[0] == score_pair(a, person())[0]


def test_a_typo_in_a_long_given_name_still_matches(commune):
    legacy, _new = commune
    score, reasons = score_pair(person(full_name="Nguyễn Thị Hương", home_unit=legacy),
                                person(full_name="Nguyễn Thị Huơng", home_unit=legacy))
    assert score >= MATCH_THRESHOLD
    score, reasons = score_pair(person(full_name="Trần Thị Phương", home_unit=legacy),
                                person(full_name="Trần Thị Phưng", home_unit=legacy))
    assert "given name differs by one letter" in texts(reasons)
    assert score >= MATCH_THRESHOLD
    score, reasons = score_pair(person(full_name="Trần Thị Lan", home_unit=legacy),
                                person(full_name="Trần Thị Lna", home_unit=legacy))
    assert "given name differs by one letter" in texts(reasons)


def test_two_known_given_names_one_letter_apart_are_two_names():
    score, reasons = score_pair(person(full_name="Nguyễn Văn Hùng", sex="male"),
                                person(full_name="Nguyễn Văn Dũng", sex="male"))
    assert "different given name" in texts(reasons)
    assert score < 0


def test_common_family_names_weigh_less_than_rare_ones():
    common = score_pair(person(full_name="Nguyễn Thị Hoa"), person(full_name="Nguyễn Thị Hoa", birth_date=None))[0]
    rare = score_pair(person(full_name="Quách Thị Hoa"), person(full_name="Quách Thị Hoa", birth_date=None))[0]
    clan = score_pair(person(full_name="Giàng Thị Hoa"), person(full_name="Giàng Thị Hoa", birth_date=None))[0]
    assert common < clan < rare


def test_hoang_and_huynh_vu_and_vo_are_one_family_name():
    assert score_pair(person(full_name="Hoàng Thị Mai"), person(full_name="Huỳnh Thị Mai"))[0] >= MATCH_THRESHOLD
    assert score_pair(person(full_name="Vũ Thị Mai"), person(full_name="Võ Thị Mai"))[0] >= MATCH_THRESHOLD


@pytest.mark.parametrize(("a", "b"), [("Giàng Thị Mỷ", "Giàng Thị Mị"), ("Giàng Thị Mỷ", "Giang Mi"),
                                      ("Sùng Seo Sử", "Sùng Xử"), ("Thào A Páo", "Thao Pao")])
def test_minority_spellings_and_middle_names_match(a, b, commune):
    legacy, new = commune
    score, _reasons = score_pair(person(full_name=a, home_unit=legacy), person(full_name=b, home_unit=new))
    assert score >= MATCH_THRESHOLD


def test_may_and_mai_are_not_one_name_spelt_two_ways(commune):
    legacy, _new = commune
    family = {"father_name": "Sùng A Sính", "mother_name": "Giàng Thị Pà", "home_unit": legacy}
    score, reasons = score_pair(person(full_name="Sùng Thị Máy", **family),
                                person(full_name="Sùng Thị Mai", birth_date=D(1999, 10, 28), **family))
    assert "same given name spelt another way" not in texts(reasons)
    assert score < MATCH_THRESHOLD


def test_birth_year_only_counts_as_the_same_year(commune):
    legacy, _new = commune
    score, reasons = score_pair(person(home_unit=legacy),
                                person(birth_date=None, birth_precision="year", birth_year=1998, home_unit=legacy))
    assert "same birth year" in texts(reasons)
    assert score >= MATCH_THRESHOLD


def test_birth_year_one_off_is_tolerated_with_a_penalty_and_further_is_not():
    exact = score_pair(person(), person(birth_date=None, birth_precision="year", birth_year=1998))[0]
    near, reasons = score_pair(person(), person(birth_date=None, birth_precision="year", birth_year=1999))
    far = score_pair(person(), person(birth_date=None, birth_precision="year", birth_year=2001))[0]
    assert "birth year ±1" in texts(reasons)
    assert far < near < exact


def test_same_citizen_id_is_strong_and_one_digit_off_is_weaker():
    same = score_pair(person(citizen_id="001198012345"), person(citizen_id="001198012345"))
    typo = score_pair(person(citizen_id="001198012345"), person(citizen_id="001198012845"))
    other = score_pair(person(citizen_id="001198012345"), person(citizen_id="079195554321"))
    assert "same citizen ID" in texts(same[1])
    assert "citizen ID differs by one digit" in texts(typo[1])
    assert "different citizen ID" in texts(other[1])
    assert other[0] < typo[0] < same[0]


def test_an_old_id_is_never_compared_with_the_last_digits_of_a_citizen_id():
    # The last nine digits of a CCCD are not the CMND: no agreement and no disagreement.
    with_old = score_pair(person(citizen_id="001198012345"), person(citizen_id="198012345"))
    without = score_pair(person(citizen_id="001198012345"), person())
    assert with_old[0] == without[0]
    assert not any("ID" in reason for reason in texts(with_old[1]))


def test_a_home_commune_under_either_unit_set_is_the_same_commune(commune):
    legacy, new = commune
    score, reasons = score_pair(person(home_unit=legacy), person(home_unit=new))
    assert "same home commune after the 2025 mapping" in texts(reasons)
    assert score >= MATCH_THRESHOLD


def test_different_home_provinces_count_against():
    score, reasons = score_pair(person(home_unit="2025:29926"), person(home_unit="2025:00004"))
    assert "different home province" in texts(reasons)


def test_parents_names_are_strong_evidence_both_ways():
    parents = {"father_name": "Nguyễn Văn Nam", "mother_name": "Trần Thị Lan"}
    base = score_pair(person(), person())[0]
    same, reasons = score_pair(person(**parents), person(father_name="Nguyen Van Nam", mother_name="Tran Thi Lan"))
    assert "same father's name" in texts(reasons) and "same mother's name" in texts(reasons)
    different, reasons = score_pair(person(**parents), person(father_name="Lê Văn Tám"))
    assert "different father's name" in texts(reasons)
    assert different < MATCH_THRESHOLD <= base < same


def test_twins_are_not_matched(commune):
    legacy, new = commune
    family = {"father_name": "Giàng A Páo", "mother_name": "Sùng Thị Sua", "birth_date": D(2005, 2, 3)}
    score, reasons = score_pair(person(full_name="Giàng Thị Mỷ", home_unit=legacy, **family),
                                person(full_name="Giàng Thị Dợ", home_unit=new, **family))
    assert score < MATCH_THRESHOLD
    assert "different given name" in texts(reasons)


def test_siblings_of_different_sex_with_one_given_name_are_not_matched(commune):
    legacy, _new = commune
    family = {"father_name": "Thào Seo Pàng", "mother_name": "Hờ Xí", "home_unit": legacy}
    score, _reasons = score_pair(person(full_name="Thào Mí Sinh", sex="female", birth_date=D(2005, 1, 9), **family),
                                 person(full_name="Thào Seo Sính", sex="male", birth_date=D(2004, 6, 23), **family))
    assert score < MATCH_THRESHOLD


def test_twins_whose_names_differ_by_one_letter_are_not_matched(commune):
    legacy, _new = commune
    family = {"father_name": "Vì Văn Thoại", "birth_date": D(2000, 5, 6), "home_unit": legacy}
    score, _reasons = score_pair(person(full_name="Vì Thị Ánh", **family), person(full_name="Vì Thị Panh", **family))
    assert score < MATCH_THRESHOLD


def test_reasons_are_translatable_phrases():
    _score, reasons = score_pair(person(citizen_id="001198012345"), person(citizen_id="001198012345"))
    assert reasons and all(isinstance(reason, Promise) for reason in reasons)
