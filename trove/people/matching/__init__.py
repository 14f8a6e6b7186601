"""Duplicate matching that knows Vietnamese names (DESIGN §5, issue 4 part 6).

- ``find_candidates(person_data, exclude_ids=(), limit=10)``: one person (plain values, not yet saved) against the
  registry, through keyed hashes only; decrypts at most a few hundred candidates and scores them.
- ``score_pair(a, b)``: the score and the reasons for two persons given as plain values.
- ``refresh_match_keys(person)``: recompute a saved person's blocking keys (call after saving identity changes).
- ``BatchMatcher``: the whole registry, or a CSV, against itself (``manage.py find_duplicates``).

Modules: ``names`` (parsing and comparing names), ``profile`` (plain values, normalised profiles, units through the
2025 succession), ``scoring`` (weights, thresholds, reasons), ``keys`` (blocking keys), ``retrieval`` (one against
the registry), ``batch`` (all against all).
"""

from __future__ import annotations

from trove.people.matching.batch import BatchMatcher
from trove.people.matching.keys import refresh_match_keys
from trove.people.matching.profile import PersonData, UnitResolver, build_profile, person_data
from trove.people.matching.retrieval import Candidate, find_candidates
from trove.people.matching.scoring import CANDIDATE_THRESHOLD, MATCH_THRESHOLD, score_profiles

__all__ = [
    "CANDIDATE_THRESHOLD",
    "MATCH_THRESHOLD",
    "BatchMatcher",
    "Candidate",
    "PersonData",
    "UnitResolver",
    "find_candidates",
    "person_data",
    "refresh_match_keys",
    "score_pair",
]


def score_pair(a: PersonData, b: PersonData, *, resolver: UnitResolver | None = None) -> tuple[float, list]:
    """The score of two persons given as plain values, and the reasons (translatable phrases) behind it."""
    resolver = resolver or UnitResolver()
    return score_profiles(build_profile(a, resolver), build_profile(b, resolver))
