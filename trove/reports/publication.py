"""Tables for publication: no published cell describes fewer than k = 11 people (CTDC's rule, DESIGN §6).

For each figure that counts people (amounts are not published), two-way tables with their totals:
- by sex, and by CTDC age band (0–8, 9–17, 18–20, …, 48+), for each value of the figure's breakdown (channel, risk
  channel) or for the figure as a whole;
- by administrative unit and sex: a unit whose total is under k is not shown on its own but counted in one
  "other units" row (units coarsened);
- by country and sex, where the figure records a country, coarsened the same way.

Then every table is suppressed together (``suppression.suppress_together``): cells of 1–10 people are hidden, and
further cells are hidden so that no hidden cell can be worked out from the totals, in any table. Hidden cells are
published as "×", whatever the reason they are hidden.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

from trove.geo.models import Country
from trove.reports import engine
from trove.reports.periods import Period
from trove.reports.places import OTHER, Place
from trove.reports.registry import CTDC_LABELS, DIMENSIONS, SEX_LABELS, UNKNOWN, Figure, figures
from trove.reports.report import cell_key
from trove.reports.suppression import Equation, K, coarsen, suppress_together

WITHHELD = "×"
TOTAL = "total"


@dataclass
class PublishedTable:
    key: str
    title: str
    row_heading: str
    columns: list[tuple[str, str]]  # (key, label), the total last
    rows: list[tuple[str, str]]  # (key, label), the total last
    values: dict[tuple[str, str], int] = field(default_factory=dict)
    keys: dict[tuple[str, str], tuple] = field(default_factory=dict)
    equations: list[Equation] = field(default_factory=list)
    hidden: set = field(default_factory=set)
    note: str = ""

    def text(self, row: str, column: str) -> str:
        if self.keys[(row, column)] in self.hidden:
            return WITHHELD
        return str(self.values[(row, column)])

    def published(self) -> list[list[str]]:
        lines = [[self.row_heading, *(label for _key, label in self.columns)]]
        for row, label in self.rows:
            lines.append([label, *(self.text(row, column) for column, _label in self.columns)])
        return lines


def _publishable() -> list[Figure]:
    """The figures that count people. A figure counting records of which one person may have several (referrals,
    visits) is published as the number of people behind them (``people_field``), without its sub-rows: a person
    referred for two services would otherwise count twice, and a cell of 11 could describe fewer people."""
    found = []
    for figure in figures():
        if figure.is_amount or not figure.supports("sex"):
            continue
        if figure.people_field:
            figure = replace(figure, code=f"{figure.code}.people", count_field=figure.people_field, split_by="",
                             label=_("%(figure)s: people") % {"figure": figure.label})
        found.append(figure)
    return found


def _grid(key: str, title: str, row_heading: str, figure: Figure, rows: list[tuple[str, str, dict]],
          columns: list[tuple[str, str, dict]], data: dict, dims: tuple) -> PublishedTable:
    """A two-way table with its margins: ``rows`` and ``columns`` are (key, label, filters), without the totals."""
    table = PublishedTable(key, title, row_heading, [(c, label) for c, label, _f in columns] + [(TOTAL, _("Total"))],
                           [(r, label) for r, label, _f in rows] + [(TOTAL, _("Total"))])
    row_filters = {r: f for r, _label, f in rows} | {TOTAL: {}}
    column_filters = {c: f for c, _label, f in columns} | {TOTAL: {}}
    for row, filters in row_filters.items():
        for column, more in column_filters.items():
            wanted = {**filters, **more}
            table.values[(row, column)] = engine.marginal(data, dims, wanted).n
            table.keys[(row, column)] = cell_key(figure.code, wanted)
    inner_rows = [r for r, _label, _f in rows]
    inner_columns = [c for c, _label, _f in columns]
    for row in row_filters:
        table.equations.append(Equation(table.keys[(row, TOTAL)],
                                        tuple(table.keys[(row, c)] for c in inner_columns)))
    for column in column_filters:
        table.equations.append(Equation(table.keys[(TOTAL, column)],
                                        tuple(table.keys[(r, column)] for r in inner_rows)))
    return table


def _sex_columns() -> list[tuple[str, str, dict]]:
    return [(value, str(label), {"sex": (value,)}) for value, label in SEX_LABELS.items()]


def _band_columns() -> list[tuple[str, str, dict]]:
    return [(value, str(label), {"ctdc_age": (value,)}) for value, label in CTDC_LABELS.items()]


def _split_rows(figure: Figure, data: dict, dims: tuple) -> list[tuple[str, str, dict]]:
    if not figure.split_by:
        return [(figure.code, str(figure.label), {})]
    dimension = DIMENSIONS[figure.split_by]
    position = dims.index(figure.split_by)
    present = {key[position] for key in data}
    choices = [(value, str(label)) for value, label in (dimension.choices() if dimension.choices else [])]
    rows = [(value, label, {figure.split_by: (value,)}) for value, label in choices]
    known = {value for value, _label in choices}
    rows += [(value, _("Not recorded") if value == UNKNOWN else str(value), {figure.split_by: (value,)})
             for value in sorted(present - known, key=str)]
    return rows


def _coarsened_rows(dim: str, totals: dict, labels: dict) -> list[tuple[str, str, dict]]:
    kept, merged = coarsen(totals)
    ordered = sorted(kept, key=lambda value: labels.get(value, value))
    rows = [(value, labels.get(value, value), {dim: (value,)}) for value in ordered]
    if merged:
        rows.append(("other", _("Other units together (each under %(k)d)") % {"k": K} if dim == "unit"
                     else _("Other countries together (each under %(k)d)") % {"k": K}, {dim: tuple(merged)}))
    return rows


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def publication_tables(period: Period, place: Place, *, version: int | None = None) -> list[PublishedTable]:
    tables: list[PublishedTable] = []
    for figure in _publishable():
        label = str(figure.label)
        split = (figure.split_by,) if figure.split_by and figure.supports(figure.split_by) else ()
        heading = str(DIMENSIONS[figure.split_by].label) if split else label
        by_sex = engine.cube(figure, period, place, (*split, "sex"), version=version)
        rows = _split_rows(figure, by_sex, (*split, "sex")) if split else [(figure.code, label, {})]
        tables.append(_grid(f"{_slug(figure.code)}-sex", _("%(figure)s by sex") % {"figure": label}, heading,
                            figure, rows, _sex_columns(), by_sex, (*split, "sex")))
        if figure.supports("ctdc_age"):
            by_band = engine.cube(figure, period, place, (*split, "ctdc_age"), version=version)
            tables.append(_grid(f"{_slug(figure.code)}-age", _("%(figure)s by age band (CTDC)") % {"figure": label},
                                heading, figure, rows, _band_columns(), by_band, (*split, "ctdc_age")))
        if figure.supports("unit"):
            by_unit = engine.cube(figure, period, place, ("unit", "sex"), version=version)
            totals: dict[str, int] = {}
            for (unit, _sex), tally in by_unit.items():
                totals[unit] = totals.get(unit, 0) + tally.n
            labels = {unit: place.row_label(unit) for unit in totals}
            labels[OTHER] = _("Recorded at the level above")
            tables.append(_grid(f"{_slug(figure.code)}-unit", _("%(figure)s by administrative unit and sex") % {
                "figure": label}, place.row_level_label(), figure, _coarsened_rows("unit", totals, labels),
                _sex_columns(), by_unit, ("unit", "sex")))
        if figure.supports("country"):
            by_country = engine.cube(figure, period, place, ("country", "sex"), version=version)
            totals = {}
            for (country, _sex), tally in by_country.items():
                totals[country] = totals.get(country, 0) + tally.n
            names = dict(Country.objects.filter(code__in=list(totals)).values_list("code", "name_vi"))
            labels = {code: f"{names.get(code, code)} ({code})" for code in totals}
            labels[UNKNOWN] = _("Not recorded")
            tables.append(_grid(f"{_slug(figure.code)}-country", _("%(figure)s by country and sex") % {
                "figure": label}, _("Country"), figure, _coarsened_rows("country", totals, labels), _sex_columns(),
                by_country, ("country", "sex")))
    hidden = suppress_together([({t.keys[c]: v for c, v in t.values.items()}, t.equations) for t in tables])
    for table in tables:
        table.hidden = hidden
    return tables


def csv_bytes(table: PublishedTable) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(table.published())
    return ("\ufeff" + out.getvalue()).encode("utf-8")
