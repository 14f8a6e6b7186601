"""Turning a report's tables into what a page or a file shows for one viewer: numbers or "<11", and the link from each
number to the records behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote_plus, urlencode

from django.urls import reverse

from trove.reports.access import Viewer
from trove.reports.report import Cell, Column, Report, Shown, Table, hidden_cells, show


@dataclass
class PresentedRow:
    key: str
    label: str
    level: int
    cells: list[Shown]


@dataclass
class PresentedTable:
    key: str
    title: str
    note: str
    columns: list[Column]
    groups: list[tuple[str, int]]  # header groups over the columns: (label, span)
    rows: list[PresentedRow] = field(default_factory=list)
    csv_url: str = ""


def records_url(params: dict | str, cell: Cell) -> str:
    """The drill-down address of one number (``params``: the period and place, or their query string already)."""
    base = params if isinstance(params, str) else f"{reverse('reports:records')}?{urlencode(params)}"
    filters = "".join(f"&f={quote_plus(f'{dim}:{value}')}" for dim, values in cell.filters.items() for value in values)
    return f"{base}&figure={quote_plus(cell.figure)}{filters}"


def _groups(columns: list[Column]) -> list[tuple[str, int]]:
    groups: list[tuple[str, int]] = []
    for column in columns:
        if groups and groups[-1][0] == column.group:
            groups[-1] = (column.group, groups[-1][1] + 1)
        else:
            groups.append((column.group, 1))
    return groups


def present_table(table: Table, hidden: set, params: dict | None) -> PresentedTable:
    presented = PresentedTable(table.key, table.title, table.note, table.columns, _groups(table.columns))
    if params is not None:
        presented.csv_url = f"{reverse('reports:table_csv')}?{urlencode({**params, 'table': table.key})}"
    base = f"{reverse('reports:records')}?{urlencode(params)}" if params is not None else ""
    for row in table.rows:
        cells = []
        for column in table.columns:
            shown = show(table.cell(row.key, column.key), hidden)
            if base and shown.cell is not None and shown.cell.tally is not None and shown.cell.tally.n:
                shown.link = records_url(base, shown.cell)
            cells.append(shown)
        presented.rows.append(PresentedRow(row.key, row.label, row.level, cells))
    return presented


def present(report: Report, viewer: Viewer, params: dict | None = None) -> list[PresentedTable]:
    """Every table, with the cells the viewer may not see hidden (the same cells in every table)."""
    hidden = hidden_cells(report.tables, exact=viewer.exact)
    return [present_table(table, hidden, params) for table in report.tables]
