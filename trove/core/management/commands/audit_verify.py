"""Check the audit log's hash chain from the first entry to the last.

Exit status 0 with "N entries, chain intact", or non-zero (a CommandError, status 1) naming the first broken entry
and what is wrong with it:

- content changed: the entry's stored hash no longer matches its content;
- link broken: its ``prev_hash`` is not the previous entry's hash (that entry was rewritten together with its hash);
- entries deleted: numbers are missing before it (entries are numbered 1, 2, 3… without gaps).

Entries are streamed in id order, so the command runs in constant memory on millions of rows. Deleting the newest
entries leaves no trace in the chain itself; compare the count and last hash with a copy kept elsewhere.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from trove.core.models.audit import GENESIS_HASH, AuditEntry


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits non-zero naming the first broken entry."

    def handle(self, *args, **options):
        count = 0
        previous_id = 0
        previous_hash = GENESIS_HASH
        for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
            problem = _problem(entry, previous_id=previous_id, previous_hash=previous_hash)
            if problem:
                raise CommandError(
                    f"Audit entry {entry.pk} is broken: {problem} (the {count} entries before it are intact)."
                )
            count += 1
            previous_id, previous_hash = entry.pk, entry.entry_hash
        self.stdout.write(f"{count} entries, chain intact; last hash {previous_hash}.")


def _problem(entry: AuditEntry, *, previous_id: int, previous_hash: str) -> str:
    if entry.prev_hash != previous_hash:
        if entry.pk != previous_id + 1:
            missing = f"{previous_id + 1}" if entry.pk == previous_id + 2 else f"{previous_id + 1}–{entry.pk - 1}"
            return f"the entries before it are missing (deleted: {missing}), its link to the previous entry is broken"
        if previous_id == 0:
            return "it is the first entry but does not start the chain (entries before it were deleted)"
        return (
            f"its link to the previous entry is broken: entry {previous_id} was rewritten (hash included) or replaced"
        )
    if entry.pk != previous_id + 1:
        return f"entries numbered {previous_id + 1}–{entry.pk - 1} are missing although the links match"
    if entry.compute_hash() != entry.entry_hash:
        return "content changed: the stored hash does not match the entry's content"
    return ""
