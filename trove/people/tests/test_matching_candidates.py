"""One person against the registry: find_candidates and the stored blocking keys."""

import datetime
from unittest import mock

import pytest

from trove.core import crypto
from trove.geo.models import UnitSuccession
from trove.people.identity import index_identity, refresh_name_tokens
from trove.people.matching import PersonData, find_candidates, refresh_match_keys
from trove.people.models import MatchKey, Person

pytestmark = pytest.mark.django_db


def save(**values) -> Person:
    person = Person(**values)
    index_identity(person)
    person.save()
    refresh_name_tokens(person)
    refresh_match_keys(person)
    return person


@pytest.fixture
def units():
    row = UnitSuccession.objects.filter(is_default=True, legacy_unit__level="commune",
                                        new_unit__level="commune").select_related("legacy_unit", "new_unit").first()
    return row.legacy_unit, row.new_unit


def test_it_finds_a_person_recorded_under_the_legacy_unit_and_another_spelling(units):
    legacy, new = units
    target = save(full_name="Giàng Thị Mỷ", birth_date=datetime.date(2003, 5, 1), sex="female", home_unit=legacy)
    save(full_name="Giàng Thị Dợ", birth_date=datetime.date(2003, 5, 1), sex="female", home_unit=legacy)
    save(full_name="Nguyễn Văn An", birth_date=datetime.date(1990, 1, 2), sex="male", home_unit=legacy)
    found = find_candidates(PersonData(full_name="GIANG MI", birth_precision="year", birth_year=2004,
                                       sex="female", home_unit=new))
    assert [c.person_id for c in found] == [target.pk]
    assert not found[0].likely  # another spelling and a year off: shown to the officer, not judged the same
    assert found[0].reasons


def test_it_finds_by_citizen_id_alone():
    target = save(full_name="Lò Văn Ún", citizen_id="011190012345")
    found = find_candidates(PersonData(full_name="Lo Un", citizen_id="011 190 012 345"))
    assert [c.person_id for c in found] == [target.pk]


def test_it_skips_merged_and_excluded_persons(units):
    legacy, _new = units
    values = {"full_name": "Trần Thị Lan", "birth_date": datetime.date(1999, 9, 9), "sex": "female",
              "home_unit": legacy}
    survivor = save(**values)
    merged = save(**values)
    merged.merged_into = survivor
    merged.save()
    query = PersonData(**values)
    assert [c.person_id for c in find_candidates(query)] == [survivor.pk]
    assert find_candidates(query, exclude_ids=[survivor.pk]) == []


def test_it_decrypts_only_the_candidates(units):
    legacy, _new = units
    save(full_name="Vàng Thị Sua", birth_date=datetime.date(2001, 3, 3), sex="female", home_unit=legacy)
    for index in range(20):
        save(full_name=f"Phạm Văn Khoa {index}", birth_date=datetime.date(1970 + index, 1, 5), sex="male")
    with mock.patch.object(crypto, "decrypt", wraps=crypto.decrypt) as decrypt:
        found = find_candidates(PersonData(full_name="Vang Sua", birth_date=datetime.date(2001, 3, 3)))
    assert len(found) == 1
    assert decrypt.call_count <= 3  # the name and the birth date of the one candidate


def test_namesakes_who_cannot_be_the_person_stay_encrypted(units):
    """A common name shares its blocking keys with many people: those whose birth year, sex or home (kept in the
    clear) already rule them out are never decrypted; a namesake holding the same ID number always is."""
    legacy, _new = units
    for index in range(12):
        save(full_name="Nguyễn Thị Lan", birth_date=datetime.date(1960 + index * 3, 2, 2), sex="female",
             home_unit=legacy)
    same_id = save(full_name="Nguyễn Thị Lan", birth_date=datetime.date(1950, 2, 2), sex="female",
                   citizen_id="001150000111")
    target = save(full_name="Nguyễn Thị Lan", birth_date=datetime.date(2001, 6, 9), sex="female", home_unit=legacy)
    query = PersonData(full_name="NGUYEN THI LAN", birth_date=datetime.date(2001, 6, 9), sex="female",
                       home_unit=legacy, citizen_id="001150000111")
    with mock.patch.object(crypto, "decrypt", wraps=crypto.decrypt) as decrypt:
        found = find_candidates(query)
    assert {c.person_id for c in found} >= {target.pk, same_id.pk}
    assert [c.person_id for c in found][0] in (target.pk, same_id.pk)
    # Only the two worth scoring are read (the others were born 1960-1993): a few fields each, not fourteen persons'.
    assert decrypt.call_count <= 2 * 3
    without_bound = mock.patch("trove.people.matching.retrieval.clear_ceiling", return_value=99.0)
    with without_bound, mock.patch.object(crypto, "decrypt", wraps=crypto.decrypt) as decrypt_all:
        same = find_candidates(query)
    assert [(c.person_id, c.score) for c in same] == [(c.person_id, c.score) for c in found]
    assert decrypt_all.call_count >= 2 * 14


def test_refresh_match_keys_replaces_the_keys_and_stores_no_clear_text(units):
    legacy, _new = units
    person = save(full_name="Sùng Seo Sử", birth_date=datetime.date(1995, 7, 7), sex="male", home_unit=legacy,
                  father_name="Sùng A Páo", mother_name="Lý Thị Mai")
    keys = set(MatchKey.objects.filter(person=person).values_list("key", flat=True))
    assert len(keys) >= 6
    person.full_name = "Sùng Seo Chứ"
    person.save()
    refresh_match_keys(person)
    assert set(MatchKey.objects.filter(person=person).values_list("key", flat=True)) != keys
    assert not find_candidates(PersonData(full_name="Sùng Seo Sử", birth_date=datetime.date(1995, 7, 7)))


def test_a_person_with_the_same_id_is_shown_even_when_the_names_disagree():
    # The officer must see the record that holds this ID number, however the name was written there.
    holder = save(full_name="Nguyễn Thị Thu Hằng", citizen_id="087306009901", birth_date=datetime.date(2006, 5, 12))
    found = find_candidates(PersonData(full_name="Nguyen Thi Bich", citizen_id="087306009901"))
    assert [c.person_id for c in found] == [holder.pk]
    assert not found[0].likely
