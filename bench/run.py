"""Duplicate-matching benchmark: generate, check one person, match in batch, and run Splink on the same data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trove_bench .venv/bin/python bench/run.py --sizes 10000 100000

For each size N it (1) fills the database with ``generate_synthetic --persons N`` (10% of persons recorded twice),
(2) times ``find_candidates`` for ``--queries`` persons taken from the database and re-written through the error
model (p50, p95, and how often the true person is among the candidates), (3) decrypts the registry and runs batch
matching (time, precision, recall, F1 against the generator's truth), and (4) runs Splink with DuckDB on the same
decrypted records. Results are printed and appended as JSON lines to ``bench/results.jsonl``. Synthetic data only.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"  # truth files: generated, not committed


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    return {"cpu": cpu, "nproc": os.cpu_count(), "memory_gib": round(int(memory) / 1024 / 1024, 1),
            "python": platform.python_version()}


def evaluate(judged: set, truth: set) -> dict:
    tp = len(judged & truth)
    precision = tp / len(judged) if judged else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairs": len(judged), "true_pairs": len(truth), "precision": round(precision, 4),
            "recall": round(recall, 4), "f1": round(f1, 4)}


def truth_pairs(path: Path) -> set[tuple[int, int]]:
    by_entity: dict[str, list[int]] = {}
    with path.open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            by_entity.setdefault(row["entity"], []).append(int(row["person_id"]))
    pairs = set()
    for ids in by_entity.values():
        ids.sort()
        pairs.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1:])
    return pairs


def one_person_checks(queries: int, seed: int, truth_path: Path) -> dict:
    from bench.synthetic_people import Record, corrupt, load_communes, other_set_map
    from trove.people.management.commands.find_duplicates import parse_birth_date
    from trove.people.matching import PersonData, find_candidates
    from trove.people.matching.retrieval import SCORED_FIELDS
    from trove.people.models import Person

    rng = random.Random(seed)  # noqa: S311 - synthetic data
    other = other_set_map(load_communes())
    ids = list(Person.objects.values_list("pk", flat=True))
    sample = rng.sample(ids, min(queries, len(ids)))
    entity = {}
    with truth_path.open(encoding="utf-8") as stream:
        entity = {int(r["person_id"]): r["entity"] for r in csv.DictReader(stream)}
    persons = Person.objects.filter(pk__in=sample).only(*SCORED_FIELDS).select_related("home_unit")
    timings, found_self, found_twin = [], 0, 0
    for person in persons:
        # The error model starts from a full date; a stored year-only date reads as 1 January of that year.
        birth = person.birth_date.isoformat() if person.birth_date else "1990-01-01"
        record = Record(id="q", entity=0, full_name=person.full_name, birth_date=birth, sex=person.sex,
                        citizen_id=person.citizen_id, home_unit=person.home_unit.key if person.home_unit else "",
                        father_name=person.father_name, mother_name=person.mother_name, family=0)
        noisy = corrupt(rng, record, "q", other)
        date, precision, year = parse_birth_date(noisy.birth_date)
        data = PersonData(full_name=noisy.full_name, birth_date=date, birth_precision=precision, birth_year=year,
                          sex=noisy.sex or "unknown", citizen_id=noisy.citizen_id, home_unit=noisy.home_unit or None,
                          father_name=noisy.father_name, mother_name=noisy.mother_name)
        started = time.perf_counter()
        found = find_candidates(data, limit=10)
        timings.append((time.perf_counter() - started) * 1000)
        found_ids = {c.person_id for c in found}
        found_self += person.pk in found_ids
        found_twin += any(entity.get(pid) == entity.get(person.pk) and pid != person.pk for pid in found_ids)
    timings.sort()
    return {"queries": len(timings), "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1), "max_ms": round(timings[-1], 1),
            "true_person_in_top10": round(found_self / len(timings), 3)}


def batch(truth: set, workers: int, with_splink: bool, seed: int) -> dict:
    from trove.people.management.commands.find_duplicates import registry_records
    from trove.people.matching import BatchMatcher, UnitResolver

    started = time.monotonic()
    matcher = BatchMatcher(UnitResolver().preload_all())
    matcher.add_all(registry_records())
    read = time.monotonic() - started
    matched = time.monotonic()
    judged = {(min(a, b), max(a, b)) for a, b, _s in matcher.pairs(workers=workers)}
    match_seconds = time.monotonic() - matched
    result = {"trove": {"decrypt_and_prepare_s": round(read, 1), "match_s": round(match_seconds, 1),
                        "total_s": round(read + match_seconds, 1), "workers": workers, **evaluate(judged, truth)}}
    if with_splink:
        from bench.splink_runner import THRESHOLD, run_splink

        splink = run_splink(matcher.ids, matcher.profiles, seed=seed)
        result["splink"] = {"total_s": round(splink["seconds"], 1), "training_s": round(splink["training_seconds"], 1),
                            "predict_s": round(splink["predict_seconds"], 1), "threshold": THRESHOLD,
                            "note": "time excludes decrypting, which both need; input prepared from our profiles",
                            **evaluate(splink["pairs"], truth)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Duplicate-matching benchmark (synthetic data only).")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument("--skip-generate", action="store_true", help="reuse the data of the last run of this size")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trove.settings")
    import django

    django.setup()
    from django.db import connection

    OUT.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        truth_path = OUT / f"truth-{size}-{args.seed}.csv"
        result: dict = {"size": size, "seed": args.seed, "engine": connection.vendor, "machine": machine()}
        if not args.skip_generate:
            started = time.monotonic()
            generated = subprocess.run(  # noqa: S603 - our own command, fixed arguments
                [sys.executable, str(ROOT / "manage.py"), "generate_synthetic", "--persons", str(size), "--seed",
                 str(args.seed), "--flush", "--only-persons", "--truth", str(truth_path)],
                check=True, capture_output=True, text=True)
            result["generate"] = {"seconds": round(time.monotonic() - started, 1),
                                  "report": generated.stdout.strip()}
            print(f"[{size}] generated: {generated.stdout.strip()}", flush=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        truth = truth_pairs(truth_path)
        result["one_person"] = one_person_checks(args.queries, args.seed, truth_path)
        print(f"[{size}] one-person check: {result['one_person']}", flush=True)
        result["batch"] = batch(truth, args.workers, not args.no_splink, args.seed)
        print(f"[{size}] batch: {json.dumps(result['batch'])}", flush=True)
        with (ROOT / "bench" / "results.jsonl").open("a", encoding="utf-8") as stream:
            stream.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
