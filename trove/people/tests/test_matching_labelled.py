"""Matching against the committed labelled set (made by bench/make_labelled_set.py): pairs judged the same person
are compared with the truth, pair by pair."""

import csv
import itertools
from pathlib import Path

import pytest

from trove.people.management.commands.find_duplicates import read_people_csv
from trove.people.matching import BatchMatcher, UnitResolver

DATA = Path(__file__).parent / "data" / "labelled_people.csv"
pytestmark = pytest.mark.django_db


def test_it_reaches_an_f1_of_at_least_0_95_on_the_labelled_set():
    with DATA.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    entities: dict[str, list[str]] = {}
    for row in rows:
        entities.setdefault(row["entity"], []).append(row["id"])
    truth = {tuple(sorted(pair)) for ids in entities.values() for pair in itertools.combinations(ids, 2)}
    siblings = {tuple(sorted((a["id"], b["id"]))) for a, b in itertools.combinations(rows, 2)
                if a["family"] == b["family"] and a["entity"] != b["entity"]}
    assert len(truth) > 100 and len(siblings) > 100

    resolver = UnitResolver().preload_all()
    matcher = BatchMatcher(resolver)
    matcher.add_all(read_people_csv(DATA, resolver))
    judged = {tuple(sorted((a, b))) for a, b, _score in matcher.pairs()}

    true_positives = len(judged & truth)
    precision = true_positives / len(judged)
    recall = true_positives / len(truth)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.95, (precision, recall)
    assert not judged & siblings
