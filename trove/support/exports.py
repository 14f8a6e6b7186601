"""The Excel workbook of an estimate (issue 6, part 5): what the finance office checks spending with.

Three sheets: estimated and spent by funding source and support type, totals by support type, and the entries
themselves — date, type, source, amount, days, whether a receipt is attached — without any case code or person.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from trove.rules.models import in_language
from trove.support.budgets import budget_table, spent_entries
from trove.support.models import BudgetEstimate

MONEY = "#,##0"


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list], money_columns: set[int],
           first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in money_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = MONEY
    for index, title_text in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(50, len(title_text) + 4))
    sheet.freeze_panes = "A2"
    return sheet


def estimate_workbook(estimate: BudgetEstimate) -> bytes:
    table = budget_table(estimate)
    no_source = _("No funding source")

    def source_name(source) -> str:
        return source.name if source else no_source

    workbook = Workbook()
    rows = []
    for total in table.sources:
        rows.extend([source_name(row.funding_source), row.support_type.letter,
                     in_language(row.support_type, "name"), row.estimated, row.spent, row.remaining,
                     row.entries, row.basis] for row in total.rows)
        rows.append([source_name(total.funding_source), "", _("Total of the source"), total.estimated, total.spent,
                     total.remaining, "", ""])
    rows.append(["", "", _("Total"), table.estimated, table.spent, table.remaining, table.entries, ""])
    sheet = _sheet(workbook, _("Estimate and spending"),
                   [_("Funding source"), _("Letter"), _("Support type"), _("Estimated (VND)"), _("Spent (VND)"),
                    _("Remaining (VND)"), _("Entries"), _("Basis of the estimate")], rows, {4, 5, 6}, first=True)
    sheet.insert_rows(1)
    sheet["A1"] = _("Budget estimate %(year)d — %(agency)s") % {"year": estimate.year,
                                                                 "agency": estimate.owner_agency.name}
    sheet["A1"].font = Font(bold=True)
    sheet.freeze_panes = "A3"

    _sheet(workbook, _("By support type"),
           [_("Letter"), _("Support type"), _("Estimated (VND)"), _("Spent (VND)"), _("Remaining (VND)"),
            _("Entries")],
           [[r.support_type.letter, in_language(r.support_type, "name"), r.estimated, r.spent, r.remaining,
             r.entries] for r in table.by_type], {3, 4, 5})

    entries = (spent_entries(estimate).select_related("support_type", "funding_source")
               .order_by("given_on", "pk"))
    _sheet(workbook, _("Entries"),
           [_("Entry"), _("Given on"), _("Letter"), _("Support type"), _("Funding source"), _("Amount (VND)"),
            _("Days covered"), _("Receipt attached"), _("Outside the entitlement (overridden)")],
           [[e.pk, e.given_on, e.support_type.letter, in_language(e.support_type, "name"),
             source_name(e.funding_source), e.amount, e.days_covered, _("yes") if e.receipt_id else _("no"),
             _("yes") if e.override_codes else _("no")] for e in entries.iterator(chunk_size=2000)], {6})
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
