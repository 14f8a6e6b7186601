"""Create the audit log's yearly partitions ahead of time (PostgreSQL; docs/deploy.md, cron).

``manage.py audit_partitions`` makes sure this year and the next ``--years`` years (default 1) have a partition of
their own, creating those that are missing; it is safe to run as often as you like. Entries of a year without a
partition go to the DEFAULT partition, which keeps recording working but leaves them out of their year; when that has
happened the command says so and exits non-zero, and ``--move-default`` moves them into their own partitions.
SQLite has no partitions: the command says so and does nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from trove.core import audit
from trove.core.audit_partitions import (
    PartitionError,
    current_year,
    ensure_partitions,
    move_out_of_default,
    partition_name,
)


class Command(BaseCommand):
    help = "Create the audit log's partitions for this year and the next years (PostgreSQL); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=1, help="how many years after this one (default 1)")
        parser.add_argument(
            "--move-default",
            action="store_true",
            help="move entries found in the DEFAULT partition into partitions of their own years",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, years: int, move_default: bool, database: str, verbosity: int, **options):
        self.quiet = verbosity == 0
        if connections[database].vendor != "postgresql":
            self.say(
                "Partitioning the audit log is for PostgreSQL only; on "
                f"{connections[database].vendor} it stays one table. Nothing to do."
            )
            return
        if years < 0:
            raise CommandError("--years must be 0 or more.")
        try:
            if move_default:
                self.move_default(database)
            this_year = current_year()
            outcome = ensure_partitions(range(this_year, this_year + years + 1), using=database)
        except PartitionError as error:
            raise CommandError(str(error)) from None
        for year, created in outcome.items():
            self.say(f"{partition_name(year)}: {'created' if created else 'exists'} ({year}).")

    def move_default(self, database: str) -> None:
        with transaction.atomic(using=database):
            moved = move_out_of_default(using=database)
            if moved:
                audit.record(
                    "audit.partitions_moved",
                    reason="entries moved out of the DEFAULT partition",
                    changes={str(year): [None, count] for year, count in moved.items()},
                )
        for year, count in moved.items():
            self.say(f"{count} entries of {year} moved from the DEFAULT partition to {partition_name(year)}.")
        if not moved:
            self.say("The DEFAULT partition holds no entries; nothing to move.")

    def say(self, line: str) -> None:
        if not self.quiet:
            self.stdout.write(line)
