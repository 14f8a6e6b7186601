"""Import a legacy list from the command line, with the same checks, duplicate links and audit as the wizard.

    manage.py import_legacy FILE --kind persons --user USERNAME --agency ID [--sheet NAME] [--mapping NAME]
        [--set channel=returned_self] [--save-mapping NAME] [--dry-run] [--report report.xlsx] [--resume BATCH]

Shows a progress bar on the terminal and exits with status 1 when rows failed (2 when the import could not start).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from trove.agencies.models import Agency
from trove.core.models import User
from trove.imports import actions, engine, headers
from trove.imports.models import ColumnMapping, ImportBatch
from trove.imports.registry import all_kinds, get_kind
from trove.imports.selectors import sheet_samples


class TerminalProgress:
    """What the engine reports to, drawn as "\\r1200/5000 rows" on one terminal line."""

    def __init__(self, stream, report_path: str | None) -> None:
        self.stream, self.report_path = stream, report_path
        self.total, self.done = None, 0

    def _draw(self, end: str = "") -> None:
        total = f"/{self.total}" if self.total else ""
        self.stream.write(f"\r{self.done}{total} rows{end}")
        self.stream.flush()

    def start(self, *, total=None, message: str = "") -> None:
        self.total, self.done = total, 0
        self._draw()

    def advance(self, count: int = 1, *, message=None) -> None:
        self.done += count
        self._draw()

    def attach(self, name: str, content_type: str, content: bytes) -> None:
        if self.report_path:
            Path(self.report_path).write_bytes(content)

    def finish(self, *, summary=None, message: str = "") -> None:
        self._draw("\n")
        if message:
            self.stream.write(message + "\n")


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


class Command(BaseCommand):
    help = "Import a legacy Excel/CSV list (persons and cases, suspected victims, missing persons)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", help="The .xlsx, .xls or .csv file (not needed with --resume).")
        parser.add_argument("--kind", choices=[kind.code for kind in all_kinds()], default="persons")
        parser.add_argument("--user", required=True, help="Username of the member who imports.")
        parser.add_argument("--agency", required=True, type=int, help="Id of the agency the records belong to.")
        parser.add_argument("--sheet", help="The sheet to read (the first one by default).")
        parser.add_argument("--header-row", type=int, help="Row of the column headings (found by itself if not given).")
        parser.add_argument("--header-rows", type=int, help="How many rows the headings take (1 to 3).")
        parser.add_argument("--mapping", help="Name of a column mapping the agency saved in the wizard.")
        parser.add_argument("--save-mapping", help="Save the mapping used under this name.")
        parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                            help="A value for rows whose cell is empty, e.g. channel=returned_self.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and save nothing.")
        parser.add_argument("--report", help="Write the report workbook (it holds the rows: keep it safe) here.")
        parser.add_argument("--resume", type=int, metavar="BATCH", help="Resume an import that stopped.")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, choices=["vi", "en"])

    def handle(self, *args, **options) -> None:
        with translation.override(options["language"]):
            self._handle(options)

    def _handle(self, options) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        agency = Agency.objects.filter(pk=options["agency"]).select_related("unit").first()
        if user is None or agency is None:
            raise CommandError("No such active user or agency.", returncode=2)
        progress = TerminalProgress(self.stdout, options["report"])
        try:
            if options["resume"]:
                batch = ImportBatch.objects.filter(pk=options["resume"], owner_agency=agency).first()
                if batch is None:
                    raise CommandError("This agency has no such import.", returncode=2)
                batch = actions.batch_resume(acting_user=user, batch=batch, background=False)
                batch = engine.execute(batch=batch, acting_user=user, token=batch.run_token, progress=progress)
                failed = batch.failed_count
            else:
                batch = self._prepare(user, agency, options)
                failed = self._run(user, batch, options, progress)
        except (PermissionDenied, ValidationError) as error:
            message = _messages(error) if isinstance(error, ValidationError) else "Permission denied."
            raise CommandError(message, returncode=2) from error
        if failed:
            raise CommandError(f"{failed} row(s) failed; the report says why.", returncode=1)

    def _prepare(self, user, agency, options) -> ImportBatch:
        if not options["file"]:
            raise CommandError("Give the file to import, or --resume BATCH.", returncode=2)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError("The file does not exist.", returncode=2)
        kind = get_kind(options["kind"])
        batch = actions.batch_create(acting_user=user, agency=agency, kind=kind.code, file_name=path.name,
                                     content=path.read_bytes(), max_bytes=None)
        sheet = options["sheet"] or sheet_samples(batch, rows=1)[0].name
        batch = actions.batch_choose_sheet(acting_user=user, batch=batch, sheet=sheet, header_row=options["header_row"],
                                           header_rows=options["header_rows"])
        mapping, defaults = dict(batch.mapping), {}
        if options["mapping"]:
            saved = ColumnMapping.objects.filter(agency=agency, kind=kind.code, name=options["mapping"]).first()
            if saved is None:
                raise CommandError("The agency has no saved mapping of this name for this kind.", returncode=2)
            mapping, missing = headers.apply_saved(saved.columns, batch.columns or [])
            defaults = dict(saved.defaults)
            if missing:
                self.stderr.write(f"Columns of the saved mapping not in this file: {', '.join(missing)}")
        for item in options["set"]:
            name, _sep, value = item.partition("=")
            defaults[name.strip()] = value.strip()
        batch = actions.batch_set_mapping(acting_user=user, batch=batch, mapping=mapping, defaults=defaults,
                                          save_as=options["save_mapping"] or "")
        columns = batch.columns or []
        self.stdout.write(f"Import {batch.pk}: sheet rows from {batch.first_data_row}; columns: " + ", ".join(
            f"{name}={columns[column]!s}" for name, column in sorted(batch.mapping.items(), key=lambda i: i[1])))
        return batch

    def _run(self, user, batch: ImportBatch, options, progress: TerminalProgress) -> int:
        if options["dry_run"]:
            counts = engine.check(batch=batch, acting_user=user, progress=progress)
            actions.batch_abandon(acting_user=user, batch=batch)
            return counts.get("failed", 0)
        batch = actions.batch_start(acting_user=user, batch=batch, background=False)
        try:
            batch = engine.execute(batch=batch, acting_user=user, token=batch.run_token, progress=progress)
        except KeyboardInterrupt:
            sys.stderr.write(f"\nStopped. Resume with --resume {batch.pk}.\n")
            raise
        return batch.failed_count
