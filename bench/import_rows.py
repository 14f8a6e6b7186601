"""Import benchmark: a messy legacy workbook of synthetic people imported as persons and cases, duplicate checks
included, through the same code as the wizard's background job.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trove_imports_bench \
        .venv/bin/python bench/import_rows.py --rows 100000

The workbook is what a province's list looks like after years of hands: two title rows, headings on two rows with
the date of birth split into a column for men and one for women, a row numbering the columns; names in capitals
without diacritics for a share of rows; dates as dd/mm/yyyy text, Excel serial numbers, the year alone or "năm 1998";
sex as Nam/Nữ, nam/nu, M/F or 1/0 where the form has a sex column; CCCD numbers typed as numbers (leading zeros
lost); addresses in one cell in the old units with a district, the new units, or abbreviated ("Tan Ho Co - Tan Hong
- DT"); received between 2023 and 2026; about 3% of rows the same person typed again further down (these must be
linked, not created), 1% rows an action refuses (a country missing for a return from abroad), blank rows and a
total. The timed part is everything the wizard does from the upload to the report: storing the file encrypted,
finding the headings, mapping, every batch of rows through ``receive_persons_bulk`` (which also opens the
verification), the duplicate check against the registry and within the batch, the report workbook. Synthetic data
only: the script refuses a database that holds persons it did not make; ``--reset`` first deletes what earlier runs
imported, so that every run starts from an empty registry. Prints the figures (with the number of SQL queries per row
and the load average, since the machine may be shared) and appends a JSON line to ``bench/results.jsonl``.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trove.settings")

USERNAME = "bench_importer"
CHANNELS = ["Tự trở về", "tu ve", "giải cứu", "Được giải cứu", "tự đến trình báo", "trinh bao"]
ABROAD = {"Tự trở về", "tu ve"}
COUNTRIES = ["Trung Quốc", "TQ", "Campuchia", "CPC", "Lào", "Malaysia"]


def communes() -> list[tuple[str, str]]:
    """(old-style address, new-style address) of the communes of Đồng Tháp, from the reference tables."""
    from trove.geo.models import AdminUnit
    from trove.geo.search import normalise

    found = []
    for unit in AdminUnit.objects.filter(unit_set="legacy", province_code="87", level="commune").select_related(
            "parent__parent").order_by("code"):
        district, province = unit.parent, unit.parent.parent
        styles = [f"{unit.name}, {district.name.lower()}, {province.name.lower()}",
                  f"{normalise(unit.short_name).title()} - {normalise(district.short_name).title()} - DT"]
        found.append(tuple(styles))
    return found


def messy_workbook(rows: int, seed: int) -> tuple[bytes, int, int]:
    """The workbook, and how many of its rows repeat an earlier person or should fail."""
    from openpyxl import Workbook

    from bench.synthetic_people import KINH_FAMILIES, KINH_GIVEN, KINH_MIDDLE, _pick, strip_diacritics

    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible from its seed
    places = communes()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    width = 10
    sheet.append(["ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP"] * width)
    sheet.append(["DANH SÁCH NẠN NHÂN BỊ MUA BÁN ĐÃ TIẾP NHẬN (SỐ LIỆU TỔNG HỢP)"] * width)
    headings = ["STT", "Họ và tên", "Ngày sinh", "Ngày sinh", "Số CCCD", "Địa chỉ", "Ngày tiếp nhận",
                "Nguồn tiếp nhận", "Nước trở về", "Ghi chú"]
    sheet.append(headings)
    sheet.append([h if h != "Ngày sinh" else s for h, s in zip(headings, [""] * 2 + ["Nam", "Nữ"] + [""] * 6,
                                                                  strict=True)])
    sheet.append([f"({n})" for n in range(1, width + 1)])
    people: list[list] = []
    repeats = failing = 0
    for number in range(1, rows + 1):
        if number % 500 == 0:
            sheet.append([])
        if people and rng.random() < 0.03:
            row = list(rng.choice(people))
            # The same person, received again later and typed by someone else: linked, not created.
            row[1] = strip_diacritics(row[1]).upper()
            row[6] = (datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(0, 600))).strftime("%d/%m/%Y")
            repeats += 1
            row[0] = number
            sheet.append(row)
            continue
        sex = rng.choice(["female", "female", "female", "male"])
        name = " ".join(w for w in (_pick(rng, KINH_FAMILIES), _pick(rng, KINH_MIDDLE[sex]),
                                    rng.choice(KINH_GIVEN[sex])) if w)
        if rng.random() < 0.3:
            name = strip_diacritics(name).upper()
        born = datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 38))
        birth = rng.choice([born.strftime("%d/%m/%Y"), (born - datetime.date(1899, 12, 30)).days, born.year,
                            f"năm {born.year}"])
        received = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 3 + 300))
        old_style, abbreviated = rng.choice(places)
        address = rng.choice([old_style, abbreviated]) if received < datetime.date(2025, 7, 1) else old_style
        channel = rng.choice(CHANNELS)
        country = rng.choice(COUNTRIES) if channel in ABROAD else None
        if channel in ABROAD and rng.random() < 0.01:
            country, failing = None, failing + 1
        citizen = int(f"0{87 if rng.random() < 0.7 else 82}{1 if sex == 'female' else 0}"
                      f"{born.year % 100:02d}{rng.randrange(0, 10**6):06d}")
        row = [number, name, birth if sex == "male" else None, birth if sex == "female" else None, citizen, address,
               received.strftime("%d/%m/%Y") if rng.random() < 0.7 else received, channel, country, None]
        people.append(row)
        sheet.append(row)
    sheet.append(["Tổng cộng", f"{rows} người"])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue(), repeats, failing


class Clock:
    def __init__(self, label: str) -> None:
        self.label, self.total, self.done, self.started = label, None, 0, time.perf_counter()

    def start(self, *, total=None, message="") -> None:
        self.total = total

    def advance(self, count=1, *, message=None) -> None:
        self.done += count
        if self.done % 5000 < count:
            rate = self.done / (time.perf_counter() - self.started)
            print(f"  {self.done}/{self.total} rows, {rate:.0f} rows/s", flush=True)

    def attach(self, name, content_type, content) -> None:
        self.report_bytes = len(content)

    def finish(self, *, summary=None, message="") -> None:
        self.message = message


def main() -> None:
    parser = argparse.ArgumentParser(description="Import benchmark (synthetic data only).")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reset", action="store_true", help="delete what earlier runs imported first")
    parser.add_argument("--row-by-row", action="store_true",
                        help="write each row through receive_person, as before the bulk intake (for comparison)")
    parser.add_argument("--one-process", action="store_true",
                        help="prepare every batch in this process, without the helper process (for comparison)")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the timed part to FILE (this "
                        "process only: the helper process is not profiled)")
    args = parser.parse_args()
    if args.one_process:
        os.environ["IMPORT_HELPER_PROCESS"] = "false"

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from trove.agencies.models import Agency, Membership, Role
    from trove.core.models import User
    from trove.geo.models import AdminUnit
    from trove.imports import actions, engine
    from trove.people.models import Person

    call_command("migrate", verbosity=0)  # a bench database kept from an earlier version of the code
    if not AdminUnit.objects.exists():
        call_command("load_reference_data", verbosity=0)
    if Person.objects.exclude(created_by__username=USERNAME).exists():
        sys.exit("This database holds persons the benchmark did not make: give it a database of its own.")
    since = datetime.date(2025, 7, 1)
    province = AdminUnit.objects.by_key("2025:82")
    agency, _created = Agency.objects.get_or_create(
        name="Sở Y tế tỉnh Đồng Tháp (benchmark)", defaults={"agency_type": "health_department", "unit": province,
                                                             "valid_from": since})
    user, _created = User.objects.get_or_create(username=USERNAME, defaults={"full_name": "Benchmark importer"})
    Membership.objects.get_or_create(user=user, agency=agency, role=Role.CASEWORKER,
                                     defaults={"scope_unit": province, "valid_from": since})
    if args.reset:
        reset(user)
    if args.row_by_row:
        import dataclasses

        from trove.imports import registry

        registry.register(dataclasses.replace(registry.get_kind("persons"), write_many=None))
    before = Person.objects.count()

    speed_before = machine_speed()
    print(f"Generating {args.rows} rows…", flush=True)
    started = time.perf_counter()
    content, repeats, failing = messy_workbook(args.rows, args.seed)
    generated = time.perf_counter() - started
    print(f"  {len(content) / 1e6:.1f} MB in {generated:.1f} s; importing…", flush=True)

    from django.conf import settings
    from django.db import connection

    queries = QueryCounter()
    load_before = os.getloadavg()
    cpu_started = time.process_time()
    children_started = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    with connection.execute_wrapper(queries):
        batch, prepared = run(actions, engine, user, agency, content)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    helper_cpu = (children.ru_utime + children.ru_stime) - (children_started.ru_utime + children_started.ru_stime)
    load_after = os.getloadavg()
    speed_after = machine_speed()

    results = {
        "scenario": "import_rows_row_by_row" if args.row_by_row else "import_rows",
        "helper_process": settings.IMPORT_HELPER_PROCESS and connection.vendor == "postgresql",
        "engine": connection.vendor, "rows": args.rows, "seed": args.seed,
        "file_mb": round(len(content) / 1e6, 1), "registry_before": before,
        "seconds_total": round(elapsed, 1), "seconds_upload_to_mapping": round(prepared, 1),
        "rows_per_second": round(args.rows / elapsed, 1),
        "queries": queries.count, "queries_per_row": round(queries.count / args.rows, 2),
        "seconds_in_sql": round(queries.seconds, 1), "slowest_sql": queries.slowest(),
        "cpu_seconds_of_this_process": round(cpu, 1),
        "cpu_seconds_of_the_helper_process": round(helper_cpu, 1),
        "created": batch.created_count, "linked": batch.linked_count, "skipped": batch.skipped_count,
        "failed": batch.failed_count, "repeated_rows_in_file": repeats, "rows_meant_to_fail": failing,
        "header": [batch.header_row, batch.header_rows, batch.first_data_row],
        "profiled": bool(args.profile),
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in load_after],
        "machine_speed_seconds": [round(speed_before, 2), round(speed_after, 2)],
        "date": timezone.localdate().isoformat(),
    }
    print(json.dumps(results, ensure_ascii=False, indent=2))
    with (ROOT / "bench" / "results.jsonl").open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(results, ensure_ascii=False) + "\n")


def machine_speed() -> float:
    """Seconds a fixed pure-Python loop takes, before and after the run: virtual machines of one kind have differed
    twofold from one session to the next (and drift within one), so a time is read beside the machine's speed:
    0.45–0.50 s on the tenth session's machine, where 100,000 rows took 101.9–116.9 s (docs/benchmarks.md)."""
    started = time.perf_counter()
    totals: dict[int, int] = {}
    for number in range(3_000_000):
        totals[number % 1000] = totals.get(number % 1000, 0) + number * number
    return time.perf_counter() - started


class QueryCounter:
    """Counts the SQL statements sent while the import runs."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.by_statement: dict[str, list] = {}

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.seconds += spent
            # The statement's start (the command and its table) names it well enough to see where time goes.
            entry = self.by_statement.setdefault(" ".join(sql.split()[:6])[:80], [0, 0.0])
            entry[0] += 1
            entry[1] += spent

    def slowest(self, count: int = 5) -> list:
        ranked = sorted(self.by_statement.items(), key=lambda item: -item[1][1])[:count]
        return [[statement, calls, round(seconds, 1)] for statement, (calls, seconds) in ranked]


def reset(user) -> None:
    """Delete the records earlier runs imported (not timed): imports, cases with what hangs on them, persons."""
    from django.db import connection
    from django.db.models.signals import post_delete

    from trove.cases.models import Case
    from trove.imports.models import ImportBatch
    from trove.people.models import Person

    print("Deleting what earlier runs imported…", flush=True)
    # Without the statistics' deletion signal Django deletes in bulk instead of one object at a time.
    post_delete.disconnect(dispatch_uid="trove.reports.freshness.delete")
    ImportBatch.objects.filter(created_by=user).delete()
    Case.objects.filter(created_by=user).delete()
    Person.objects.filter(created_by=user).delete()
    if connection.vendor == "postgresql":
        # Every run starts from tables without the dead rows of the last one, whether autovacuum runs or not.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def run(actions, engine, user, agency, content):
    started = time.perf_counter()
    batch = actions.batch_create(acting_user=user, agency=agency, kind="persons", file_name="bench.xlsx",
                                 content=content, max_bytes=None)
    batch = actions.batch_choose_sheet(acting_user=user, batch=batch, sheet="Danh sách")
    batch = actions.batch_set_mapping(acting_user=user, batch=batch, mapping=batch.mapping)
    prepared = time.perf_counter() - started
    batch = actions.batch_start(acting_user=user, batch=batch, background=False)
    clock = Clock("import")
    batch = engine.execute(batch=batch, acting_user=user, token=batch.run_token, progress=clock)
    return batch, prepared


if __name__ == "__main__":
    main()
