"""Walking the audit log's hash chain: the one set of rules for the live log, a year being archived and an archive file.

Entries come in id order. Each must be numbered one after the entry before it, carry that entry's hash as its link
(``prev_hash``), and hash to its own ``entry_hash``. A walk starts from the genesis hash, or from an archive's
checkpoint (the last archived entry's number and hash) when the years before are in files.
"""

from __future__ import annotations

from collections.abc import Sequence

from trove.core.models.audit import GENESIS_HASH, AuditArchive, AuditEntry


class ChainBroken(Exception):
    """The first broken entry, named with what is wrong with it."""


class ChainWalk:
    def __init__(self, *, after_id: int = 0, after_hash: str = GENESIS_HASH, start: str = "") -> None:
        """``start`` names the checkpoint the walk continues from ("the archive of 2023"), empty for the genesis."""
        self.previous_id = after_id
        self.previous_hash = after_hash
        self.start = start
        self.count = 0

    @classmethod
    def after(cls, archive: AuditArchive | None) -> ChainWalk:
        if archive is None:
            return cls()
        return cls(after_id=archive.last_id, after_hash=archive.last_hash, start=f"the archive of {archive.year}")

    def step(self, entry: AuditEntry) -> None:
        problem = self._problem(entry)
        if problem:
            raise ChainBroken(
                f"Audit entry {entry.pk} is broken: {problem} (the {self.count} entries before it are intact)."
            )
        self.count += 1
        self.previous_id, self.previous_hash = entry.pk, entry.entry_hash

    def _problem(self, entry: AuditEntry) -> str:
        previous_id, first = self.previous_id, self.count == 0
        if entry.pk <= previous_id:
            if first and self.start:
                return f"it is numbered at or below {previous_id}, the last entry of {self.start}"
            return f"its number {entry.pk} is used twice"
        if entry.prev_hash != self.previous_hash:
            if entry.pk != previous_id + 1:
                missing = f"{previous_id + 1}" if entry.pk == previous_id + 2 else f"{previous_id + 1}–{entry.pk - 1}"
                return (
                    f"the entries before it are missing (deleted: {missing}), its link to the previous entry is broken"
                )
            if first and self.start:
                return f"its link is not the last hash of {self.start}, where the live log must continue"
            if previous_id == 0:
                return "it is the first entry but does not start the chain (entries before it were deleted)"
            return (
                f"its link to the previous entry is broken: entry {previous_id} was rewritten (hash included) or "
                "replaced"
            )
        if entry.pk != previous_id + 1:
            return f"entries numbered {previous_id + 1}–{entry.pk - 1} are missing although the links match"
        if entry.compute_hash() != entry.entry_hash:
            return "content changed: the stored hash does not match the entry's content"
        return ""


def checkpoints_problem(archives: Sequence[AuditArchive]) -> str:
    """What is wrong with the archive checkpoints (oldest first) as one prefix of the chain, or ""."""
    previous_id, previous_hash, previous = 0, GENESIS_HASH, "the genesis hash"
    for archive in archives:
        if archive.first_id != previous_id + 1 or archive.first_prev_hash != previous_hash:
            return (
                f"The archive checkpoint of {archive.year} (entries {archive.first_id}–{archive.last_id}) does "
                f"not continue {previous}: the checkpoints were changed or one is missing."
            )
        if archive.entry_count != archive.last_id - archive.first_id + 1:
            return (
                f"The archive checkpoint of {archive.year} counts {archive.entry_count} entries for numbers "
                f"{archive.first_id}–{archive.last_id}."
            )
        previous_id, previous_hash, previous = archive.last_id, archive.last_hash, f"the archive of {archive.year}"
    return ""
