"""Imports of the Excel lists that offices keep today (issue 12): the batch, what it made, and saved column mappings.

An ``ImportBatch`` is one uploaded workbook on its way through the wizard (upload, sheet, columns, preview, import,
report). It belongs to the agency that imports it, like a case, so the access policy decides who sees it. The file is
kept encrypted in private storage until the batch is done or abandoned; its name is encrypted too (it often holds a
place or a person's name). What the batch made is listed in ``ImportedRecord`` (one row per record and source row)
and what it did not make, with the reasons, in ``RowNote``. Neither ever holds a cell value in clear: a row is known
by its number and by a keyed hash of its normalised content (``fingerprint``), which is how a second import of the
same file recognises rows it has already brought in.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.fields import EncryptedJSONField, EncryptedTextField
from trove.core.models.access import AgencyOwned
from trove.core.storage import private_storage

# A running import writes its heartbeat at every committed batch of rows; one silent for this long was stopped (the
# worker was killed or the machine restarted) and may be resumed.
STALE_AFTER = datetime.timedelta(minutes=10)


class FileFormat(models.TextChoices):
    XLSX = "xlsx", "Excel (.xlsx)"
    XLS = "xls", "Excel 97-2003 (.xls)"
    CSV = "csv", "CSV"


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Choose the sheet")
    MAPPING = "mapping", _("Map the columns")
    READY = "ready", _("Ready to import")
    RUNNING = "running", _("Importing")
    INTERRUPTED = "interrupted", _("Interrupted")
    DONE = "done", _("Done")
    ABANDONED = "abandoned", _("Abandoned")
    UNDONE = "undone", _("Undone")


# Statuses in which the wizard may still change the sheet and the columns.
CONFIGURABLE = (BatchStatus.UPLOADED, BatchStatus.MAPPING, BatchStatus.READY)


def batch_file_path(instance: ImportBatch, filename: str) -> str:
    # A random name: the uploaded name may hold a person's or a place's name and stays encrypted in the row.
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ImportBatch(AgencyOwned):
    kind = models.CharField(_("what is imported"), max_length=30)
    status = models.CharField(_("status"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.UPLOADED,
                              db_index=True)
    file = models.FileField(storage=private_storage, upload_to=batch_file_path, max_length=200, blank=True)
    file_name = EncryptedTextField(_("file name"))
    file_format = models.CharField(_("file format"), max_length=4, choices=FileFormat.choices)
    file_size = models.PositiveIntegerField(_("file size"), default=0)
    # A keyed hash of the file's bytes: says "this very file was imported before" without keeping anything of it.
    file_fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    sheet_name = EncryptedTextField(_("sheet"), blank=True)
    header_row = models.PositiveIntegerField(_("first header row"), null=True, blank=True)
    header_rows = models.PositiveSmallIntegerField(_("header rows"), default=1)
    first_data_row = models.PositiveIntegerField(_("first data row"), null=True, blank=True)
    # The column headings as read (a title row misread as the header could hold anything, so encrypted).
    columns = EncryptedJSONField(_("columns"), null=True, blank=True)
    # Target field -> column number (0-based); values every row takes when its cell is empty, as codes.
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    defaults = models.JSONField(_("values for empty cells"), default=dict, blank=True)
    total_rows = models.PositiveIntegerField(_("rows in the sheet"), null=True, blank=True)
    # The last sheet row whose batch of rows was committed: a resumed import starts after it.
    last_row = models.PositiveIntegerField(_("last row done"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    linked_count = models.PositiveIntegerField(_("linked to an existing person"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    language = models.CharField(max_length=8, default="vi")
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Who may write the next batch of rows: set when an import starts or resumes, so that two runs never interleave.
    run_token = models.CharField(max_length=32, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("undone by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    access_view_permission = "case.view"

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["owner_agency", "-created_at"])]

    def __str__(self) -> str:
        return f"import {self.pk}"

    @property
    def stalled(self) -> bool:
        """Whether a running import has stopped without saying so (its worker was killed)."""
        if self.status != BatchStatus.RUNNING:
            return False
        return self.heartbeat_at is None or timezone.now() - self.heartbeat_at > STALE_AFTER

    @property
    def resumable(self) -> bool:
        return self.status == BatchStatus.INTERRUPTED or self.stalled

    @property
    def undoable(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.INTERRUPTED, BatchStatus.ABANDONED) and (
            self.created_count or self.linked_count)


class RecordOutcome(models.TextChoices):
    CREATED = "created", _("Created")
    LINKED = "linked", _("Linked to an existing person")


class ImportedRecord(models.Model):
    """One record a batch made or linked, with the sheet row it came from."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="records")
    row = models.PositiveIntegerField(_("row"))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    outcome = models.CharField(_("outcome"), max_length=8, choices=RecordOutcome.choices)
    # A keyed hash of the row's normalised content (never the content): how a later import knows the row.
    fingerprint = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        indexes = [models.Index(fields=["batch", "row"]), models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"row {self.row} of import {self.batch_id}"


class NoteLevel(models.TextChoices):
    SKIPPED = "skipped", _("Skipped")
    FAILED = "failed", _("Failed")
    WARNING = "warning", _("Imported with a remark")


class RowNote(models.Model):
    """Why a row was skipped or failed, or what to check on a row that was imported."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="notes")
    row = models.PositiveIntegerField(_("row"))
    level = models.CharField(_("result"), max_length=8, choices=NoteLevel.choices)
    # The messages, one a line. They name columns and rules, not values, but are encrypted all the same: a message
    # of an action may one day quote what was typed.
    reasons = EncryptedTextField(_("reasons"))

    class Meta:
        verbose_name = _("note on a row")
        verbose_name_plural = _("notes on rows")
        indexes = [models.Index(fields=["batch", "level", "row"])]

    def __str__(self) -> str:
        return f"{self.level} row {self.row} of import {self.batch_id}"


class ColumnMapping(models.Model):
    """A mapping of column headings to fields saved under a name by an agency, to reuse for its next files."""

    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.CASCADE,
                               related_name="+")
    kind = models.CharField(_("what is imported"), max_length=30)
    name = models.CharField(_("name"), max_length=80)
    # Field -> the heading of its column, normalised (lower case, no diacritics): headings, not data.
    columns = models.JSONField(default=dict)
    defaults = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved column mapping")
        verbose_name_plural = _("saved column mappings")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "kind", "name"], name="imports_mapping_unique_name")]

    def __str__(self) -> str:
        return self.name
