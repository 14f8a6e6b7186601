"""The bound the import's duplicate check uses to leave candidates unscored never lies: for every pair of the
labelled set (siblings, twins, typos, other orders, IDs one digit off…) ``score_ceiling`` is at least the score."""

import itertools
from pathlib import Path

import pytest

from trove.people.management.commands.find_duplicates import read_people_csv
from trove.people.matching.profile import PersonData, UnitResolver, build_profile
from trove.people.matching.scoring import _may_be_one_edit, name_ceiling, score_ceiling, score_profiles, within_one_edit

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
