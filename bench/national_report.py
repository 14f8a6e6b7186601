"""The last national-scale run of ``bench/results.jsonl`` as the Markdown table of docs/benchmarks.md.

    .venv/bin/python bench/national_report.py [--persons 1000000]

Prints one row per scenario (concurrency 1: p50, p95, queries, time in SQL; concurrency 16: p50, p95, requests per
second) with the targets marked, then the baselines and ratios.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
C1_MS, C16_MS, DUPLICATE_MS, REPORT_RATIO, OVERHEAD_RATIO = 150, 500, 50, 2, 3
BASELINE = "baseline: /healthz (bare Django view)"


def last_run(persons: int | None) -> dict:
    runs = []
    for line in (ROOT / "bench" / "results.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("scenario") == "national" and (persons is None or row.get("persons") == persons):
            runs.append(row)
    if not runs:
        raise SystemExit("no national run in bench/results.jsonl")
    return runs[-1]


def mark(value, limit) -> str:
    if value is None:
        return ""
    return f"**{value:g}**" if value > limit else f"{value:g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int)
    run = last_run(parser.parse_args().persons)
    one, many = run.get("concurrency_1", {}), run.get("concurrency_16", {})
    print(f"{run['persons']:,} persons, {run['date']}; bold: over the target (c1 p95 {C1_MS} ms, c16 p95 {C16_MS} ms)")
    print()
    print("| scenario | c1 p50 | c1 p95 | queries | SQL p50 | c16 p50 | c16 p95 | c16 req/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    met_one = met_many = 0
    for name, measured in one.items():
        load = many.get(name, {})
        met_one += measured["p95_ms"] <= C1_MS
        met_many += bool(load.get("requests")) and load["p95_ms"] <= C16_MS
        rate = f"{load['requests'] / load['seconds']:.1f}" if load.get("seconds") else ""
        print(f"| {name} | {measured['p50_ms']:g} | {mark(measured['p95_ms'], C1_MS)} | {measured['queries']} | "
              f"{measured['sql_p50_ms']:g} | {load.get('p50_ms', '')} | {mark(load.get('p95_ms'), C16_MS)} | {rate} |")
    print()
    print(f"c1 p95 ≤ {C1_MS} ms: {met_one} of {len(one)}; c16 p95 ≤ {C16_MS} ms: {met_many} of {len(many)}")
    duplicate = run.get("duplicate_check_find_candidates", {})
    if duplicate:
        print(f"duplicate check (find_candidates): p50 {duplicate['p50_ms']} ms, p95 {duplicate['p95_ms']} ms "
              f"(target {DUPLICATE_MS}); true person in top 10: {duplicate.get('true_person_in_top10')}")
    report = run.get("report_vs_sql", {})
    if report:
        print(f"yearly report vs hand-written SQL: {json.dumps(report, ensure_ascii=False)}")
    base, page = one.get(BASELINE), one.get("case page")
    if base and page:
        print(f"case page / bare view (c1 p50): {page['p50_ms']} / {base['p50_ms']} = "
              f"{page['p50_ms'] / base['p50_ms']:.1f}x; without the case page's SQL: "
              f"{(page['p50_ms'] - page['sql_p50_ms']) / base['p50_ms']:.1f}x (target {OVERHEAD_RATIO}x)")
    print(f"load average before / after: {run.get('load_before')} / {run.get('load_after')}")


if __name__ == "__main__":
    main()
