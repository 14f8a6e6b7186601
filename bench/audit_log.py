"""The audit log's growth (PostgreSQL): the table partitioned by year against the same rows in one plain table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trove_audit_bench .venv/bin/python bench/audit_log.py

1. Creates two databases from scratch (their names must contain "bench": they are dropped first): the one named by
   ``DATABASE_URL``, migrated (the audit log partitioned by year, migration 0008), and ``<name>_plain``, migrated and
   then taken back to core 0007 — the reverse of 0008 — so that its audit log is the one plain table of migration
   0002 with the same columns and indexes.
2. Fills the partitioned log with ``--entries`` entries (default 1,000,000) spread evenly from 1 January four years
   ago to now, a valid hash chain (``AuditEntry.compute_hash``) written with ``COPY``, and copies the same rows into
   the plain table (``COPY … TO STDOUT`` into ``COPY … FROM STDIN``). ``VACUUM ANALYZE`` on both.
3. Measures, alternating between the two so that a slow moment of the machine hits both: ``record()`` (``--appends``
   appends each), the audit page's two queries (the count and the first page of 50, newest first, with the agency)
   for one record's history and for the last 7 days (``--runs`` each, a different record each run), ``audit_verify``,
   the size on disk, migration 0008 on the plain table's rows (rolled back), then the oldest year's ``audit_archive``
   against a ``DELETE`` of that year from the plain table (committed, the trigger off) and the ``VACUUM`` after it.

Writes one JSON line to ``bench/results.jsonl`` (``"scenario": "audit_log"``) and prints it. Synthetic data only.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import importlib
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trove.settings")

PLAIN = "plain"
ACTIONS = [
    ("identity.view", "cases.case", 50),
    ("case.update", "cases.case", 25),
    ("auth.login", "", 20),
    ("export.htcds", "", 5),
]
CASES = 200_000


def columns() -> list[str]:
    """The audit log's columns, in the model's order (``rows`` yields its values in the same order)."""
    from trove.core.models.audit import AuditEntry

    return [field.attname for field in AuditEntry._meta.concrete_fields]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(times: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
        "runs": len(times),
    }


def create_databases(names: list[str]) -> None:
    import psycopg

    from trove.env import database_from_url

    config = database_from_url(os.environ["DATABASE_URL"], default_sqlite=Path("unused"))
    with psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    ) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')


def add_plain_alias(name: str) -> None:
    from django.db import connections

    connections.settings[PLAIN] = {**copy.deepcopy(connections.settings["default"]), "NAME": name}


def rows(count: int, seed: int):
    """The synthetic entries, hashed in order: one model instance reused, so that the hash is the model's own."""
    from django.utils import timezone

    from trove.core.audit_partitions import year_start
    from trove.core.models.audit import GENESIS_HASH, AuditEntry

    rng = random.Random(seed)  # noqa: S311 - synthetic data
    start = year_start(timezone.localdate().year - 4)
    step = (timezone.now() - start) / count
    weights = [weight for _action, _type, weight in ACTIONS]
    entry = AuditEntry(role="caseworker", reason="", ip_address="10.0.0.1", user_agent="Mozilla/5.0")
    names = columns()
    previous = GENESIS_HASH
    for number in range(1, count + 1):
        action, object_type, _weight = rng.choices(ACTIONS, weights=weights)[0]
        actor = rng.randrange(1, 5000)
        entry.id, entry.at, entry.prev_hash = number, start + step * (number - 1), previous
        entry.actor_id, entry.actor_username, entry.agency_id = actor, f"canbo{actor}", rng.randrange(1, 500)
        entry.action, entry.object_type = action, object_type
        entry.object_id = str(rng.randrange(1, CASES)) if object_type else ""
        entry.changes = {"status": ["verifying", "being_identified"]} if action == "case.update" else {}
        entry.entry_hash = previous = entry.compute_hash()
        yield tuple(json.dumps(entry.changes) if name == "changes" else getattr(entry, name) for name in names)


def fill(count: int, seed: int) -> dict:
    from django.db import connections, transaction

    from trove.core.audit_partitions import current_year, ensure_partitions

    listed = ", ".join(columns())
    ensure_partitions(range(current_year() - 4, current_year() + 2))  # as on an installation running since then
    started = time.monotonic()
    with transaction.atomic(), connections["default"].cursor() as cursor:
        with cursor.cursor.copy(f"COPY core_auditentry ({listed}) FROM STDIN") as stream:
            for row in rows(count, seed):
                stream.write_row(row)
    filled = time.monotonic() - started
    started = time.monotonic()
    source, target = connections["default"], connections[PLAIN]
    with transaction.atomic(), transaction.atomic(using=PLAIN), source.cursor() as out, target.cursor() as into:
        with (
            out.cursor.copy(f"COPY (SELECT {listed} FROM core_auditentry) TO STDOUT") as read,  # noqa: S608
            into.cursor.copy(f"COPY core_auditentry ({listed}) FROM STDIN") as write,
        ):
            for block in read:
                write.write(block)
    copied = time.monotonic() - started
    for alias in ("default", PLAIN):
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('core_auditentry', 'id'), max(id)) FROM core_auditentry"
            )
            cursor.execute("VACUUM ANALYZE core_auditentry")
    return {"fill_and_hash_s": round(filled, 1), "copy_to_plain_s": round(copied, 1)}


def size_mb(alias: str) -> float:
    from django.db import connections

    with connections[alias].cursor() as cursor:
        # A plain table has no partition tree: then its own size.
        cursor.execute(
            "SELECT coalesce(sum(pg_total_relation_size(relid)), pg_total_relation_size('core_auditentry')) "
            "FROM pg_partition_tree('core_auditentry')"
        )
        return round(int(cursor.fetchone()[0]) / 1024 / 1024, 1)


def appends(count: int) -> dict:
    from django.db import router

    from trove.core import audit

    times: dict[str, list[float]] = {"default": [], PLAIN: []}
    for number in range(count):
        for alias in ("default", PLAIN):
            with mock.patch.object(router, "db_for_write", return_value=alias):
                started = time.perf_counter()
                audit.record("identity.view", object_type="cases.case", object_id=str(number), role="caseworker")
                times[alias].append((time.perf_counter() - started) * 1000)
    return {"partitioned": summary(times["default"]), "plain": summary(times[PLAIN])}


def page_queries(alias: str, **filters) -> int:
    """The audit page's queries for an auditor whose scope covers everything: the count and the first page."""
    from django.core.paginator import Paginator

    from trove.core.models.audit import AuditEntry

    entries = AuditEntry.objects.using(alias).filter(**filters).order_by("-id").select_related("agency")
    page = Paginator(entries, 50).get_page(1)
    return len(list(page))


def pages(runs: int, seed: int) -> dict:
    from django.utils import timezone

    from trove.core.audit_views import _start_of

    rng = random.Random(seed + 1)  # noqa: S311 - synthetic data
    week = {"at__gte": _start_of(timezone.localdate() - datetime.timedelta(days=6))}
    results = {}
    for name, choose in (
        ("one record's history", lambda: {"object_type": "cases.case", "object_id": str(rng.randrange(1, CASES))}),
        ("the last 7 days", lambda: week),
    ):
        times: dict[str, list[float]] = {"default": [], PLAIN: []}
        shown = []
        page_queries("default", **choose())  # warm both once
        page_queries(PLAIN, **choose())
        for _run in range(runs):
            filters = choose()
            for alias in ("default", PLAIN):
                started = time.perf_counter()
                shown.append(page_queries(alias, **filters))
                times[alias].append((time.perf_counter() - started) * 1000)
        results[name] = {
            "partitioned": summary(times["default"]),
            "plain": summary(times[PLAIN]),
            "entries_on_the_page_p50": statistics.median(shown),
        }
    return results


def plans() -> dict:
    """EXPLAIN ANALYZE of record()'s look-up of the last entry and of the page's queries, on both tables."""
    from django.utils import timezone

    from trove.core.audit_views import _start_of
    from trove.core.models.audit import AuditEntry

    week = _start_of(timezone.localdate() - datetime.timedelta(days=6))
    queries = {
        "record(): the last entry": lambda alias: (
            AuditEntry.objects.using(alias).order_by("-id").values_list("id", "entry_hash")[:1]
        ),
        "page: the entries counted, last 7 days": lambda alias: (
            AuditEntry.objects.using(alias).filter(at__gte=week).values("pk")
        ),
        "page: first 50, last 7 days": lambda alias: (
            AuditEntry.objects.using(alias).filter(at__gte=week).order_by("-id")[:50]
        ),
        "page: first 50, one record": lambda alias: (
            AuditEntry.objects.using(alias).filter(object_type="cases.case", object_id="4242").order_by("-id")[:50]
        ),
    }
    found = {}
    for name, query in queries.items():
        for alias in ("default", PLAIN):
            plan = query(alias).explain(analyze=True)
            found[f"{name} ({'partitioned' if alias == 'default' else 'plain'})"] = plan
            print(f"--- {name}, {alias}\n{plan}", flush=True)
    return {name: plan.splitlines()[-1] for name, plan in found.items()}  # the execution time lines


def verify(alias: str) -> float:
    from django.core.management import call_command
    from django.db import connections

    from trove.core.models.audit import AuditEntry

    started = time.monotonic()
    if alias == "default":
        call_command("audit_verify", stdout=io.StringIO())
    else:  # the same walk on the plain table
        from trove.core.audit_chain import ChainWalk

        walk = ChainWalk()
        for entry in AuditEntry.objects.using(alias).order_by("id").iterator(chunk_size=2000):
            walk.step(entry)
        connections[alias].close()
    return round(time.monotonic() - started, 1)


def archive_against_delete() -> dict:
    from django.db import connections, transaction

    from trove.core import audit_archive
    from trove.core.audit_partitions import local_year, year_start
    from trove.core.models.audit import AuditEntry

    oldest = local_year(AuditEntry.objects.order_by("at").values_list("at", flat=True).first())
    bounds = [year_start(oldest), year_start(oldest + 1)]
    commit_time = {}
    real_commit = audit_archive._commit

    def timed_commit(*args, **kwargs):
        started = time.monotonic()
        real_commit(*args, **kwargs)
        commit_time["s"] = time.monotonic() - started

    with tempfile.TemporaryDirectory() as folder, mock.patch.object(audit_archive, "_commit", timed_commit):
        started = time.monotonic()
        segment = audit_archive.archive_year(oldest, Path(folder), archived_by="bench")
        archived = time.monotonic() - started
        file_mb = (Path(folder) / segment.file_name).stat().st_size / 1024 / 1024
    # The plain table's only way to lose a year: a DELETE, with the trigger off, committed; then the VACUUM that
    # makes the space reusable (the file does not shrink).
    started = time.monotonic()  # to the commit included
    with transaction.atomic(using=PLAIN), connections[PLAIN].cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
        cursor.execute("DELETE FROM core_auditentry WHERE at >= %s AND at < %s", bounds)
        deleted_rows = cursor.rowcount
        cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")
    deleted = time.monotonic() - started
    started = time.monotonic()
    with connections[PLAIN].cursor() as cursor:
        cursor.execute("VACUUM core_auditentry")
    vacuumed = time.monotonic() - started
    return {
        "year": oldest,
        "entries": segment.entry_count,
        "archive_s": round(archived, 1),
        "archive_detach_and_drop_s": round(commit_time["s"], 2),
        "archive_file_mb": round(file_mb, 1),
        "plain_delete_s": round(deleted, 1),
        "plain_vacuum_after_delete_s": round(vacuumed, 1),
        "plain_deleted_rows": deleted_rows,
    }


def migration_on_plain() -> float:
    """Migration 0008 on the plain table's rows, rolled back: how long an installation's upgrade locks the log."""
    from django.db import connections, transaction

    migration = importlib.import_module("trove.core.migrations.0008_auditentry_partitioned")
    with transaction.atomic(using=PLAIN):
        started = time.monotonic()
        migration.partition(None, SimpleNamespace(connection=connections[PLAIN]))
        took = time.monotonic() - started
        transaction.set_rollback(True, using=PLAIN)
    return round(took, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description="The audit log partitioned by year against one plain table.")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=200)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-fill", action="store_true", help="reuse the two databases of an earlier run")
    args = parser.parse_args()

    import django

    from trove.env import database_from_url

    name = database_from_url(os.environ.get("DATABASE_URL", ""), default_sqlite=Path("unused"))["NAME"]
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or "bench" not in str(name):
        raise SystemExit(
            "Set DATABASE_URL to a PostgreSQL database whose name contains 'bench': it is dropped and "
            "made again, with a second one beside it named <name>_plain."
        )
    plain_name = f"{name}_plain"
    if not args.skip_fill:
        create_databases([name, plain_name])
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from bench.run import machine

    add_plain_alias(plain_name)
    results: dict = {
        "scenario": "audit_log",
        "entries": args.entries,
        "date": timezone.localdate().isoformat(),
        "machine": machine(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "plain": "a second database migrated, then back to core 0007 (0008's reverse)",
    }
    if not args.skip_fill:
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        call_command("migrate", verbosity=0, database=PLAIN)
        call_command("migrate", "core", "0007", verbosity=0, database=PLAIN)
        results["migrate_both_s"] = round(time.monotonic() - started, 1)
        results.update(fill(args.entries, args.seed))
        print(json.dumps(results, ensure_ascii=False), flush=True)
    results["size_mb_before_archive"] = {"partitioned": size_mb("default"), "plain": size_mb(PLAIN)}
    results["record_append"] = appends(args.appends)
    print("record():", results["record_append"], flush=True)
    results["audit_page"] = pages(args.runs, args.seed)
    print("page:", results["audit_page"], flush=True)
    results["plans"] = plans()
    results["audit_verify_s"] = {"partitioned": verify("default"), "plain": verify(PLAIN)}
    print("verify:", results["audit_verify_s"], flush=True)
    results["migration_0008_on_plain_s"] = migration_on_plain()
    print("migration 0008:", results["migration_0008_on_plain_s"], flush=True)
    results["archive_oldest_year"] = archive_against_delete()
    print("archive:", results["archive_oldest_year"], flush=True)
    results["size_mb_after_archive_or_delete"] = {"partitioned": size_mb("default"), "plain": size_mb(PLAIN)}
    results["audit_verify_after_archive_s"] = verify("default")
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(results, ensure_ascii=False, indent=2))
    with (ROOT / "bench" / "results.jsonl").open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(results, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
