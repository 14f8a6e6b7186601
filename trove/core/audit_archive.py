"""Archiving a year of the audit log to a file, and checking such a file later (PostgreSQL; docs/deploy.md).

``archive_year`` takes the oldest year still in the database, once it is older than the ``AUDIT_ONLINE_YEARS`` kept
online, so that the archives are always a prefix of the chain. It walks the year's entries in id order from the
previous checkpoint (``trove.core.audit_chain``), writing each to ``audit-YYYY.jsonl.gz`` (gzip JSON Lines, every
field, hash included), then writes ``audit-YYYY.manifest.json``, syncs both to disk and reads the file back to check
its SHA-256. Only then, in one transaction, it detaches the year's partition, checks that it holds exactly what was
written, records the checkpoint (``AuditArchive``) and an ``audit.archive`` entry, and drops the partition. Anything
wrong and the database is unchanged and the files are removed.

``verify_file`` checks a file against its checkpoint: the SHA-256, the chain inside it and its link to the archive
before it. Both stream the entries, so memory does not grow with the year's size.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import io
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import Min
from django.utils import timezone

from trove.core import audit
from trove.core.audit_chain import ChainBroken, ChainWalk, checkpoints_problem
from trove.core.audit_partitions import (
    current_year,
    detach_year_partition,
    is_partitioned,
    local_year,
    year_partitions,
    year_start,
)
from trove.core.models.audit import GENESIS_HASH, AuditArchive, AuditEntry

FORMAT = 1
CHUNK = 2000
# A line's keys are the entry's field names ("actor", "agency"), its values the stored ones ("actor_id").
_FIELDS = {field.name: field.attname for field in AuditEntry._meta.concrete_fields}


class ArchiveError(Exception):
    """An archive that cannot be made or does not check out; the message says why and what to do."""


@dataclass
class Segment:
    """What an archive holds: its year, its entries' numbers, its links and its file."""

    year: int
    first_id: int = 0
    last_id: int = 0
    entry_count: int = 0
    first_prev_hash: str = ""
    last_hash: str = ""
    file_name: str = ""
    file_sha256: str = ""


def file_names(year: int) -> tuple[str, str]:
    return f"audit-{year}.jsonl.gz", f"audit-{year}.manifest.json"


def entry_line(entry: AuditEntry) -> str:
    """One entry as a line of JSON: every field, the time in UTC to the microsecond, as the hash reads it."""
    values = {name: getattr(entry, attname) for name, attname in _FIELDS.items()}
    values["at"] = entry.at.astimezone(datetime.UTC).isoformat()
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n"


def entry_from_line(line: str) -> AuditEntry:
    """The entry a line holds, unsaved; its hash, not this function, says whether it is intact."""
    values = json.loads(line)
    if not isinstance(values, dict) or set(values) != set(_FIELDS):
        raise ValueError("not an audit entry")
    entry = AuditEntry(**{_FIELDS[name]: value for name, value in values.items()})
    entry.at = datetime.datetime.fromisoformat(values["at"])
    return entry


def archivable(year: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise ArchiveError unless ``year`` may be archived now: PostgreSQL, old enough, the oldest, in its partition."""
    if connections[using].vendor != "postgresql":
        raise ArchiveError("Archiving the audit log needs PostgreSQL; on SQLite the log stays in its one table.")
    if not is_partitioned(using):
        raise ArchiveError("Archiving the audit log needs PostgreSQL with the partitioned table: run "
                           "`manage.py migrate` first (migration 0008).")
    online = settings.AUDIT_ONLINE_YEARS
    if online < 0:
        raise ArchiveError(f"AUDIT_ONLINE_YEARS is {online}: set it to 0 or more.")
    this_year = current_year()
    newest = this_year - 1 - online
    if year >= this_year:
        raise ArchiveError(f"{year} is not over yet: only a year entirely in the past can be archived.")
    if year > newest:
        raise ArchiveError(
            f"{year} is within the {online} full years kept online besides this one "
            f"(AUDIT_ONLINE_YEARS={online}): the newest year that may be archived is {newest}."
        )
    if AuditArchive.objects.using(using).filter(year=year).exists():
        raise ArchiveError(f"{year} is archived already.")
    oldest = AuditEntry.objects.using(using).aggregate(oldest=Min("at"))["oldest"]
    if oldest is None:
        raise ArchiveError("The audit log holds no entries: there is nothing to archive.")
    if local_year(oldest) != year:
        raise ArchiveError(
            f"The oldest year still in the database is {local_year(oldest)}: archive it first. "
            f"Archives are taken oldest year first, so that they are a prefix of the chain."
        )
    if year not in year_partitions(using):
        raise ArchiveError(
            f"The entries of {year} are in the DEFAULT partition, not in a partition of their own: "
            "run `manage.py audit_partitions --move-default` (database owner) first."
        )


def archive_year(
    year: int,
    directory: Path,
    *,
    archived_by: str = "",
    actor=None,
    dry_run: bool = False,
    using: str = DEFAULT_DB_ALIAS,
) -> Segment:
    """Archive ``year`` into ``directory`` (see the module's docstring); with ``dry_run`` only check and count."""
    archivable(year, using=using)
    directory = Path(directory)
    if not directory.is_dir():
        raise ArchiveError(f"{directory} is not a folder: create it (on storage kept with the backups) first.")
    data_name, manifest_name = file_names(year)
    data_path, manifest_path = directory / data_name, directory / manifest_name
    for path in (data_path, manifest_path):
        if path.exists():
            raise ArchiveError(f"{path} exists already: an archive is never overwritten. Move it away and retry.")
    checkpoint = AuditArchive.objects.using(using).order_by("-last_id").first()
    entries = (
        AuditEntry.objects.using(using).filter(at__gte=year_start(year), at__lt=year_start(year + 1)).order_by("id")
    )
    if dry_run:
        segment = _walk(year, entries, checkpoint)
        _check_next(segment, using)
        return segment
    partial = directory / f".{data_name}.partial"
    written = [partial, data_path, manifest_path]
    try:
        segment = _write(year, entries, checkpoint, partial)
        _check_next(segment, using)
        os.replace(partial, data_path)
        _sync_folder(directory)
        if _sha256(data_path) != segment.file_sha256:
            raise ArchiveError(
                f"{data_path} does not read back as it was written: the disk is not to be trusted. "
                "Nothing was changed in the database."
            )
        segment.file_name = data_name
        _write_manifest(manifest_path, segment, archived_by)
        _sync_folder(directory)
        _commit(segment, archived_by=archived_by, actor=actor, using=using)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return segment


def _walk(year: int, entries, checkpoint: AuditArchive | None, stream=None) -> Segment:
    """Check the year's entries as a continuation of ``checkpoint``, writing each line to ``stream`` if given."""
    segment = Segment(year=year)
    walk = ChainWalk.after(checkpoint)
    try:
        for entry in entries.iterator(chunk_size=CHUNK):
            walk.step(entry)
            if walk.count == 1:
                segment.first_id, segment.first_prev_hash = entry.pk, entry.prev_hash
            if stream is not None:
                stream.write(entry_line(entry))
    except ChainBroken as error:
        raise ArchiveError(f"{error} {year} was not archived: run `manage.py audit_verify` and investigate.") from None
    if walk.count == 0:
        raise ArchiveError(f"The audit log holds no entries of {year}.")
    segment.last_id, segment.last_hash, segment.entry_count = walk.previous_id, walk.previous_hash, walk.count
    return segment


def _write(year: int, entries, checkpoint: AuditArchive | None, path: Path) -> Segment:
    with path.open("wb") as raw:  # a partial file left by a run that was killed is ours to overwrite
        digest = _DigestWriter(raw)
        # mtime 0: the same entries give the same bytes, whenever they are archived.
        with gzip.GzipFile(filename="", mode="wb", fileobj=digest, mtime=0) as zipped:
            with io.TextIOWrapper(zipped, encoding="utf-8", newline="") as stream:
                segment = _walk(year, entries, checkpoint, stream)
        raw.flush()
        os.fsync(raw.fileno())
    segment.file_sha256 = digest.hexdigest()
    return segment


def _check_next(segment: Segment, using: str) -> None:
    """The entries left in the database must start right after the archived ones, so that the archive is a prefix."""
    after = AuditEntry.objects.using(using).filter(at__gte=year_start(segment.year + 1))
    first_after = after.aggregate(first=Min("id"))["first"]
    if first_after is None:
        return
    following = after.filter(id=first_after).values_list("prev_hash", flat=True).first()
    if first_after != segment.last_id + 1 or following != segment.last_hash:
        raise ArchiveError(
            f"The first entry after {segment.year} is number {first_after}, which does not follow the year's last "
            f"entry {segment.last_id} (numbers or links out of order: was the clock set back?). {segment.year} was "
            "not archived: run `manage.py audit_verify` and investigate."
        )


def _write_manifest(path: Path, segment: Segment, archived_by: str) -> None:
    manifest = {
        "format": FORMAT,
        "kind": "trove audit log archive",
        **asdict(segment),
        "time_zone": settings.TIME_ZONE,
        "archived_by": archived_by,
        "archived_at": timezone.now().isoformat(),
        "genesis_hash": GENESIS_HASH,
    }
    with path.open("x", encoding="utf-8") as stream:
        json.dump(manifest, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
        stream.flush()
        os.fsync(stream.fileno())


def _commit(segment: Segment, *, archived_by: str, actor, using: str) -> None:
    try:
        with transaction.atomic(using=using):
            # The detach takes the table's exclusive lock: from here on nothing can write to the year behind our back.
            name = detach_year_partition(segment.year, using=using)
            with connections[using].cursor() as cursor:
                cursor.execute(f"SELECT count(*), min(id), max(id) FROM {name}")  # noqa: S608
                held = cursor.fetchone()
                cursor.execute(f"SELECT entry_hash FROM {name} ORDER BY id DESC LIMIT 1")  # noqa: S608
                last_hash = cursor.fetchone()[0]
            if held != (segment.entry_count, segment.first_id, segment.last_id) or last_hash != segment.last_hash:
                raise ArchiveError(
                    f"The entries of {segment.year} changed while they were being written; nothing was "
                    "archived. Run the command again."
                )
            archive = AuditArchive.objects.using(using).create(
                year=segment.year,
                first_id=segment.first_id,
                last_id=segment.last_id,
                entry_count=segment.entry_count,
                first_prev_hash=segment.first_prev_hash,
                last_hash=segment.last_hash,
                file_name=segment.file_name,
                file_sha256=segment.file_sha256,
                archived_at=timezone.now(),
                archived_by=archived_by,
            )
            audit.record(
                "audit.archive",
                actor=actor,
                obj=archive,
                reason=f"{segment.file_name} ({archived_by})",
                changes={
                    "year": [None, segment.year],
                    "entries": [None, segment.entry_count],
                    "first_id": [None, segment.first_id],
                    "last_id": [None, segment.last_id],
                    "last_hash": [None, segment.last_hash],
                    "file_sha256": [None, segment.file_sha256],
                },
            )
            with connections[using].cursor() as cursor:
                cursor.execute(f"DROP TABLE {name}")
    except DatabaseError as error:
        raise ArchiveError(
            f"The database refused the change ({str(error).strip()}). Nothing was changed in the database and the "
            "files written were removed. Detaching and dropping a partition needs the table's owner: if that is what "
            "it says, run the command with the owner's DATABASE_URL."
        ) from None


def verify_file(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> tuple[AuditArchive, str]:
    """Check an archive file against its checkpoint; return the checkpoint and what it links to, or raise."""
    path = Path(path)
    try:
        sha256 = _sha256(path)
    except OSError as error:
        raise ArchiveError(f"{path} cannot be read ({error.strerror}).") from None
    archives = AuditArchive.objects.using(using)
    archive = archives.filter(file_name=path.name).first() or archives.filter(file_sha256=sha256).first()
    if archive is None:
        raise ArchiveError(
            f"No archive checkpoint in this database names {path.name} or has its SHA-256: it is not "
            "an audit log archive of this installation."
        )
    problems = []
    if sha256 != archive.file_sha256:
        problems.append(
            f"its SHA-256 {sha256} is not the {archive.file_sha256} recorded when {archive.year} was "
            "archived: the file was changed or replaced"
        )
    # The checkpoints up to this one must follow one another from the genesis hash: the same rule as audit_verify's.
    prefix = list(archives.filter(first_id__lte=archive.first_id).order_by("first_id"))
    previous = prefix[-2] if len(prefix) > 1 else None
    link = checkpoints_problem(prefix)
    if link:
        problems.append(link.rstrip("."))
    problem = _file_chain_problem(path, archive)
    if problem:
        problems.append(problem)
    if problems:
        raise ArchiveError(f"The archive {path.name} of {archive.year} does not verify: " + "; ".join(problems) + ".")
    return archive, f"the archive of {previous.year}" if previous else "the genesis hash"


def _file_chain_problem(path: Path, archive: AuditArchive) -> str:
    walk = ChainWalk(
        after_id=archive.first_id - 1,
        after_hash=archive.first_prev_hash,
        start=f"the checkpoint's link ({archive.first_prev_hash[:12]}…)",
    )
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                try:
                    entry = entry_from_line(line)
                except (ValueError, TypeError, KeyError):
                    return f"line {number} is not an audit entry"
                walk.step(entry)
    except ChainBroken as error:
        return f"the chain inside it is broken: {error}"
    except (OSError, EOFError, UnicodeDecodeError) as error:
        return f"it cannot be read as gzip JSON Lines ({error})"
    if (walk.count, walk.previous_id, walk.previous_hash) != (archive.entry_count, archive.last_id, archive.last_hash):
        return (
            f"it holds {walk.count} entries ending at number {walk.previous_id}, not the {archive.entry_count} "
            f"ending at {archive.last_id} with the checkpoint's last hash"
        )
    return ""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _sync_folder(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class _DigestWriter:
    """A binary file that also computes the SHA-256 of what goes through it."""

    def __init__(self, raw) -> None:
        self.raw, self.digest = raw, hashlib.sha256()

    def write(self, data) -> int:
        self.digest.update(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()

    def hexdigest(self) -> str:
        return self.digest.hexdigest()
