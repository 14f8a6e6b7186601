"""Restore an archive written by `backup` into a new, migrated installation; all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trove.core.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore an archive made by `backup` into a migrated installation without data of its own (reference data "
            "is replaced). Needs the same FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY as the installation that made it.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args, **options) -> None:
        path = options["archive"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            manifest = restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["counts"].values())
        self.stdout.write(self.style.SUCCESS(
            f"Restored the archive of {manifest['created_at']}: {rows} rows, {len(manifest['files'])} files."))
