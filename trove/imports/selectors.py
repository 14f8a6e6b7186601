"""Read-side questions about imports: the batches a user may see, one batch through the policy, the uploaded file,
the first rows of a sheet, the saved mappings an agency may reuse, and what a batch made.

Every batch comes through ``policy.visible`` or ``policy.get_for_user``; the rows and notes of a batch are read only
after the batch itself was.
"""

from __future__ import annotations

from django.db import models
from django.http import Http404

from trove.core import crypto, policy
from trove.imports.models import ColumnMapping, ImportBatch, ImportedRecord, NoteLevel, RowNote
from trove.imports.reading import SheetSample, open_workbook

SAMPLE_ROWS = 40
NOTES_PER_PAGE = 50


def batches_for_user(user) -> models.QuerySet[ImportBatch]:
    """The imports of the agencies the user reaches, and those an administrator of the importing agency may undo."""
    seen = policy.visible(user, ImportBatch.objects.all()).values("pk")
    administered = policy.visible(user, ImportBatch.objects.all(), "admin.users").values("pk")
    return (ImportBatch.objects.filter(models.Q(pk__in=seen) | models.Q(pk__in=administered))
            .select_related("owner_agency", "created_by").order_by("-created_at", "-pk"))


def batch_for_user(user, pk: int, action: str | None = None) -> tuple[ImportBatch, frozenset[str]]:
    """One batch, 404 to whoever may not see it and 403 to whoever may see it but not do ``action``."""
    queryset = ImportBatch.objects.select_related("owner_agency__unit", "job", "created_by")
    batch = policy.get_for_user(user, queryset, pk, action)
    return batch, policy.permissions_on(user, batch)


def batch_to_administer(user, pk: int) -> ImportBatch:
    """A batch for an administrator of the importing agency (``admin.users``); 404 to anyone else."""
    batch = policy.visible(user, ImportBatch.objects.filter(pk=pk), "admin.users").select_related(
        "owner_agency", "created_by").first()
    if batch is None:
        raise Http404
    return batch


def batch_content(batch: ImportBatch) -> bytes:
    """The uploaded file, decrypted. Only the wizard and the run read it; nothing keeps the clear bytes."""
    if not batch.file:
        raise FileNotFoundError("the file of this import was deleted")
    with batch.file.open("rb") as stored:
        return crypto.decrypt_bytes(stored.read())


def sheet_samples(batch: ImportBatch, rows: int = SAMPLE_ROWS) -> list[SheetSample]:
    workbook = open_workbook(batch_content(batch), batch.file_format)
    return [SheetSample(name, list(workbook.rows(name, stop=rows)), workbook.row_count(name))
            for name in workbook.sheet_names()]


def mappings_for(batch: ImportBatch) -> models.QuerySet[ColumnMapping]:
    return ColumnMapping.objects.filter(agency=batch.owner_agency, kind=batch.kind).order_by("name")


def mappings_of_user(user, permission: str = "case.create") -> models.QuerySet[ColumnMapping]:
    return ColumnMapping.objects.filter(agency_id__in=policy.agencies_of(user, permission)).select_related("agency")


def notes_page(batch: ImportBatch, *, level: str = "", page: int = 1) -> tuple[list[RowNote], bool]:
    """Notes on rows (skipped and failed first), a page at a time, and whether there is a next page."""
    notes = RowNote.objects.filter(batch=batch)
    if level in NoteLevel.values:
        notes = notes.filter(level=level)
    offset = (max(page, 1) - 1) * NOTES_PER_PAGE
    found = list(notes.order_by("row", "pk")[offset: offset + NOTES_PER_PAGE + 1])
    return found[:NOTES_PER_PAGE], len(found) > NOTES_PER_PAGE


def record_counts(batch: ImportBatch) -> list[tuple[str, str, int]]:
    """How many records of each kind the batch made or linked (for the undo page): (kind of record, outcome, n)."""
    from django.contrib.contenttypes.models import ContentType

    from trove.imports.models import RecordOutcome

    rows = (ImportedRecord.objects.filter(batch=batch).values("content_type_id", "outcome")
            .annotate(n=models.Count("pk")).order_by("content_type_id", "outcome"))
    found = []
    for row in rows:
        model = ContentType.objects.get_for_id(row["content_type_id"]).model_class()
        name = str(model._meta.verbose_name_plural) if model else "?"
        found.append((name, str(RecordOutcome(row["outcome"]).label), row["n"]))
    return found


def same_file_imported(batch: ImportBatch) -> list[int]:
    """Earlier imports of this very file by the same agency (their rows will be recognised and skipped)."""
    return list(ImportBatch.objects.filter(owner_agency=batch.owner_agency, kind=batch.kind,
                                           file_fingerprint=batch.file_fingerprint)
                .exclude(pk=batch.pk).exclude(status__in=["abandoned", "undone"]).values_list("pk", flat=True))
