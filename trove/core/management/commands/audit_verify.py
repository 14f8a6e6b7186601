"""Check the audit log's hash chain from the first entry (or the last archive's checkpoint) to the last.

Exit status 0 with "N entries, chain intact", or non-zero (a CommandError, status 1) naming the first broken entry
and what is wrong with it:

- content changed: the entry's stored hash no longer matches its content;
- link broken: its ``prev_hash`` is not the previous entry's hash (that entry was rewritten together with its hash);
- entries deleted: numbers are missing before it (entries are numbered 1, 2, 3… without gaps).

When older years were archived (``manage.py audit_archive``), the checkpoints must follow one another from the
genesis hash, and the live chain must continue the newest: its first entry numbered right after the last archived
one and linked to its hash. ``--archive FILE`` checks an archive file instead: its SHA-256 against its checkpoint,
the chain inside it and its link to the archive before it.

Entries are streamed in id order, so the command runs in constant memory on millions of rows. Deleting the newest
entries leaves no trace in the chain itself; compare the count and last hash with a copy kept elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trove.core.audit_archive import ArchiveError, verify_file
from trove.core.audit_chain import ChainBroken, ChainWalk, checkpoints_problem
from trove.core.models.audit import AuditArchive, AuditEntry


class Command(BaseCommand):
    help = "Verify the audit log's hash chain (or an archive file); exits non-zero naming the first broken entry."

    def add_arguments(self, parser):
        parser.add_argument("--archive", type=Path, help="verify this archive file (audit-YYYY.jsonl.gz) instead")

    def handle(self, *args, archive: Path | None = None, **options):
        if archive is not None:
            return self.verify_archive(archive)
        archives = list(AuditArchive.objects.order_by("first_id"))
        problem = checkpoints_problem(archives)
        if problem:
            raise CommandError(problem)
        walk = ChainWalk.after(archives[-1] if archives else None)
        try:
            for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
                walk.step(entry)
        except ChainBroken as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{walk.count} entries, chain intact; last hash {walk.previous_hash}.")
        if archives:
            archived = sum(item.entry_count for item in archives)
            years = f"{archives[0].year}–{archives[-1].year}" if len(archives) > 1 else str(archives[0].year)
            self.stdout.write(
                f"Before them, {archived} entries ({years}) are archived in {len(archives)} file(s); "
                f"the live chain continues the archive of {archives[-1].year}. Check the files with "
                "`audit_verify --archive FILE`."
            )

    def verify_archive(self, path: Path) -> None:
        try:
            archive, previous = verify_file(path)
        except ArchiveError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{path.name}: {archive.entry_count} entries of {archive.year}, numbers "
            f"{archive.first_id}–{archive.last_id}, SHA-256 as recorded, chain intact and linked to "
            f"{previous}; last hash {archive.last_hash}."
        )
