"""The audit log's yearly partitions on PostgreSQL (docs/deploy.md, "The audit log's partitions and archives").

``core_auditentry`` is partitioned by range of ``at`` (migration 0008): one partition a calendar year in the
installation's time zone — ``core_auditentry_y2026`` holds 2026-01-01 00:00 up to 2027-01-01 00:00 in
Asia/Ho_Chi_Minh — and a DEFAULT partition that takes an entry of a year without a partition of its own, so that
recording never fails for want of one. ``manage.py audit_partitions`` creates the coming years' partitions ahead of
time; ``manage.py audit_archive`` removes the oldest year's once it is in a file.

The append-only trigger is defined on the partitioned table, so PostgreSQL puts it on every partition, those created
later and the DEFAULT one included. Creating, detaching and dropping partitions is DDL, which needs the table's owner.
SQLite has one plain table; these functions are for PostgreSQL only.
"""

from __future__ import annotations

import datetime
import re

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

TABLE = "core_auditentry"
DEFAULT_PARTITION = f"{TABLE}_default"
_YEAR_PARTITION = re.compile(rf"^{TABLE}_y(\d{{4}})$")


class PartitionError(Exception):
    """A partition cannot be created, moved or dropped; the message says why and what to do."""


def partition_name(year: int) -> str:
    return f"{TABLE}_y{int(year)}"


def year_start(year: int) -> datetime.datetime:
    """Midnight of 1 January in the installation's time zone, the lower bound of the year's partition."""
    return datetime.datetime(int(year), 1, 1, tzinfo=timezone.get_default_timezone())


def local_year(instant: datetime.datetime) -> int:
    return timezone.localtime(instant, timezone.get_default_timezone()).year


def current_year() -> int:
    return local_year(timezone.now())


def is_partitioned(using: str = DEFAULT_DB_ALIAS) -> bool:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [TABLE])
        return cursor.fetchone() is not None


def year_partitions(using: str = DEFAULT_DB_ALIAS) -> dict[int, str]:
    """The yearly partitions that exist, by year."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    return {int(match[1]): name for name in names if (match := _YEAR_PARTITION.match(name))}


def default_years(using: str = DEFAULT_DB_ALIAS) -> dict[int, int]:
    """How many entries of each year the DEFAULT partition holds (none when all is well)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT extract(year FROM at AT TIME ZONE %s)::int, count(*) FROM {DEFAULT_PARTITION} "  # noqa: S608
            "GROUP BY 1 ORDER BY 1",
            [timezone.get_default_timezone_name()],
        )
        return dict(cursor.fetchall())


def create_year_partition(cursor, year: int) -> None:
    """Create the year's partition (on the caller's cursor; the caller checks that it is missing)."""
    start, end = year_start(year).isoformat(), year_start(year + 1).isoformat()
    cursor.execute(f"CREATE TABLE {partition_name(year)} PARTITION OF {TABLE} FOR VALUES FROM ('{start}') TO ('{end}')")


def create_default_partition(cursor) -> None:
    cursor.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT")


def ensure_partitions(years, *, using: str = DEFAULT_DB_ALIAS) -> dict[int, bool]:
    """Create the partitions of ``years`` that are missing: ``{year: created}``. All or none.

    Raises PartitionError when the table is not partitioned, or when the DEFAULT partition holds entries of a year to
    be created (PostgreSQL would refuse the partition: those entries must be moved first, ``move_out_of_default``).
    """
    if not is_partitioned(using):
        raise PartitionError(f"The table {TABLE} is not partitioned: run `manage.py migrate` first (PostgreSQL).")
    existing = year_partitions(using)
    missing = sorted({int(year) for year in years} - set(existing))
    if missing:
        stranded = {year: count for year, count in default_years(using).items() if year in missing}
        if stranded:
            raise PartitionError(_stranded_message(stranded))
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            for year in missing:
                create_year_partition(cursor, year)
    return {int(year): int(year) in missing for year in sorted(set(years))}


def _stranded_message(stranded: dict[int, int]) -> str:
    listed = ", ".join(f"{count:,} of {year}" for year, count in sorted(stranded.items()))
    names = ", ".join(partition_name(year) for year in sorted(stranded))
    return (
        f"The audit log's DEFAULT partition ({DEFAULT_PARTITION}) holds entries ({listed}), so PostgreSQL cannot "
        f"create {names}: a new partition may not take rows that already sit in the DEFAULT one. They were written "
        "while their year had no partition (audit_partitions did not run before the year began, the clock was "
        "wrong, or they were loaded in bulk). Nothing is lost and recording goes on. Move them into their own "
        "partitions with `manage.py audit_partitions --move-default` as the database owner, then run this again."
    )


def move_out_of_default(*, using: str = DEFAULT_DB_ALIAS) -> dict[int, int]:
    """Give every year found in the DEFAULT partition its own partition and move its entries there, unchanged.

    One transaction, under an exclusive lock on the log: the DEFAULT partition is detached (PostgreSQL then drops the
    trigger it had cloned from the table), each year's partition created, the year's rows copied into the table (they
    land in the new partition) and removed from the detached table, and the DEFAULT partition attached again (the
    trigger comes back with it). Every row is copied exactly, so the chain is unaffected. ``{year: entries moved}``.
    """
    moved: dict[int, int] = {}
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        years = sorted(default_years(using))
        if not years:
            return moved
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {DEFAULT_PARTITION}")
        existing = year_partitions(using)
        for year in years:
            if year not in existing:
                create_year_partition(cursor, year)
            bounds = [year_start(year), year_start(year + 1)]
            cursor.execute(
                f"INSERT INTO {TABLE} SELECT * FROM {DEFAULT_PARTITION} "  # noqa: S608
                "WHERE at >= %s AND at < %s",
                bounds,
            )
            copied = cursor.rowcount
            cursor.execute(f"DELETE FROM {DEFAULT_PARTITION} WHERE at >= %s AND at < %s", bounds)  # noqa: S608
            if cursor.rowcount != copied:
                raise PartitionError(
                    f"{copied} entries of {year} were copied but {cursor.rowcount} removed from the "
                    "DEFAULT partition; nothing was changed."
                )
            moved[year] = copied
        cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {DEFAULT_PARTITION} DEFAULT")
    return moved


def detach_year_partition(year: int, *, using: str = DEFAULT_DB_ALIAS) -> str:
    """Detach the year's partition inside the caller's transaction and return its name; the caller drops it.

    DDL, which takes the table's exclusive lock until the transaction ends and needs the table's owner. The
    append-only trigger fires for rows changed by UPDATE or DELETE, not for a partition detached or dropped whole.
    """
    name = partition_name(year)
    with connections[using].cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
    return name
