"""Move the oldest year of the audit log to a file and out of the database (PostgreSQL; docs/deploy.md).

``manage.py audit_archive --year 2023 --to /var/backups/trove/audit`` writes ``audit-2023.jsonl.gz`` and
``audit-2023.manifest.json`` there, checks them, records the checkpoint and an ``audit.archive`` entry, and drops the
year's partition (``trove.core.audit_archive``). Only the oldest year still in the database, entirely past and older
than the ``AUDIT_ONLINE_YEARS`` kept online; anything wrong and nothing is changed, with a message and a non-zero exit.
``--dry-run`` checks the year's chain and says what would be archived, writing nothing. Run it as the database owner.
"""

from __future__ import annotations

import getpass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from trove.core.audit_archive import ArchiveError, archive_year, file_names


class Command(BaseCommand):
    help = "Archive the oldest year of the audit log to a gzip JSON Lines file and drop its partition (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--to", type=Path, required=True, help="the folder the archive files are written to")
        parser.add_argument("--user", help="the username the archive is recorded under (default: the system user)")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, year: int, to: Path, user: str | None, dry_run: bool, database: str, **options):
        actor = None
        if user:
            actor = get_user_model().objects.using(database).filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user is named {user!r}.")
        archived_by = user or _system_user()
        try:
            segment = archive_year(year, to, archived_by=archived_by, actor=actor, dry_run=dry_run, using=database)
        except ArchiveError as error:
            raise CommandError(str(error)) from None
        data_name, manifest_name = file_names(year)
        summary = f"{segment.entry_count} entries of {year}, numbers {segment.first_id}–{segment.last_id}, chain intact"
        if dry_run:
            self.stdout.write(
                f"Dry run: {summary}; they would go to {to / data_name} and the partition would be "
                "dropped. Nothing was written."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Archived {summary}: {to / data_name} (SHA-256 {segment.file_sha256}) and {manifest_name}; the "
                f"partition of {year} is dropped. Keep both files with the backups, off the database server."
            )
        )


def _system_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
