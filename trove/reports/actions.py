"""Exports: every file that leaves the system through the reports app is made here, checked and audited.

Each function takes keyword-only arguments and the acting user, checks the permission and the scope first (403/404
as the policy does), validates, records an audit entry (what was exported, for which period and place, how many
records — never who), and returns the file; or, for a large export, queues a background job (``jobs.py``) and
returns it — the job page shows progress and the download link, and only its owner may download the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trove.cases.models import Case
from trove.core import audit, jobs, policy
from trove.core.models import Job
from trove.reports import access, htcds, publication, review, workbook
from trove.reports.access import Viewer
from trove.reports.forms import ReportForm
from trove.reports.officials import issuer_for
from trove.reports.periods import Period
from trove.reports.places import Place, UnitsOption
from trove.reports.presenting import present, present_table
from trove.reports.report import build_report, hidden_cells

MIN_REASON_LENGTH = 10
CSV = "text/csv; charset=utf-8"
JSON = "application/json"
REPORT_FORMATS = ("xlsx", "docx")
HTCDS_FORMATS = ("json", "csv")


@dataclass
class ExportFile:
    name: str
    content_type: str
    content: bytes
    records: int = 0


def inline_limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _audit(action: str, *, acting_user, request, period: Period | None, place: Place | None, changes: dict,
           reason: str = "") -> None:
    where = place.cache_key if place is not None else "all"
    when = period.key if period is not None else "all"
    audit.record(action, actor=acting_user, request=request, object_type="reports.statistics",
                 object_id=f"{where}/{when}"[:64], changes={name: [None, value] for name, value in changes.items()},
                 reason=reason)


def _file_stem(period: Period, place: Place) -> str:
    return f"{place.key.replace(':', '-')}_{period.key.replace('..', '_')}"


# ---------------------------------------------------------------------------------------------------------------
# The periodic report: workbook, Word draft, CSV of one table


def build_report_file(*, acting_user, period: Period, place: Place, file_format: str, viewer: Viewer) -> ExportFile:
    issuer = issuer_for(acting_user, place)
    stem = _file_stem(period, place)
    if file_format == "xlsx":
        with translation.override("vi"):
            report = build_report(period, place)
            tables = present(report, viewer)
            content = workbook.workbook(
                tables, issuer=issuer, period_label=period.label(),
                period_dates=f"từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}",
                place_label=place.label(), units_label=str(UnitsOption(place.option).label), exact=viewer.exact)
        return ExportFile(f"bao-cao-thong-ke_{stem}.xlsx", workbook.XLSX, content)
    with translation.override("vi"):
        report = build_report(period, place)
        hidden = hidden_cells(report.tables, exact=viewer.exact)
        content = review.render(report, hidden, issuer, place)
    return ExportFile(f"bao-cao-so-tong-ket_{stem}.docx", review.DOCX, content)


def export_report(*, acting_user, period: Period, place: Place, file_format: str, request=None) -> ExportFile | Job:
    """The periodic report as an Excel workbook or a Word draft; in the background when the place holds more
    records than ``REPORTS_INLINE_EXPORT_LIMIT`` (20,000 by default)."""
    if file_format not in REPORT_FORMATS:
        raise ValidationError({"format": _("Choose Excel (xlsx) or Word (docx).")})
    viewer = access.viewer_for(acting_user, place)
    report = build_report(period, place)
    size = report.total("received").n if report.total("received") else 0
    changes = {"format": file_format, "exact": viewer.exact}
    if size > inline_limit("REPORTS_INLINE_EXPORT_LIMIT", 20000):
        with transaction.atomic():
            _audit("report.export", acting_user=acting_user, request=request, period=period, place=place,
                   changes={**changes, "background": True})
            return jobs.enqueue(kind="reports.export", acting_user=acting_user, request=request, params={
                "export": "report", "format": file_format, **ReportForm.params(period, place)})
    exported = build_report_file(acting_user=acting_user, period=period, place=place, file_format=file_format,
                                 viewer=viewer)
    _audit("report.export", acting_user=acting_user, request=request, period=period, place=place, changes=changes)
    return exported


def export_table_csv(*, acting_user, period: Period, place: Place, table: str, request=None) -> ExportFile:
    """One table of the report as CSV, in the interface language, numbers hidden as on the page."""
    import csv
    import io

    viewer = access.viewer_for(acting_user, place)
    report = build_report(period, place)
    chosen = report.table(table)
    if chosen is None:
        raise ValidationError({"table": _("There is no such table in the report.")})
    hidden = hidden_cells(report.tables, exact=viewer.exact)
    presented = present_table(chosen, hidden, None)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([chosen.title, *(column.label for column in chosen.columns)])
    for row in presented.rows:
        writer.writerow([row.label, *(cell.value if cell.value is not None else cell.text for cell in row.cells)])
    _audit("report.export", acting_user=acting_user, request=request, period=period, place=place,
           changes={"format": "csv", "table": table, "exact": viewer.exact})
    return ExportFile(f"{table}_{_file_stem(period, place)}.csv", CSV, ("\ufeff" + out.getvalue()).encode("utf-8"))


# ---------------------------------------------------------------------------------------------------------------
# Publication


def publication_file(*, period: Period, place: Place) -> ExportFile:
    """The publication tables as one workbook, a sheet per table (safe for anyone: nothing under k is in it)."""
    import io

    from openpyxl import Workbook

    tables = publication.publication_tables(period, place)
    book = Workbook()
    book.remove(book.active)
    for number, table in enumerate(tables, start=1):
        sheet = book.create_sheet(f"{number:02d} {table.key}"[:31])  # Excel allows 31 characters
        sheet.append([table.title])
        for line in table.published():
            sheet.append([int(value) if value.isdigit() else value for value in line])
        sheet.append([_("“%(mark)s”: withheld so that no published number describes fewer than %(k)d people.")
                      % {"mark": publication.WITHHELD, "k": publication.K}])
    out = io.BytesIO()
    book.save(out)
    return ExportFile(f"cong-bo_{_file_stem(period, place)}.xlsx", workbook.XLSX, out.getvalue())


def export_publication(*, acting_user, period: Period, place: Place, request=None) -> ExportFile:
    access.viewer_for(acting_user, place)
    exported = publication_file(period=period, place=place)
    _audit("report.publish", acting_user=acting_user, request=request, period=period, place=place,
           changes={"format": "xlsx"})
    return exported


def publish_to_directory(*, period: Period, place: Place, directory, acting_user=None) -> list:
    """``manage.py publish_stats``: every publication table as a CSV file in ``directory``, and a README."""
    from pathlib import Path

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tables = publication.publication_tables(period, place)
    written = []
    for table in tables:
        path = directory / f"{table.key}.csv"
        path.write_bytes(publication.csv_bytes(table))
        written.append(path)
    readme = directory / "README.txt"
    readme.write_text(
        f"Trở Về — {period.label()} — {place.label()}\n"
        f"{len(tables)} tables; generated {timezone.localtime():%Y-%m-%d %H:%M}.\n"
        f"“{publication.WITHHELD}”: withheld so that no published number describes fewer than {publication.K} "
        "people (cells of 1–10 people, and further cells that would let them be worked out from the totals); units "
        f"and countries with fewer than {publication.K} people are counted together.\n", encoding="utf-8")
    written.append(readme)
    with transaction.atomic():
        _audit("report.publish", acting_user=acting_user, request=None, period=period, place=place,
               changes={"format": "csv", "tables": len(tables)})
    return written


# ---------------------------------------------------------------------------------------------------------------
# HTCDS


@dataclass
class HtcdsSelection:
    cases: object  # the queryset of cases exported, through the policy
    identifiable_ids: set[int]


def htcds_selection(*, acting_user, period: Period | None, place: Place | None, pseudonymised: bool,
                    reason: str = "", reason_given: bool = False) -> HtcdsSelection:
    """The cases the user may export, after checking the permission (and, for identity, the reason, unless
    ``reason_given``: a background job whose reason was checked and audited when it was asked for)."""
    if pseudonymised:
        if not policy.has_permission(acting_user, access.EXACT):
            raise PermissionDenied(_("Record-level exports need the permission to see exact statistics."))
    else:
        if not policy.has_permission(acting_user, "export.identifiable"):
            raise PermissionDenied(_("Exporting data that identifies people needs the permission “Export data that "
                                     "identifies people”. Export the pseudonymised version instead, or ask an "
                                     "administrator."))
        if not reason_given and len((reason or "").strip()) < MIN_REASON_LENGTH:
            raise ValidationError({"reason": _("Write why these identifiable data are exported (at least %(count)d "
                                               "characters); the reason is kept in the audit log.")
                                   % {"count": MIN_REASON_LENGTH}})
    if place is not None and place.unit is not None:
        access.viewer_for(acting_user, place)
    cases = Case.objects.all()
    if period is not None:
        cases = cases.filter(intake__received_at__gte=period.start_moment(),
                             intake__received_at__lt=period.end_moment())
    if place is not None:
        cases = cases.filter(place.condition("unit"))
    if pseudonymised:
        return HtcdsSelection(policy.visible(acting_user, cases), set())
    exported = policy.visible(acting_user, cases, "export.identifiable")
    identifiable = set(policy.visible(acting_user, exported, "case.view_identity").values_list("pk", flat=True))
    return HtcdsSelection(exported, identifiable)


def build_htcds_file(selection: HtcdsSelection, *, file_format: str, pseudonymised: bool,
                     progress=None) -> ExportFile:
    options = htcds.Options(selection.identifiable_ids, pseudonymised)
    records = list(htcds.rows(selection.cases, options, progress))
    stamp = f"{timezone.localdate():%Y%m%d}"
    variant = "pseudonymised" if pseudonymised else "identifiable"
    if file_format == "json":
        content = htcds.write_json(records, pseudonymised=pseudonymised)
        return ExportFile(f"htcds_{variant}_{stamp}.json", JSON, content, len(records))
    return ExportFile(f"htcds_{variant}_{stamp}.csv", CSV, htcds.write_csv(records), len(records))


def export_htcds(*, acting_user, file_format: str, pseudonymised: bool, reason: str = "",
                 period: Period | None = None, place: Place | None = None, request=None,
                 background: bool | None = None) -> ExportFile | Job:
    """Case data in HTCDS v2.0 (``htcds.py``). Identifiable exports need ``export.identifiable`` and a reason;
    every export is audited with the number of records. ``background=None`` decides by size
    (``REPORTS_INLINE_HTCDS_LIMIT``, 2,000 cases by default)."""
    if file_format not in HTCDS_FORMATS:
        raise ValidationError({"format": _("Choose JSON or CSV.")})
    selection = htcds_selection(acting_user=acting_user, period=period, place=place, pseudonymised=pseudonymised,
                                reason=reason)
    count = selection.cases.count()
    changes = {"format": file_format, "pseudonymised": pseudonymised, "records": count,
               "identifiable_records": len(selection.identifiable_ids)}
    if background is None:
        background = count > inline_limit("REPORTS_INLINE_HTCDS_LIMIT", 2000)
    if background:
        params = {"export": "htcds", "format": file_format, "pseudonymised": pseudonymised}
        if period is not None:
            params["period"] = period.key
        if place is not None:
            params.update(place=place.key, units=place.option)
        with transaction.atomic():
            _audit("report.export_htcds", acting_user=acting_user, request=request, period=period, place=place,
                   changes={**changes, "background": True}, reason=reason.strip())
            return jobs.enqueue(kind="reports.export", acting_user=acting_user, request=request, params=params)
    exported = build_htcds_file(selection, file_format=file_format, pseudonymised=pseudonymised)
    _audit("report.export_htcds", acting_user=acting_user, request=request, period=period, place=place,
           changes=changes, reason=reason.strip())
    return exported

