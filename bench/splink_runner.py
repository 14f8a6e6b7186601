"""The same records through Splink (DuckDB), configured the way Splink's documentation recommends: standardised
input columns, comparisons from the comparison library with term-frequency adjustment on names, blocking rules for
prediction, the prior from deterministic rules, u from random sampling, m by expectation maximisation over two
blocking passes, and a match-probability threshold.

Splink gets the same help our matcher has, as preprocessing: names without diacritics split into family, middle and
given name by our parser (so that swapped order does not count against it), and home units mapped to the 2025 set.
"""

from __future__ import annotations

import time

import pyarrow as pa
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from trove.people.matching.names import skeleton
from trove.people.matching.profile import Profile

THRESHOLD = 0.9


def _row(record_id: int, profile: Profile) -> dict:
    name = profile.name
    given = name.given_options[-1][0] if name.given_options else None
    middle = " ".join(w for w in name.personal if w != given) or None
    father = profile.father[0].given_options[-1][0] if profile.father[0].given_options else None
    mother = profile.mother[0].given_options[-1][0] if profile.mother[0].given_options else None
    return {
        "unique_id": record_id,
        "family": name.family or None,
        "given": given,
        "given_skeleton": skeleton(given) if given else None,
        "middle": middle,
        "birth_year": profile.year,
        "birth_md": f"{profile.month:02d}-{profile.day:02d}" if profile.day else None,
        "sex": None if profile.sex == "unknown" else profile.sex,
        "citizen_id": profile.ids.get("cccd"),
        "commune": min(profile.place.communes) if profile.place.communes else None,
        "province": min(profile.place.provinces) if profile.place.provinces else None,
        "father": father,
        "mother": mother,
    }


def run_splink(ids: list[int], profiles: list[Profile], *, seed: int = 1) -> dict:
    started = time.monotonic()
    rows = [_row(record_id, profile) for record_id, profile in zip(ids, profiles, strict=True)]
    table = pa.Table.from_pylist(rows)
    db_api = DuckDBAPI()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("given", [0.95, 0.88]).configure(term_frequency_adjustments=True),
            cl.ExactMatch("family").configure(term_frequency_adjustments=True),
            cl.ExactMatch("middle"),
            cl.ExactMatch("birth_year"),
            cl.ExactMatch("birth_md"),
            cl.ExactMatch("sex"),
            cl.LevenshteinAtThresholds("citizen_id", [1]),
            cl.ExactMatch("commune"),
            cl.ExactMatch("province"),
            cl.JaroWinklerAtThresholds("father", [0.9]),
            cl.JaroWinklerAtThresholds("mother", [0.9]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_skeleton", "birth_year"),
            block_on("family", "birth_year", "birth_md"),
            block_on("citizen_id"),
            block_on("given_skeleton", "commune"),
            block_on("family", "birth_year", "commune"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    source = db_api.register(table)
    linker = Linker(source, settings, log_level="WARNING") if _takes_sdf() else Linker(table, settings, db_api)
    trained = time.monotonic()
    linker.training.estimate_probability_two_random_records_match(
        [block_on("citizen_id"), block_on("family", "given", "birth_year", "birth_md")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_skeleton", "birth_year"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("commune"))
    training = time.monotonic() - trained
    predicted = time.monotonic()
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    relation = predictions.as_duckdbpyrelation()
    pairs = relation.project("unique_id_l, unique_id_r, match_probability").fetchall()
    prediction = time.monotonic() - predicted
    return {
        "pairs": {(min(a, b), max(a, b)) for a, b, _p in pairs},
        "seconds": time.monotonic() - started,
        "training_seconds": training,
        "predict_seconds": prediction,
    }


def _takes_sdf() -> bool:
    import inspect

    return "splink_dataframe_or_dataframes" in inspect.signature(Linker.__init__).parameters
