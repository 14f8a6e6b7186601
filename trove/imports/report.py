"""The report of an import: the sheet as it was uploaded, each row with its result, the reasons, and the record it
made, as an .xlsx workbook. An officer corrects the failed rows in it and imports it again: rows already imported
are recognised and skipped, so only the corrected ones are added.

Blank rows are left out; rows after the last one done (an import stopped half way) say so.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from trove.cases.models import Case
from trove.imports.models import ImportBatch, ImportedRecord, RecordOutcome, RowNote
from trove.imports.xlsx_writing import BOLD, WRAP, SheetWriter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 5000


def result_labels(*, dry_run: bool = False) -> dict[str, str]:
    if dry_run:
        return {"created": _("Would be created"), "linked": _("Would be linked to an existing person"),
                "skipped": _("Would be skipped"), "failed": _("Would fail"),
                "none": _("Not imported: nothing in the mapped columns")}
    return {
        "created": _("Created"), "linked": _("Linked to an existing person"), "skipped": _("Skipped"),
        "failed": _("Failed"), "pending": _("Not imported yet"),
        "none": _("Not imported: nothing in the mapped columns"),
    }


def _references(records: dict[int, list[tuple[int, int, str]]]) -> dict[tuple[int, int], str]:
    """A label for each (content type, object id): the case code for a case, "#id" with the model's name else."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for items in records.values():
        for content_type_id, object_id, _outcome in items:
            wanted[content_type_id].add(object_id)
    labels: dict[tuple[int, int], str] = {}
    case_type = ContentType.objects.get_for_model(Case).pk
    for content_type_id, ids in wanted.items():
        if content_type_id == case_type:
            ordered = sorted(ids)
            for start in range(0, len(ordered), CHUNK):
                for pk, code in Case.objects.filter(pk__in=ordered[start:start + CHUNK]).values_list("pk", "code"):
                    labels[(content_type_id, pk)] = code
            continue
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        name = str(model._meta.verbose_name) if model else "record"
        for pk in ids:
            labels[(content_type_id, pk)] = f"{name} #{pk}"
    return labels


def outcomes_of(batch: ImportBatch) -> dict[int, tuple[str, str, str]]:
    """Row -> (result, reasons, records) from what the batch stored."""
    records: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for row, content_type_id, object_id, outcome in ImportedRecord.objects.filter(batch=batch).values_list(
            "row", "content_type_id", "object_id", "outcome").iterator(chunk_size=CHUNK):
        records[row].append((content_type_id, object_id, outcome))
    labels = _references(records)
    found: dict[int, tuple[str, str, str]] = {}
    for row, items in records.items():
        linked = any(outcome == RecordOutcome.LINKED for _ct, _pk, outcome in items)
        found[row] = ("linked" if linked else "created", "",
                      ", ".join(labels.get((ct, pk), f"#{pk}") for ct, pk, _outcome in items))
    for note in RowNote.objects.filter(batch=batch).order_by("row").iterator(chunk_size=CHUNK):
        result, _reasons, made = found.get(note.row, (note.level, "", ""))
        found[note.row] = (result, note.reasons, made)
    return found


def build(batch: ImportBatch, rows, outcomes: dict[int, tuple[str, str, str]], *, done_until: int,
          dry_run: bool = False) -> bytes:
    """The report workbook. ``rows`` are the sheet's data rows; rows after ``done_until`` were not reached."""
    labels = result_labels(dry_run=dry_run)
    sheet = SheetWriter(_("Import report")[:31], widths={0: 8, 1: 22, 2: 60, 3: 28})
    columns = list(batch.columns or [])
    heading = [_("Row"), _("Result"), _("Reasons"), _("Records"), *columns]
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", str(title)) for title in heading], style=BOLD)
    wrap = {2: WRAP}
    illegal = ILLEGAL_CHARACTERS_RE
    for number, cells in rows:
        if all(value is None for value in cells):
            continue
        if number > done_until:
            result, reasons, made = "pending", "", ""
        else:
            result, reasons, made = outcomes.get(number, ("none", "", ""))
        values = [illegal.sub("", value) if isinstance(value, str) else value for value in cells]
        sheet.append([number, labels.get(result, result), illegal.sub("", reasons), made, *values], wrap)
    return sheet.save()


def file_name(batch: ImportBatch, *, dry_run: bool = False) -> str:
    stem = _("import-check") if dry_run else _("import-report")
    return f"{stem}-{batch.pk}.xlsx"
