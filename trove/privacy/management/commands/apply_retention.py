"""Archive the closed cases whose retention period (``CASE_ARCHIVE_AFTER_DAYS``) has passed (docs/deploy.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from trove.privacy.actions import archive_closed_cases


class Command(BaseCommand):
    help = "Archive closed cases older than CASE_ARCHIVE_AFTER_DAYS (read-only, out of daily lists); resumable."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the cases due, change nothing.")
        parser.add_argument("--batch-size", type=int, default=200, help="Cases per transaction (default 200).")

    def handle(self, *args, dry_run: bool, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        counts = archive_closed_cases(batch_size=batch_size, dry_run=dry_run)
        days = settings.CASE_ARCHIVE_AFTER_DAYS
        if dry_run:
            self.stdout.write(f"Dry run: {counts['due']} closed case(s) are older than {days} days and would be "
                              "archived; nothing was changed.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Archived {counts['archived']} case(s) closed more than {days} days ago, in {counts['batches']} "
                "batch(es)."))
        if counts["closed_without_date"]:
            self.stdout.write(f"{counts['closed_without_date']} closed case(s) have no closing date on their "
                              "timeline and were left as they are.")
