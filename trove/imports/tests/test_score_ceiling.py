"""The bounds the duplicate checks use to leave candidates unscored never lie: for every pair of the labelled set
(siblings, twins, typos, other orders, IDs one digit off…) ``score_ceiling`` is at least the score, and so is
``clear_ceiling`` (from what the registry keeps unencrypted) for pairs that share no ID number or phone."""

import itertools
import pickle
import random
from pathlib import Path

import pytest

from trove.people.management.commands.find_duplicates import read_people_csv
from trove.people.matching.profile import NO_PLACE, PersonData, UnitResolver, build_profile
from trove.people.matching.scoring import (
    ClearFacts,
    _ids_points,
    _ids_score,
    _may_be_one_edit,
    clear_ceiling,
    name_ceiling,
    score_ceiling,
    score_profiles,
    within_one_edit,
)

DATA = Path(__file__).parents[2] / "people" / "tests" / "data" / "labelled_people.csv"
pytestmark = pytest.mark.django_db


def test_the_ceiling_is_never_under_the_score_on_the_labelled_set():
    resolver = UnitResolver().preload_all()
    profiles = [build_profile(data, resolver) for _id, data in read_people_csv(DATA, resolver)]
    assert len(profiles) > 300
    pairs = under = 0
    for a, b in itertools.permutations(profiles, 2):
        score = score_profiles(a, b)[0]
        ceiling = score_ceiling(a, b, name_ceiling(a))
        assert ceiling + 0.05 >= score  # scores are rounded to 0.1
        # Stopped early under a floor, it is still an upper bound, and still under the floor.
        stopped = score_ceiling(a, b, name_ceiling(a), floor=4.9)
        assert stopped + 0.05 >= score
        assert (stopped < 4.9) == (ceiling < 4.9)
        pairs += 1
        under += ceiling < 4.9
    assert under > pairs / 2  # and it does leave most pairs out


def test_parents_and_ids_count_at_their_best():
    resolver = UnitResolver()
    a = build_profile(PersonData(full_name="Lò Thị Mai", father_name="Lò Văn Páo", mother_name="Giàng Thị Mỷ",
                                 citizen_id="011190000123", sex="female"), resolver)
    b = build_profile(PersonData(full_name="Lo Thi Mai", father_name="Lo Van Pao", mother_name="Giang Thi My",
                                 citizen_id="011190000132", sex="female"), resolver)
    assert score_ceiling(a, b, name_ceiling(a)) + 0.05 >= score_profiles(a, b)[0] >= 12


def test_the_quick_one_edit_test_agrees_with_within_one_edit():
    words = ["011190000123", "011190000132", "011190000124", "111190000123", "011190000023", "abc", "acb", "abd",
             "ab", "ba", "a", "b", "123456789", "123456798", "923456789"]
    for x, y in itertools.product(words, repeat=2):
        if len(x) == len(y):
            assert _may_be_one_edit(x, y) == within_one_edit(x, y), (x, y)


def _clear(data: PersonData, resolver: UnitResolver) -> ClearFacts:
    """What the registry would keep in the clear of ``data``."""
    year = data.birth_date.year if data.birth_date else data.birth_year
    return ClearFacts(year=year, precision=data.birth_precision, sex=data.sex, place=resolver.place(data.home_unit),
                      has_id=bool(data.citizen_id or data.old_id or data.passport))


def test_the_ceiling_from_the_clear_is_never_under_the_score_on_the_labelled_set():
    resolver = UnitResolver().preload_all()
    people = [data for _id, data in read_people_csv(DATA, resolver)]
    profiles = [build_profile(data, resolver) for data in people]
    facts = [_clear(data, resolver) for data in people]
    pairs = under = 0
    for (a, _fa), (b, fb) in itertools.permutations(zip(profiles, facts, strict=True), 2):
        if any(b.ids.get(kind) == value for kind, value in a.ids.items()):
            continue  # holders of the same ID number or phone are always decrypted and scored
        ceiling = clear_ceiling(a, name_ceiling(a), fb)
        assert ceiling + 0.05 >= score_profiles(a, b)[0]
        pairs += 1
        under += ceiling < 4.9
    assert pairs > 10_000
    assert under > pairs / 3  # most of those who cannot be the person are left encrypted


def test_siblings_home_and_parents_do_not_lift_the_ceiling():
    resolver = UnitResolver().preload_all()
    a = build_profile(PersonData(full_name="Lò Thị Mai", father_name="Lò Văn Páo", mother_name="Giàng Thị Mỷ",
                                 birth_year=1990, birth_precision="year", sex="female"), resolver)
    sister = build_profile(PersonData(full_name="Lò Thị Mai", father_name="Lò Văn Páo", mother_name="Giàng Thị Mỷ",
                                      birth_year=1996, birth_precision="year", sex="female"), resolver)
    assert score_ceiling(a, sister, name_ceiling(a)) == pytest.approx(name_ceiling(a) - 7.0)
    assert clear_ceiling(a, name_ceiling(a), ClearFacts(1996, "year", "female", NO_PLACE, False)) == pytest.approx(
        name_ceiling(a) - 7.0)
    # Born the same year, the parents may agree: they count at their best.
    assert clear_ceiling(a, name_ceiling(a), ClearFacts(1990, "year", "female", NO_PLACE, False)) == pytest.approx(
        name_ceiling(a) + 4.0 + 6.0 + 5.0)


def test_the_quick_id_points_are_the_id_score_on_the_labelled_set():
    resolver = UnitResolver().preload_all()
    profiles = [build_profile(data, resolver) for _id, data in read_people_csv(DATA, resolver)]
    with_ids = [profile for profile in profiles if profile.ids]
    near = 0
    for a, b in itertools.permutations(with_ids, 2):
        assert _ids_points(a, b) == _ids_score(a, b)[0]
        near += any(x != b.ids.get(kind) and within_one_edit(x, b.ids.get(kind) or "")
                    for kind, x in a.ids.items() if kind != "phone" and b.ids.get(kind))
    assert near > 0  # the set holds ID numbers one digit off, which the thirds must not rule out


def _changed(rng, number: str) -> str:
    """``number`` with one digit changed, two neighbours swapped, a digit dropped or one added, or another number."""
    position = rng.randrange(len(number))
    match rng.randrange(5):
        case 0:
            return number[:position] + str((int(number[position]) + 1) % 10) + number[position + 1:]
        case 1:
            position = min(position, len(number) - 2)
            return number[:position] + number[position + 1] + number[position] + number[position + 2:]
        case 2:
            return number[:position] + number[position + 1:]
        case 3:
            return number[:position] + "7" + number[position:]
        case _:
            return "".join(rng.choice("0123456789") for _digit in number)


def test_the_quick_id_points_are_the_id_score_on_generated_numbers():
    """The shortcut for numbers whose thirds all differ gives what comparing them one by one gives: for numbers the
    same, one edit apart, of other lengths, too short to cut, and for phones."""
    rng = random.Random(5)
    resolver = UnitResolver().preload_all()
    quick = compared = 0
    for _pair in range(3000):
        values = {}
        for field, length in (("citizen_id", 12), ("old_id", 9), ("passport", 8), ("phone", 10)):
            if rng.random() < 0.6:
                size = length if rng.random() < 0.9 else 2
                values[field] = "".join(rng.choice("0123456789") for _digit in range(size))
                if field == "citizen_id" and size == length and rng.random() < 0.5:
                    values[field] = "0871" + values[field][4:]  # issued in one province to a man born in the 1900s
        other = {field: (value if rng.random() < 0.3 else _changed(rng, value)) for field, value in values.items()
                 if rng.random() < 0.8}
        a = build_profile(PersonData(full_name="Lò Thị Mai", **values), resolver)
        b = build_profile(PersonData(full_name="Lò Thị Mai", **other), resolver)
        assert _ids_points(a, b) == _ids_score(a, b)[0], (a.ids, b.ids)
        compared += bool(a.ids and b.ids)
        quick += a.id_parts is not None and b.id_parts is not None and len(a.id_parts & b.id_parts) < 4
    assert quick > 300 and compared - quick > 300, (quick, compared)  # both ways were taken often


def test_the_parts_of_id_numbers_are_shared_objects_until_enough_are_kept(monkeypatch):
    """Two profiles with numbers in common hold the same part objects (compared by identity first); once
    ``KEPT_PARTS`` are kept, new numbers get parts of their own, equal all the same."""
    from trove.people.matching import profile as profile_module

    first = profile_module.id_parts({"cccd": "087198001234", "phone": "0912345678"})
    second = profile_module.id_parts({"cccd": "087198001234", "cmnd": "381234567"})
    shared = {id(part) for part in first} & {id(part) for part in second}
    assert len(first) == 6 and len(second) == 12 and len(shared) == 6
    monkeypatch.setattr(profile_module, "KEPT_PARTS", len(profile_module._PARTS))
    third = profile_module.id_parts({"cccd": "087198001234"})
    fresh = profile_module.id_parts({"cccd": "087198009876"})
    assert third == first and not {id(part) for part in third} & {id(part) for part in first}
    assert len(third & fresh) == 4 and len(profile_module._PARTS) == profile_module.KEPT_PARTS


def test_profiles_pickle_by_value():
    resolver = UnitResolver().preload_all()
    profile = build_profile(PersonData(full_name="Hoàng Thị Ngọc Lan", other_names=["Lan Hoàng"],
                                       father_name="Hoàng Văn Sáu", birth_year=1998, birth_precision="year",
                                       sex="female", citizen_id="087198001234", phone="0912345678"), resolver)
    copied = pickle.loads(pickle.dumps(profile))
    assert copied == profile and copied is not profile
    assert copied.names[0] == profile.names[0] and copied.id_parts == profile.id_parts


def test_the_ceiling_holds_when_the_family_names_differ_or_are_missing():
    """The bound takes five points off a pair without a family name in common; not when one name has no family
    name, when the family names are one letter apart, or when another reading of a name brings them together."""
    resolver = UnitResolver().preload_all()
    names = ["Mai", "Lò Thị Mai", "Lo Mai", "Thị Mai", "Mai Lò", "Lồ Thị Mai", "Nguyễn Thị Mai", "Mai Nguyễn",
             "Giang Mai", "Mai Giang", "Lý Thị Mai", "Ly Mai", "Nguyễn Thị Lan", "Lý Thị Lan", "Lan"]
    profiles = [build_profile(PersonData(full_name=name, birth_year=1990, birth_precision="year", sex="female"),
                              resolver) for name in names]
    for a, b in itertools.permutations(profiles, 2):
        assert score_ceiling(a, b, name_ceiling(a)) + 0.05 >= score_profiles(a, b)[0], (a.names, b.names)
    # Read only one way, these two names have no family name in common ("Mai" may be one).
    nguyen, ly = profiles[names.index("Nguyễn Thị Lan")], profiles[names.index("Lý Thị Lan")]
    assert score_ceiling(nguyen, ly, name_ceiling(nguyen)) < score_ceiling(nguyen, nguyen, name_ceiling(nguyen)) - 5
