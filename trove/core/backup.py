"""Backup and restore of a whole installation: every table and every private file, in one encrypted archive.

The archive is a stream of Fernet tokens, each sealing up to 4 MiB of a gzip-compressed tar holding

- ``manifest.json``: format version, creation time, engine, migration state, row counts per model, file list with
  SHA-256 sums, and a fingerprint of ``BLIND_INDEX_KEY`` (not the key);
- ``data.jsonl``: every row of every model, through Django's serializer with natural keys for content types, so the
  archive restores on another database of either engine;
- ``files/…``: the private files (attachments, job results) exactly as stored — they are encrypted already.

It is sealed with the installation's ``FIELD_ENCRYPTION_KEYS`` (the first key encrypts, any decrypts). Identity fields
are written in clear *inside* the sealed archive and re-encrypted with the target's keys on restore; blind indexes are
kept as they are, so the target must have the same ``BLIND_INDEX_KEY`` (checked by the fingerprint). Keep the keys in a
separate safe place: an archive without them is useless, which is the point.

Restore goes only into an installation without data of its own (migrated, reference data allowed): it replaces the
reference tables and loads everything in one transaction, then checks every foreign key, the row counts, the file sums
and the audit chain. Anything wrong and nothing is kept.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import hmac
import io
import json
import os
import struct
import tarfile
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from trove.core import audit, audit_partitions, crypto
from trove.core.models.audit import AuditEntry

FORMAT = 1
CHUNK = 4 * 1024 * 1024
# Rebuilt by `migrate` on every installation: never archived.
SKIPPED = {"contenttypes.contenttype", "auth.permission", "sessions.session", "django_tasks_db.dbtaskresult"}
# Loaded by `make setup` (units, legal rules, document templates); an installation may hold them before a restore.
REFERENCE_APPS = {"geo", "rules", "documents"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; a backup keeps them to the microsecond (the audit chain's
    hashes cover them)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _models() -> list:
    chosen = [model for model in apps.get_models(include_auto_created=False)
              if model._meta.label_lower not in SKIPPED and model._meta.managed and not model._meta.proxy]
    return serializers.sort_dependencies([(None, chosen)], allow_cycles=True)


def _key_fingerprint() -> str:
    return hmac.new(settings.BLIND_INDEX_KEY.encode(), b"trove-backup-fingerprint", hashlib.sha256).hexdigest()[:16]


def _files_root() -> Path:
    return Path(settings.ATTACHMENTS_ROOT)


def _private_files() -> Iterator[Path]:
    root = _files_root()
    if root.exists():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


class _SealedWriter(io.RawIOBase):
    """A write-only stream that seals what it receives in length-prefixed Fernet tokens of CHUNK bytes."""

    def __init__(self, target) -> None:
        self.target, self.buffer = target, bytearray()
        self.fernet = crypto._current()[1]

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.buffer += data
        while len(self.buffer) >= CHUNK:
            self._seal(bytes(self.buffer[:CHUNK]))
            del self.buffer[:CHUNK]
        return len(data)

    def _seal(self, block: bytes) -> None:
        token = self.fernet.encrypt(block)
        self.target.write(struct.pack(">I", len(token)) + token)

    def close(self) -> None:
        if not self.closed:
            if self.buffer:
                self._seal(bytes(self.buffer))
            self.buffer.clear()
        super().close()


class _SealedReader(io.RawIOBase):
    def __init__(self, source) -> None:
        self.source, self.buffer = source, b""
        self.fernet = crypto._current()[1]

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self.buffer:
            header = self.source.read(4)
            if not header:
                return 0
            if len(header) < 4:
                raise BackupError("The archive is cut short.")
            (length,) = struct.unpack(">I", header)
            token = self.source.read(length)
            if len(token) < length:
                raise BackupError("The archive is cut short.")
            try:
                self.buffer = self.fernet.decrypt(token)
            except Exception:
                raise BackupError("The archive cannot be opened with this installation's FIELD_ENCRYPTION_KEYS: "
                                  "configure the keys of the installation that made it.") from None
        count = min(len(target), len(self.buffer))
        target[:count] = self.buffer[:count]
        self.buffer = self.buffer[count:]
        return count


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(content), int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(content))


def backup(out: Path, *, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Write the archive to ``out`` (through a temporary file, renamed at the end) and return its manifest."""
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    counts: dict[str, int] = {}
    outermost = not connections[using].in_atomic_block
    with transaction.atomic(using=using):  # one consistent snapshot (PostgreSQL: the transaction's; SQLite: the lock)
        if outermost and connections[using].vendor == "postgresql":
            with connections[using].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        data = io.BytesIO()
        text = io.TextIOWrapper(data, encoding="utf-8", write_through=True)
        for model in _models():
            queryset = model._default_manager.using(using).order_by(model._meta.pk.name)
            counts[model._meta.label_lower] = 0
            for batch in _batches(queryset):
                serializers.serialize("jsonl", batch, stream=text, use_natural_foreign_keys=True, cls=_ExactEncoder)
                counts[model._meta.label_lower] += len(batch)
        text.detach()
        files = {str(path.relative_to(_files_root())): _sha256(path) for path in _private_files()}
        manifest = {
            "format": FORMAT, "created_at": timezone.now().isoformat(), "engine": connections[using].vendor,
            "migrations": sorted(f"{app}.{name}" for app, name in MigrationRecorder(connections[using])
                                 .migration_qs.values_list("app", "name")),
            "counts": counts, "files": files, "key_fingerprint": _key_fingerprint(),
        }
    with partial.open("wb") as raw:
        sealed = _SealedWriter(raw)
        with gzip.GzipFile(fileobj=sealed, mode="wb", compresslevel=6) as zipped:
            with tarfile.open(fileobj=zipped, mode="w|") as archive:
                _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode())
                _add_bytes(archive, "data.jsonl", data.getvalue())
                for name in files:
                    archive.add(_files_root() / name, arcname=f"files/{name}", recursive=False)
        sealed.close()
        raw.flush()
        os.fsync(raw.fileno())
    partial.replace(out)
    audit.record("backup.create", reason=f"{sum(counts.values())} rows, {len(files)} files")
    return manifest


def _batches(queryset, size: int = 2000) -> Iterator[list]:
    batch = []
    for obj in queryset.iterator(chunk_size=size):
        batch.append(obj)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def read_manifest(path: Path) -> dict:
    with _open(path) as archive:
        for member in archive:
            if member.name == "manifest.json":
                return json.load(archive.extractfile(member))
    raise BackupError("The archive has no manifest: it is not a Trở Về backup.")


def _open(path: Path) -> tarfile.TarFile:
    raw = Path(path).open("rb")
    zipped = gzip.GzipFile(fileobj=io.BufferedReader(_SealedReader(raw)), mode="rb")
    return tarfile.open(fileobj=zipped, mode="r|")


def installation_data(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The models, outside reference data, that hold rows: a restore refuses to mix two installations."""
    return [model._meta.label_lower for model in _models()
            if model._meta.app_label not in REFERENCE_APPS and model._default_manager.using(using).exists()]


def restore(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Load the archive into this installation, which must hold no data of its own. All or nothing."""
    manifest = None
    occupied = installation_data(using)
    if occupied:
        raise BackupError("This installation already holds data (" + ", ".join(occupied[:5]) + "). Restore only "
                          "into a new, migrated installation; nothing was changed.")
    connection = connections[using]
    root = _files_root()
    written: list[Path] = []
    try:
        with transaction.atomic(using=using), _open(path) as archive:
            loaded: dict[str, int] = {}
            for member in archive:
                if member.name == "manifest.json":
                    manifest = json.load(archive.extractfile(member))
                    _check_manifest(manifest, using)
                    _clear_reference(using)
                elif member.name == "data.jsonl":
                    if manifest is None:
                        raise BackupError("The archive's manifest must come first.")
                    partitions = _AuditPartitions(using)
                    with connection.constraint_checks_disabled():
                        for item in serializers.deserialize("jsonl", archive.extractfile(member), using=using,
                                                            handle_forward_references=True):
                            partitions.ready_for(item.object)
                            item.save(using=using)
                            label = item.object._meta.label_lower
                            loaded[label] = loaded.get(label, 0) + 1
                    connection.check_constraints()
                elif member.name.startswith("files/") and member.isfile():
                    written.append(_restore_file(archive, member, manifest, root))
            if manifest is None:
                raise BackupError("The archive has no manifest: it is not a Trở Về backup.")
            expected = {label: count for label, count in manifest["counts"].items() if count}
            if loaded != expected:
                raise BackupError("The archive's rows do not match its manifest; it is damaged. Nothing was restored.")
            if len(written) != len(manifest["files"]):
                raise BackupError("Files listed in the manifest are missing from the archive. Nothing was restored.")
            _reset_sequences(using)
            try:
                call_command("audit_verify", stdout=io.StringIO())
            except CommandError:
                raise BackupError("The restored audit log's chain does not verify. Nothing was restored.") from None
            audit.record("backup.restore", reason=f"archive of {manifest['created_at']}",
                         changes={"rows": [None, sum(loaded.values())], "files": [None, len(written)]})
    except BaseException:
        for path_written in written:
            path_written.unlink(missing_ok=True)
        raise
    return manifest


class _AuditPartitions:
    """On PostgreSQL, each year of the restored audit log gets its partition before its first entry is loaded: a
    fresh installation has partitions from this year on only, and older entries would all go to the DEFAULT one."""

    def __init__(self, using: str) -> None:
        self.using, self.ready = using, set()
        self.partitioned = audit_partitions.is_partitioned(using)

    def ready_for(self, obj) -> None:
        if self.partitioned and isinstance(obj, AuditEntry):
            year = audit_partitions.local_year(obj.at)
            if year not in self.ready:
                audit_partitions.ensure_partitions([year], using=self.using)
                self.ready.add(year)


def _check_manifest(manifest: dict, using: str) -> None:
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Archive format {manifest.get('format')} is not supported by this version.")
    if manifest.get("key_fingerprint") != _key_fingerprint():
        raise BackupError("This installation's BLIND_INDEX_KEY differs from the one of the installation that made the "
                          "archive: configure the same key (exact look-ups depend on it). Nothing was changed.")
    here = {f"{app}.{name}" for app, name in MigrationRecorder(connections[using]).migration_qs
            .values_list("app", "name")}
    missing = sorted(set(manifest["migrations"]) - here)
    if missing:
        raise BackupError("This installation's database is older than the archive: run `manage.py migrate` with the "
                          "code version that made it (missing: " + ", ".join(missing[:3]) + ").")


def _clear_reference(using: str) -> None:
    for model in reversed(_models()):
        if model._meta.app_label in REFERENCE_APPS:
            for field in model._meta.many_to_many:
                field.remote_field.through._default_manager.using(using).all().delete()
            model._base_manager.using(using).all()._raw_delete(using)


def _restore_file(archive: tarfile.TarFile, member: tarfile.TarInfo, manifest: dict | None, root: Path) -> Path:
    name = member.name.removeprefix("files/")
    if manifest is None or name not in manifest["files"]:
        raise BackupError("The archive holds a file its manifest does not list. Nothing was restored.")
    target = (root / name).resolve()
    if not target.is_relative_to(root.resolve()):
        raise BackupError("The archive names a file outside the attachments folder. Nothing was restored.")
    if target.exists():
        raise BackupError(f"A private file already exists at {name}; restore into an empty ATTACHMENTS_ROOT.")
    target.parent.mkdir(parents=True, exist_ok=True)
    content = archive.extractfile(member).read()
    if hashlib.sha256(content).hexdigest() != manifest["files"][name]:
        raise BackupError("A file in the archive does not match its checksum; the archive is damaged.")
    target.write_bytes(content)
    return target


def _reset_sequences(using: str) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def default_name() -> str:
    return f"trove-{timezone.localtime():%Y%m%d-%H%M%S}.backup"
