"""Write the small labelled duplicate set that the test suite checks matching against.

    .venv/bin/python bench/make_labelled_set.py [--seed 2026] [--persons 200]

Writes trove/people/tests/data/labelled_people.csv: the columns ``find_duplicates`` reads, plus ``entity`` (the
truth: rows with the same entity are one person) and ``family`` (rows with the same family are siblings or the same
person). Needs the reference data (admin units) in the database named by DATABASE_URL (``make setup`` loads it).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "trove" / "people" / "tests" / "data" / "labelled_people.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--persons", type=int, default=200)
    parser.add_argument("--duplicate-share", type=float, default=0.5)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trove.settings")
    import django

    django.setup()
    from bench.synthetic_people import Record, labelled_records, load_communes

    records = labelled_records(load_communes(), persons=args.persons, duplicate_share=args.duplicate_share,
                               seed=args.seed)
    with args.out.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow([*Record.CSV_COLUMNS, "entity", "family"])
        for record in records:
            writer.writerow([*record.csv_row(), record.entity, record.family])
    print(f"{len(records)} rows -> {args.out}")


if __name__ == "__main__":
    main()
