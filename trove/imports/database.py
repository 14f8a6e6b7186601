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
    """Let PostgreSQL's planner see how the tables an import writes have grown. An import adds rows faster than
    autovacuum analyses them (if it runs at all), and with the statistics of a small table the look-ups by ID number,
    blocking key and fingerprint read whole tables instead of their indexes."""
    if connection.vendor != "postgresql":
        return
    from trove.cases.models import Case, CaseEvent, Intake
    from trove.imports.models import ImportedRecord, RowNote
    from trove.people.models import MatchKey, NameToken, Person
    from trove.verification.models import VerificationStep

    # Every table a batch grows, not only those the duplicate check reads: the foreign keys of the rows a batch
    # writes are checked when it commits, by look-ups planned from these statistics too. Analysed while nearly empty,
    # a table is scanned whole for each key: commits then took seconds, growing with every batch.
    grown = (Person, MatchKey, NameToken, Case, Intake, VerificationStep, CaseEvent, ImportedRecord, RowNote)
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in grown)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
