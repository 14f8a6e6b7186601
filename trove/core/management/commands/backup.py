"""Write an encrypted archive of the whole installation (database and private files); see trove.core.backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trove.core.backup import BackupError, backup, default_name


class Command(BaseCommand):
    help = "Write an encrypted archive of every table and private file. Keep the encryption keys separately."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", type=Path, default=None,
                            help="Archive file to write (default: ./trove-DATE.backup).")

    def handle(self, *args, **options) -> None:
        out = options["out"] or Path(default_name())
        if out.exists():
            raise CommandError(f"{out} exists already; choose a new file name. Nothing was written.")
        try:
            manifest = backup(out)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["counts"].values())
        self.stdout.write(self.style.SUCCESS(f"Backup written to {out}: {rows} rows, {len(manifest['files'])} files."))
