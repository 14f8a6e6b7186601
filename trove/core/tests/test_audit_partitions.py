"""The audit log's yearly partitions (PostgreSQL): where entries land, the trigger on every partition, the migration's
rebuild and ``manage.py audit_partitions``.

Partitions are created with DDL inside each test's transaction, so the rollback removes them again: no test sees
another's partitions.
"""

import datetime
import importlib
import io
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from trove.core import audit
from trove.core.audit_partitions import (
    DEFAULT_PARTITION,
    TABLE,
    current_year,
    ensure_partitions,
    is_partitioned,
    partition_name,
    year_partitions,
)
from trove.core.models.audit import AuditEntry
from trove.core.tests.test_audit import verify

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite message")
VIETNAM = datetime.timezone(datetime.timedelta(hours=7))


def record_at(when: datetime.datetime, action: str = "case.update", **kwargs) -> AuditEntry:
    with mock.patch("django.utils.timezone.now", return_value=when):
        return audit.record(action, **kwargs)


def partitions_of_entries() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, tableoid::regclass::text FROM {TABLE} ORDER BY id")
        return dict(cursor.fetchall())


def run(*args) -> str:
    out = io.StringIO()
    call_command("audit_partitions", *args, stdout=out)
    return out.getvalue()


def refused(sql: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as error:
        return "append-only" in str(error)
    return False


@on_postgresql
@pytest.mark.django_db
class TestPartitionedTable:
    def test_it_is_partitioned_with_this_and_next_year_and_a_default(self):
        this = current_year()
        assert is_partitioned()
        assert {this, this + 1} <= set(year_partitions())
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [DEFAULT_PARTITION])
            assert cursor.fetchone()[0]
            cursor.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s", [f"{TABLE}_pkey"])
            assert cursor.fetchone()[0] == "PRIMARY KEY (id, at)"

    def test_entries_land_in_their_local_years_partition(self):
        this = current_year()
        ensure_partitions([this - 2, this - 1])
        entries = [
            record_at(datetime.datetime(this - 2, 3, 1, 9, tzinfo=VIETNAM)),
            # 23:30 on 31 December in Hà Nội is still the old year; 00:30 on 1 January is the new one (UTC: 17:30).
            record_at(datetime.datetime(this - 2, 12, 31, 23, 30, tzinfo=VIETNAM)),
            record_at(datetime.datetime(this - 1, 1, 1, 0, 30, tzinfo=VIETNAM)),
            record_at(datetime.datetime(this, 6, 1, 12, tzinfo=VIETNAM)),
            record_at(datetime.datetime(this + 9, 6, 1, 12, tzinfo=VIETNAM)),  # no partition of its own
        ]

        assert partitions_of_entries() == {
            entries[0].pk: partition_name(this - 2),
            entries[1].pk: partition_name(this - 2),
            entries[2].pk: partition_name(this - 1),
            entries[3].pk: partition_name(this),
            entries[4].pk: DEFAULT_PARTITION,
        }
        assert list(AuditEntry.objects.filter(at__year=this - 2).values_list("pk", flat=True)) == [1, 2]
        assert verify().startswith("5 entries, chain intact")

    def test_every_partition_refuses_update_and_delete_by_raw_sql(self):
        this = current_year()
        run("--years", "3")  # a partition made after the migration
        for when in (
            datetime.datetime(this, 6, 1, tzinfo=VIETNAM),
            datetime.datetime(this + 3, 6, 1, tzinfo=VIETNAM),
            datetime.datetime(this + 20, 6, 1, tzinfo=VIETNAM),
        ):
            record_at(when, reason="kept")
        for table in (partition_name(this), partition_name(this + 3), DEFAULT_PARTITION, TABLE):
            assert refused(f"UPDATE {table} SET reason = 'changed'"), table
            assert refused(f"DELETE FROM {table}"), table
        assert list(AuditEntry.objects.values_list("reason", flat=True)) == ["kept", "kept", "kept"]
        assert verify().startswith("3 entries, chain intact")

    def test_a_number_used_twice_is_found_although_the_database_would_take_it(self):
        # The primary key is (id, at): an entry copied with another time is a row PostgreSQL accepts.
        for day in (1, 2, 3):
            record_at(datetime.datetime(current_year(), 2, day, tzinfo=VIETNAM))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (id, at, actor_username, role, action, object_type, object_id, changes, reason, "
                "ip_address, user_agent, prev_hash, entry_hash) SELECT id, at + interval '1 second', actor_username, "
                f"role, action, object_type, object_id, changes, reason, ip_address, user_agent, prev_hash, entry_hash "
                f"FROM {TABLE} WHERE id = 2"
            )

        with pytest.raises(CommandError, match="Audit entry 2 is broken"):
            verify()

    def test_the_page_filters_on_the_time_so_that_postgresql_reads_only_the_years_asked_for(self):
        this = current_year()
        ensure_partitions([this - 2, this - 1])
        with connection.cursor() as cursor:
            cursor.execute(
                f"EXPLAIN SELECT id FROM {TABLE} WHERE at >= %s AND at < %s",
                [datetime.datetime(this - 1, 5, 1, tzinfo=VIETNAM), datetime.datetime(this - 1, 5, 8, tzinfo=VIETNAM)],
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert partition_name(this - 1) in plan
        assert partition_name(this - 2) not in plan and partition_name(this) not in plan


def _migration():
    return importlib.import_module("trove.core.migrations.0008_auditentry_partitioned")


def _index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = to_regclass(%s)", [table])
        return {row[0] for row in cursor.fetchall()}


@on_postgresql
@pytest.mark.django_db
def test_the_migration_rebuilds_the_table_both_ways_keeping_rows_indexes_and_trigger():
    """Run in the test's transaction, which PostgreSQL rolls back with the DDL."""
    this = current_year()
    ensure_partitions([this - 3])
    record_at(datetime.datetime(this - 3, 2, 1, tzinfo=VIETNAM))
    record_at(datetime.datetime(this, 2, 1, tzinfo=VIETNAM))
    indexes = _index_names(TABLE)
    editor = SimpleNamespace(connection=connection)

    _migration().unpartition(None, editor)

    assert not is_partitioned()
    assert _index_names(TABLE) == indexes
    assert record_at(datetime.datetime(this - 5, 2, 1, tzinfo=VIETNAM)).pk == 3  # an entry older than the others
    assert refused(f"DELETE FROM {TABLE}")

    _migration().partition(None, editor)

    assert is_partitioned()
    assert set(year_partitions()) == set(range(this - 5, this + 2))  # from the oldest entry's year to next year
    assert _index_names(TABLE) == indexes
    assert list(partitions_of_entries().values()) == [
        partition_name(this - 3),
        partition_name(this),
        partition_name(this - 5),
    ]
    assert refused(f"DELETE FROM {partition_name(this - 5)}")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_get_serial_sequence('{TABLE}', 'id')")
        assert cursor.fetchone()[0] == f"public.{TABLE}_id_seq"
    assert record_at(datetime.datetime(this, 3, 1, tzinfo=VIETNAM)).pk == 4
    assert verify().startswith("4 entries, chain intact")


@on_postgresql
@pytest.mark.django_db
class TestAuditPartitionsCommand:
    def test_it_creates_the_missing_years_once(self):
        this = current_year()

        first = run("--years", "3")
        second = run("--years", "3")

        assert f"{partition_name(this + 2)}: created" in first and f"{partition_name(this + 3)}: created" in first
        assert f"{partition_name(this)}: exists" in first
        assert "created" not in second
        assert second.count("exists") == 4
        assert set(range(this, this + 4)) <= set(year_partitions())

    def test_entries_stranded_in_the_default_partition_are_explained_and_can_be_moved(self):
        this = current_year()
        stranded = record_at(datetime.datetime(this + 2, 6, 1, tzinfo=VIETNAM))
        record_at(datetime.datetime(this, 6, 1, tzinfo=VIETNAM))

        with pytest.raises(CommandError, match=r"DEFAULT partition .*holds entries \(1 of \d{4}\).*--move-default"):
            run("--years", "3")
        assert this + 3 not in year_partitions()  # all or nothing

        out = run("--years", "3", "--move-default")

        assert f"1 entries of {this + 2} moved from the DEFAULT partition to {partition_name(this + 2)}" in out
        assert partitions_of_entries()[stranded.pk] == partition_name(this + 2)
        moved = AuditEntry.objects.get(action="audit.partitions_moved")
        assert moved.changes == {str(this + 2): [None, 1]}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {DEFAULT_PARTITION}")
            assert cursor.fetchone()[0] == 0
        record_at(datetime.datetime(this + 30, 1, 1, tzinfo=VIETNAM))
        assert refused(f"UPDATE {DEFAULT_PARTITION} SET reason = 'x'")  # the trigger came back with it
        assert verify().startswith("4 entries, chain intact")


@on_sqlite
@pytest.mark.django_db
def test_on_sqlite_it_says_partitioning_is_for_postgresql_and_succeeds():
    assert "PostgreSQL only" in run()


@on_sqlite
@pytest.mark.django_db
def test_on_sqlite_archiving_is_refused_with_the_reason(tmp_path):
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("audit_archive", "--year", "2020", "--to", str(tmp_path), stdout=io.StringIO())
    assert not list(tmp_path.iterdir())
