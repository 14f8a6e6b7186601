"""What the import asks of PostgreSQL besides its rows: batches that commit without waiting for the disk, and fresh
planner statistics for the tables it grows. Both do nothing on other databases."""

from __future__ import annotations

from django.db import connection


def commit_without_waiting_for_disk() -> None:
    """On PostgreSQL, let this batch's commit return before its WAL reaches the disk (``synchronous_commit`` off for
    this transaction only). A crash of the database server may then lose the last batches committed, never part of
    one: the import's last row goes back with them, and resuming imports them again. The end of the import
    (``batch_finish``) commits normally, which also makes every batch before it durable."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def refresh_statistics() -> None:
    """Let PostgreSQL's planner see how the tables the duplicate check reads have grown. An import adds rows faster
    than autovacuum analyses them (if it runs at all), and with the statistics of a small table the look-ups by ID
    number, blocking key and fingerprint read whole tables instead of their indexes."""
    if connection.vendor != "postgresql":
        return
    from trove.imports.models import ImportedRecord
    from trove.people.models import MatchKey, Person

    tables = ", ".join(connection.ops.quote_name(model._meta.db_table)
                       for model in (Person, MatchKey, ImportedRecord))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
