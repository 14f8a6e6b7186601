"""Every change of an import: upload, sheet, columns, saved mappings, start, resume, abandon, finish and undo.

Each action takes keyword-only arguments and the acting user, checks the policy (404 to whoever may not see the
import, 403 to whoever may see but not change it), refuses bad input with a ``ValidationError`` naming the field
before it writes, writes in one transaction with an audit entry (kinds, counts and ids only: never a file name, a
heading or a cell), and deletes files only once the transaction has committed.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trove.core import audit, crypto, jobs, policy
from trove.imports import headers, selectors
from trove.imports.models import CONFIGURABLE, BatchStatus, ColumnMapping, ImportBatch
from trove.imports.places import legacy_places
from trove.imports.reading import UnreadableFile, format_of, open_workbook, sniff_format
from trove.imports.registry import Kind, get_kind

DEFAULT_MAX_MB = 20
MAX_HEADER_ROWS = headers.MAX_HEADER_ROWS
JOB_KIND = "imports.run"


def max_upload_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_MB", DEFAULT_MAX_MB) * 1024 * 1024


def _kind(code: str) -> Kind:
    kind = get_kind(code)
    if kind is None:
        raise ValidationError({"kind": [_("Choose what the list holds from the choices given.")]})
    return kind


def _require(user, batch: ImportBatch, permission: str | None = None) -> Kind:
    kind = _kind(batch.kind)
    policy.require(user, permission or kind.permission, batch)
    return kind


def _forget_file(batch: ImportBatch) -> None:
    """Delete the uploaded file once the transaction that stops needing it commits."""
    if batch.file:
        name, storage = batch.file.name, batch.file.storage
        transaction.on_commit(lambda: storage.delete(name))
        batch.file = ""


def file_fingerprint(content: bytes) -> str:
    return hmac.new(settings.BLIND_INDEX_KEY.encode(), b"import-file:" + content, hashlib.sha256).hexdigest()


# Upload, sheet, columns -----------------------------------------------------------------------------------------


def batch_create(*, acting_user, agency, kind: str, file_name: str, content: bytes, max_bytes: int | None = -1,
                 request=None) -> ImportBatch:
    """Keep an uploaded list, encrypted, as a new import of ``agency``. ``max_bytes`` None means no limit (the
    command line); by default the upload limit of the settings applies."""
    kind_ = _kind(kind)
    if not any(m.agency_id == agency.pk for m in policy.memberships_with(acting_user, kind_.permission)):
        raise PermissionDenied
    limit = max_upload_bytes() if max_bytes == -1 else max_bytes
    file_format = format_of(file_name or "")
    errors: dict[str, list[str]] = {}
    if file_format is None:
        errors["file"] = [_("Upload an Excel workbook (.xlsx or .xls) or a CSV file.")]
    elif not content:
        errors["file"] = [_("The file is empty.")]
    elif limit is not None and len(content) > limit:
        errors["file"] = [_("The file is larger than %(size)d MB: split the list into several files.")
                          % {"size": limit // (1024 * 1024)}]
    elif not sniff_format(content, file_format):
        errors["file"] = [_("The file is not what its name says (%(format)s): save it again from Excel.")
                          % {"format": file_format}]
    else:
        try:
            if not open_workbook(content, file_format).sheet_names():
                errors["file"] = [_("The workbook has no sheet.")]
        except UnreadableFile as error:
            errors["file"] = [str(error)]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        batch = ImportBatch(owner_agency=agency, unit=agency.unit, kind=kind, file_name=file_name[:255],
                            file_format=file_format, file_size=len(content), file_fingerprint=file_fingerprint(content),
                            created_by=acting_user, language=translation.get_language() or "vi")
        batch.file.save("upload", ContentFile(crypto.encrypt_bytes(content)), save=False)
        batch.save()
        audit.record("import.upload", actor=acting_user, request=request, agency=agency, obj=batch,
                     changes={"kind": [None, kind], "format": [None, file_format], "size": [None, len(content)]})
    return batch


def batch_choose_sheet(*, acting_user, batch: ImportBatch, sheet: str, header_row: int | None = None,
                       header_rows: int | None = None, request=None) -> ImportBatch:
    """Choose the sheet and where its headings are (found by themselves when not given); the columns are then
    guessed from the headings."""
    kind = _require(acting_user, batch)
    if batch.status not in CONFIGURABLE:
        raise ValidationError(_("This import is %(status)s: its sheet can no longer change.")
                              % {"status": batch.get_status_display()}, code="status")
    workbook = open_workbook(selectors.batch_content(batch), batch.file_format)
    if sheet not in workbook.sheet_names():
        raise ValidationError({"sheet": [_("Choose one of the sheets of the file.")]})
    sample = list(workbook.rows(sheet, stop=selectors.SAMPLE_ROWS + MAX_HEADER_ROWS))
    if header_row is None:
        header_row, header_rows = headers.detect_header(kind, sample)
    header_rows = header_rows or 1
    errors: dict[str, list[str]] = {}
    if header_row < 1:
        errors["header_row"] = [_("Rows are numbered from 1.")]
    if not 1 <= header_rows <= MAX_HEADER_ROWS:
        errors["header_rows"] = [_("The headings take 1 to %(count)d rows.") % {"count": MAX_HEADER_ROWS}]
    if not errors and header_row > selectors.SAMPLE_ROWS:
        errors["header_row"] = [_("The headings must be within the first %(count)d rows.")
                                % {"count": selectors.SAMPLE_ROWS}]
    labels = headers.column_labels(sample, header_row, header_rows) if not errors else []
    if not errors and not any(labels):
        errors["header_row"] = [_("This row is empty: give the row where the column headings are.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        batch.sheet_name = sheet
        batch.header_row, batch.header_rows = header_row, header_rows
        batch.first_data_row = headers.first_data_row(sample, header_row, header_rows)
        batch.columns = labels
        batch.mapping = headers.suggest(kind, labels)
        batch.total_rows = workbook.row_count(sheet)
        batch.status = BatchStatus.MAPPING
        batch.save(update_fields=["sheet_name", "header_row", "header_rows", "first_data_row", "columns", "mapping",
                                  "total_rows", "status"])
        audit.record("import.sheet", actor=acting_user, request=request, agency=batch.owner_agency, obj=batch,
                     changes={"header_row": [None, header_row], "header_rows": [None, header_rows],
                              "columns": [None, len(labels)]})
    return batch


def _check_defaults(kind: Kind, batch: ImportBatch, defaults: dict, errors: dict) -> dict:
    from trove.geo.models import Country

    clean = {}
    for name, value in (defaults or {}).items():
        if value in (None, ""):
            continue
        if name == "legacy_place":
            allowed = {unit.pk for unit in legacy_places(batch.owner_agency.unit)}
            if int(value) not in allowed:
                errors.setdefault("legacy_place", []).append(_("Choose one of the units listed."))
            clean[name] = int(value)
            continue
        target = kind.field(name)
        if target is None or not target.default:
            errors.setdefault(name, []).append(_("This field takes no value for every row."))
        elif target.parse == "choice" and value not in target.choices.values:
            errors.setdefault(name, []).append(_("Choose a value from the list."))
        elif target.parse == "country" and not Country.objects.filter(code=value).exists():
            errors.setdefault(name, []).append(_("Choose a country from the list."))
        clean[name] = value
    return clean


def batch_set_mapping(*, acting_user, batch: ImportBatch, mapping: dict[str, int | None], defaults: dict | None = None,
                      save_as: str = "", request=None) -> ImportBatch:
    """Say which column holds which field, and the values rows take when their cell is empty; optionally keep the
    mapping under a name for the agency's next files."""
    kind = _require(acting_user, batch)
    if batch.status not in (BatchStatus.MAPPING, BatchStatus.READY):
        raise ValidationError(_("Choose the sheet first."), code="status")
    width = len(batch.columns or [])
    errors: dict[str, list[str]] = {}
    clean: dict[str, int] = {}
    used: dict[int, str] = {}
    for name, column in (mapping or {}).items():
        if column is None or column == "":
            continue
        column = int(column)
        if kind.field(name) is None:
            errors.setdefault(name, []).append(_("This is not a field of this kind of list."))
        elif not 0 <= column < width:
            errors.setdefault(name, []).append(_("Choose one of the columns of the sheet."))
        elif column in used:
            errors.setdefault(name, []).append(_("This column is already taken by “%(field)s”.")
                                               % {"field": kind.field(used[column]).label})
        else:
            used[column] = name
            clean[name] = column
    clean_defaults = _check_defaults(kind, batch, defaults or {}, errors)
    for group in kind.required:
        if not any(name in clean or (kind.field(name).default and clean_defaults.get(name)) for name in group):
            first = kind.field(group[0])
            message = (_("Choose its column, or a value for every row.") if first.default
                       else _("Choose the column that holds it: it is needed for every row."))
            errors.setdefault(group[0], []).append(message)
    save_as = (save_as or "").strip()
    if len(save_as) > 80:
        errors.setdefault("save_as", []).append(_("Give the mapping a name of at most 80 characters."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        batch.mapping, batch.defaults, batch.status = clean, clean_defaults, BatchStatus.READY
        batch.save(update_fields=["mapping", "defaults", "status"])
        audit.record("import.mapping", actor=acting_user, request=request, agency=batch.owner_agency, obj=batch,
                     changes={"fields": [None, sorted(clean)], "defaults": [None, sorted(clean_defaults)]})
        if save_as:
            mapping_save(acting_user=acting_user, agency=batch.owner_agency, kind=batch.kind, name=save_as,
                         columns=headers.labels_for_saving(clean, batch.columns or []),
                         defaults={k: v for k, v in clean_defaults.items() if k != "legacy_place"}, request=request)
    return batch


def mapping_save(*, acting_user, agency, kind: str, name: str, columns: dict[str, str], defaults: dict | None = None,
                 request=None) -> ColumnMapping:
    kind_ = _kind(kind)
    if not any(m.agency_id == agency.pk for m in policy.memberships_with(acting_user, kind_.permission)):
        raise PermissionDenied
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError({"save_as": [_("Give the mapping a name of at most 80 characters.")]})
    if not columns:
        raise ValidationError({"save_as": [_("Map at least one column before saving the mapping.")]})
    with transaction.atomic():
        saved, created = ColumnMapping.objects.update_or_create(
            agency=agency, kind=kind, name=name,
            defaults={"columns": columns, "defaults": defaults or {}, "created_by": acting_user})
        audit.record("import.mapping_save", actor=acting_user, request=request, agency=agency, obj=saved,
                     changes={"fields": [None, sorted(columns)], "created": [None, created]})
    return saved


def mapping_delete(*, acting_user, mapping: ColumnMapping, request=None) -> None:
    kind = get_kind(mapping.kind)
    permission = kind.permission if kind else "case.create"
    if not any(m.agency_id == mapping.agency_id for m in policy.memberships_with(acting_user, permission)):
        raise PermissionDenied
    with transaction.atomic():
        audit.record("import.mapping_delete", actor=acting_user, request=request, agency=mapping.agency_id,
                     obj=mapping)
        mapping.delete()


# Running --------------------------------------------------------------------------------------------------------


def _claim(batch: ImportBatch, acting_user) -> str:
    token = uuid.uuid4().hex
    batch.run_token, batch.status, batch.heartbeat_at = token, BatchStatus.RUNNING, timezone.now()
    batch.started_at = batch.started_at or timezone.now()
    batch.language = translation.get_language() or batch.language
    return token


def batch_start(*, acting_user, batch: ImportBatch, background: bool = True, request=None) -> ImportBatch:
    """Start writing the rows: in the background (a job with its progress page), or, for the command line, by the
    caller, which then runs ``engine.Runner.run`` with ``batch.run_token``."""
    _require(acting_user, batch)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != BatchStatus.READY:
            raise ValidationError(_("This import is %(status)s: only an import ready to go can start.")
                                  % {"status": locked.get_status_display()}, code="status")
        token = _claim(locked, acting_user)
        if background:
            locked.job = jobs.enqueue(kind=JOB_KIND, acting_user=acting_user, request=request,
                                      params={"batch": locked.pk, "token": token})
        locked.save(update_fields=["run_token", "status", "heartbeat_at", "started_at", "language", "job"])
        audit.record("import.start", actor=acting_user, request=request, agency=locked.owner_agency, obj=locked,
                     changes={"status": [BatchStatus.READY, BatchStatus.RUNNING]})
    return locked


def batch_check(*, acting_user, batch: ImportBatch, request=None):
    """Run every row without saving anything (a dry run) in the background; the job's result is the report of what
    the import would do."""
    _require(acting_user, batch)
    if batch.status != BatchStatus.READY:
        raise ValidationError(_("Map the columns before checking the rows."), code="status")
    with transaction.atomic():
        job = jobs.enqueue(kind=JOB_KIND, acting_user=acting_user, request=request,
                           params={"batch": batch.pk, "dry_run": True, "language": translation.get_language()})
        audit.record("import.check", actor=acting_user, request=request, agency=batch.owner_agency, obj=batch)
    return job


def batch_resume(*, acting_user, batch: ImportBatch, background: bool = True, request=None) -> ImportBatch:
    """Go on with an import that stopped (its worker failed or was killed) after the last row it committed."""
    _require(acting_user, batch)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not locked.resumable:
            raise ValidationError(_("Only an import that stopped can be resumed; this one is %(status)s.")
                                  % {"status": locked.get_status_display()}, code="status")
        before = locked.status
        token = _claim(locked, acting_user)
        locked.job = None
        if background:
            locked.job = jobs.enqueue(kind=JOB_KIND, acting_user=acting_user, request=request,
                                      params={"batch": locked.pk, "token": token})
        locked.save(update_fields=["run_token", "status", "heartbeat_at", "started_at", "language", "job"])
        audit.record("import.resume", actor=acting_user, request=request, agency=locked.owner_agency, obj=locked,
                     changes={"status": [before, BatchStatus.RUNNING], "last_row": [None, locked.last_row]})
    return locked


def batch_interrupted(*, acting_user, batch: ImportBatch, token: str) -> None:
    """Record that a run stopped on an error; what it committed stays, and it can be resumed."""
    with transaction.atomic():
        updated = ImportBatch.objects.filter(pk=batch.pk, run_token=token, status=BatchStatus.RUNNING).update(
            status=BatchStatus.INTERRUPTED, run_token="")
        if updated:
            audit.record("import.interrupt", actor=acting_user, agency=batch.owner_agency_id, obj=batch,
                         changes={"last_row": [None, batch.last_row]})


def batch_finish(*, acting_user, batch: ImportBatch, token: str) -> ImportBatch:
    """Close a run that went through every row: the file is deleted, the counts are audited."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.run_token != token or locked.status != BatchStatus.RUNNING:
            return locked
        locked.status, locked.finished_at, locked.run_token = BatchStatus.DONE, timezone.now(), ""
        _forget_file(locked)
        locked.save(update_fields=["status", "finished_at", "run_token", "file"])
        audit.record("import.finish", actor=acting_user, agency=locked.owner_agency, obj=locked, changes={
            "created": [None, locked.created_count], "linked": [None, locked.linked_count],
            "skipped": [None, locked.skipped_count], "failed": [None, locked.failed_count]})
    return locked


def batch_abandon(*, acting_user, batch: ImportBatch, request=None) -> ImportBatch:
    """Give up an import before or after it ran part way; the file is deleted, what was committed stays (an
    administrator may undo it)."""
    _require(acting_user, batch)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status not in (*CONFIGURABLE, BatchStatus.INTERRUPTED) and not locked.stalled:
            raise ValidationError(_("This import is %(status)s: it cannot be abandoned.")
                                  % {"status": locked.get_status_display()}, code="status")
        before = locked.status
        locked.status, locked.run_token, locked.finished_at = BatchStatus.ABANDONED, "", timezone.now()
        _forget_file(locked)
        locked.save(update_fields=["status", "run_token", "finished_at", "file"])
        audit.record("import.abandon", actor=acting_user, request=request, agency=locked.owner_agency, obj=locked,
                     changes={"status": [before, BatchStatus.ABANDONED]})
    return locked


def _require_administrator(acting_user, batch: ImportBatch) -> None:
    """An administrator of the importing agency (``admin.users``): 404 to whoever may not see the import, 403 to
    whoever may see it but is not one."""
    if not policy.visible(acting_user, ImportBatch.objects.filter(pk=batch.pk), "admin.users").exists():
        if policy.can(acting_user, "case.view", batch):
            raise PermissionDenied
        raise Http404


def batch_stop(*, acting_user, batch: ImportBatch, reason: str, request=None) -> ImportBatch:
    """An administrator gives up an import whose job is stuck or failed: the import and what it had not imported yet
    are marked abandoned, its job is marked failed so that no worker starts it, and its file is deleted. The batches
    of rows it committed stay, and the import can still be undone.

    A worker still running it stops at its next batch of rows: each batch checks under a row lock that its import is
    still running before it writes, and this action takes the same lock, so a batch either committed before or
    writes nothing."""
    from trove.core.models import Job, JobStatus

    _require_administrator(acting_user, batch)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": [_("Write why the import is abandoned (at least 10 characters); it is kept "
                                            "in the audit log.")]})
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status not in (BatchStatus.RUNNING, BatchStatus.INTERRUPTED):
            raise ValidationError(_("Only an import that is running or stopped on an error can be abandoned here; "
                                    "this one is %(status)s.") % {"status": locked.get_status_display()},
                                  code="status")
        before = locked.status
        locked.status, locked.run_token, locked.finished_at = BatchStatus.ABANDONED, "", timezone.now()
        _forget_file(locked)
        locked.save(update_fields=["status", "run_token", "finished_at", "file"])
        stopped_job = 0
        if locked.job_id:
            stopped_job = Job.objects.filter(pk=locked.job_id, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).update(
                status=JobStatus.FAILED, finished_at=timezone.now(),
                message=_("Abandoned by an administrator: the rows it had not imported will not be imported."))
        not_done = max(0, (locked.total_rows or 0) - max(locked.last_row, (locked.first_data_row or 1) - 1))
        audit.record("import.abandon", actor=acting_user, request=request, agency=locked.owner_agency, obj=locked,
                     reason=reason, changes={"status": [before, BatchStatus.ABANDONED],
                                             "last_row": [None, locked.last_row],
                                             "rows not imported": [None, not_done],
                                             "job stopped": [None, bool(stopped_job)]})
    batch.status = locked.status
    return locked


# Undo -----------------------------------------------------------------------------------------------------------


def batch_undo(*, acting_user, batch: ImportBatch, reason: str, request=None) -> dict[str, int]:
    """Delete every record the import created (the persons it only linked stay), while nothing was built on them.
    Only an administrator of the importing agency (``admin.users``) may; the rows can then be imported again."""
    from trove.imports import undo

    _require_administrator(acting_user, batch)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": [_("Write why the import is undone (at least 10 characters); it is kept in "
                                            "the audit log.")]})
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == BatchStatus.RUNNING:
            raise ValidationError(_("Wait for the import to end, or abandon it, before undoing it."), code="running")
        if not locked.undoable:
            raise ValidationError(_("This import is %(status)s: there is nothing it made that can be undone.")
                                  % {"status": locked.get_status_display()}, code="status")
        if undo.blocked(locked):
            raise ValidationError(
                _("Officers have worked on records of this import since it ran (a verification step, a request, "
                  "support, a referral, a merge…): it can no longer be undone as a whole. Correct those records "
                  "one by one."), code="built_on")
        counts = undo.delete_created(locked)
        locked.records.all().delete()
        locked.notes.all().delete()
        before = locked.status
        locked.status, locked.undone_at, locked.undone_by = BatchStatus.UNDONE, timezone.now(), acting_user
        _forget_file(locked)
        locked.save(update_fields=["status", "undone_at", "undone_by", "file"])
        audit.record("import.undo", actor=acting_user, request=request, agency=locked.owner_agency, obj=locked,
                     reason=reason, changes={"status": [before, BatchStatus.UNDONE],
                                             **{f"deleted {label}": [count, 0] for label, count in counts.items()}})
    batch.status = locked.status
    return counts
