"""The periodic report: its tables, built from the registered figures for one period and one place.

The same ``Report`` feeds the statistics page, the dashboards, the Excel workbook, the Word draft and the CSV files,
so that every output shows the same numbers. Tables hold raw counts; ``shown(report, exact=…)`` applies the
small-count rule for people who may not see exact statistics (``trove.reports.suppression``).

Tables:
- ``figures``: every figure (rows, with the channel and risk-channel sub-rows) by sex and age group;
- ``exploitation``: identified victims by type of exploitation, by sex and age group;
- ``countries``: persons returned from abroad, suspected victims and persons not yet rescued by country;
- ``units``: the count figures by administrative unit (the level below the place).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from trove.geo.models import Country
from trove.reports import cache, engine, freshness
from trove.reports.engine import Tally, marginal
from trove.reports.periods import Period
from trove.reports.places import OTHER, Place
from trove.reports.registry import (
    AGE_GROUP_LABELS,
    DIMENSIONS,
    SECTIONS,
    SEX_LABELS,
    UNKNOWN,
    Figure,
    figures,
    get,
)
from trove.reports.suppression import Equation, is_small, suppress_together

TOTAL = "total"
HIDDEN_SMALL = "<11"
HIDDEN_OTHER = "×"


def cell_key(figure: str, filters: dict[str, Iterable]) -> tuple:
    return (figure, frozenset((dim, tuple(sorted(values))) for dim, values in filters.items()))


@dataclass
class Cell:
    key: tuple
    figure: str
    filters: dict[str, tuple]
    tally: Tally | None  # None: the figure has no such breakdown
    amount: bool = False


@dataclass
class Row:
    key: str
    label: str
    level: int = 0


@dataclass
class Column:
    key: str
    label: str
    group: str = ""


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    equations: list[Equation] = field(default_factory=list)
    note: str = ""

    def cell(self, row: str, column: str) -> Cell | None:
        return self.cells.get((row, column))

    def values(self) -> dict:
        return {cell.key: cell.tally.n for cell in self.cells.values() if cell.tally is not None}


@dataclass
class Report:
    period: Period
    place: Place
    tables: list[Table]
    version: int

    def table(self, key: str) -> Table | None:
        return next((table for table in self.tables if table.key == key), None)

    def total(self, figure: str, **filters) -> Tally | None:
        """The raw total of a figure (with filters, e.g. channel=("hotline",)), wherever a table holds it."""
        key = cell_key(figure, filters)
        for table in self.tables:
            for cell in table.cells.values():
                if cell.key == key:
                    return cell.tally
        return None


SEX_COLUMNS = list(SEX_LABELS)
AGE_COLUMNS = list(AGE_GROUP_LABELS)


def _people_columns() -> list[Column]:
    columns = [Column(TOTAL, _("Total"))]
    columns += [Column(f"sex:{value}", str(label), str(_("Sex"))) for value, label in SEX_LABELS.items()]
    columns += [Column(f"age:{value}", str(label), str(_("Age group"))) for value, label in AGE_GROUP_LABELS.items()]
    return columns


def _column_filter(column: str) -> dict[str, tuple]:
    if column == TOTAL:
        return {}
    dim, _sep, value = column.partition(":")
    return {dim: (value,)}


def _split_rows(figure: Figure, data: dict, dims: tuple) -> list[tuple[str, tuple, int]]:
    if not figure.split_by:
        return []
    if figure.split_rows:
        return [(str(label), tuple(values), level) for label, values, level in figure.split_rows]
    dimension = DIMENSIONS[figure.split_by]
    choices = [(value, str(label)) for value, label in (dimension.choices() if dimension.choices else [])]
    known = {value for value, _label in choices}
    position = dims.index(figure.split_by)
    extra = sorted({key[position] for key in data} - known, key=str)
    rows = [(label, (value,), 1) for value, label in choices]
    rows += [(_("Not recorded") if value == UNKNOWN else str(value), (value,), 1) for value in extra]
    return rows


def _children(rows: list[tuple[str, dict, int]], index: int) -> list[int]:
    level = rows[index][2]
    found = []
    for later in range(index + 1, len(rows)):
        if rows[later][2] <= level:
            break
        if rows[later][2] == level + 1:
            found.append(later)
    return found


def _partition(parent: dict, children: list[dict], dim: str, universe: set) -> bool:
    parent_values = set(parent.get(dim, universe))
    seen: set = set()
    for child in children:
        values = set(child.get(dim, ()))
        if values & seen:
            return False
        seen |= values
    return bool(children) and seen == parent_values


class Cubes:
    """The counts one report needs, each asked for once: a figure's main cube (its sub-rows, sex, age group and unit)
    feeds both the main table and the table by unit."""

    def __init__(self, period: Period, place: Place, version: int) -> None:
        self.period, self.place, self.version = period, place, version
        self._memo: dict[tuple, dict] = {}

    def get(self, figure: Figure, dims: tuple[str, ...], everyone: dict | None = None) -> dict:
        key = (figure.code, dims)
        if key not in self._memo:
            self._memo[key] = engine.cube(figure, self.period, self.place, dims, version=self.version,
                                          everyone=everyone)
        return self._memo[key]

    @staticmethod
    def main_dims(figure: Figure) -> tuple[str, ...]:
        return tuple(dim for dim in (figure.split_by, "sex", "age", "unit") if dim and figure.supports(dim))

    def main(self, figure: Figure, keep: tuple[str, ...]) -> dict:
        """The figure's main cube summed down to the breakdowns ``keep``."""
        dims = self.main_dims(figure)
        return engine.project(self.get(figure, dims), dims, tuple(dim for dim in keep if dim in dims))


def figures_table(cubes: Cubes) -> Table:
    table = Table("figures", _("Persons received, identified and registered, by sex and age group"),
                  _people_columns(),
                  note=_("Ages are counted from the year of birth at the date of intake or report."))
    for section in SECTIONS:
        for figure in figures(section):
            dims = tuple(dim for dim in (figure.split_by, "sex", "age") if dim and figure.supports(dim))
            data = cubes.main(figure, dims)
            rows: list[tuple[str, dict, int]] = [(str(figure.label), {}, 0)]
            for label, values, level in _split_rows(figure, data, dims):
                rows.append((label, {figure.split_by: values}, level))
            universe = {key[dims.index(figure.split_by)] for key in data} if figure.split_by else set()
            if figure.split_by and DIMENSIONS[figure.split_by].choices:
                universe |= {value for value, _label in DIMENSIONS[figure.split_by].choices()}
            for index, (label, filters, level) in enumerate(rows):
                row_key = f"{figure.code}#{index}"
                table.rows.append(Row(row_key, label, level))
                for column in table.columns:
                    wanted = {**filters, **_column_filter(column.key)}
                    supported = all(dim in dims for dim in _column_filter(column.key))
                    tally = marginal(data, dims, wanted) if supported else None
                    table.cells[(row_key, column.key)] = Cell(cell_key(figure.code, wanted), figure.code, wanted,
                                                              tally, figure.is_amount)
                _row_equations(table, row_key)
            for index in range(len(rows)):
                children = _children(rows, index)
                if figure.split_by and _partition(rows[index][1], [rows[c][1] for c in children],
                                                  figure.split_by, universe):
                    for column in table.columns:
                        total = table.cells[(f"{figure.code}#{index}", column.key)]
                        parts = [table.cells[(f"{figure.code}#{c}", column.key)] for c in children]
                        if total.tally is not None:
                            table.equations.append(Equation(total.key, tuple(part.key for part in parts)))
    return table


def _row_equations(table: Table, row_key: str) -> None:
    total = table.cells[(row_key, TOTAL)]
    for prefix in ("sex:", "age:"):
        parts = [table.cells[(row_key, column.key)] for column in table.columns if column.key.startswith(prefix)]
        if all(part.tally is not None for part in parts):
            table.equations.append(Equation(total.key, tuple(part.key for part in parts)))


def exploitation_table(cubes: Cubes) -> Table | None:
    figure = get("identification.victim")
    if figure is None or not figure.supports("exploitation"):
        return None
    dims = tuple(dim for dim in ("exploitation", "sex", "age") if figure.supports(dim))
    others = tuple(dim for dim in dims if dim != "exploitation")
    data = cubes.get(figure, dims, everyone=cubes.main(figure, others))
    table = Table("exploitation", _("Identified victims by type of exploitation"), _people_columns(),
                  note=_("A victim exploited in several ways is counted under each type, so the rows do not add up "
                         "to the number of victims. The types are those recorded on the case; for a case without "
                         "any, those of the exploitative purposes its approved decision was based on (Decree "
                         "62/2012/NĐ-CP, Art. 5); otherwise \"not recorded\"."))
    present = {key[0] for key, tally in data.items() if tally.n}
    for value, label in DIMENSIONS["exploitation"].choices():
        if value not in present and value != UNKNOWN:
            continue
        row_key = f"exploitation:{value}"
        table.rows.append(Row(row_key, str(label)))
        for column in table.columns:
            wanted = {"exploitation": (value,), **_column_filter(column.key)}
            table.cells[(row_key, column.key)] = Cell(cell_key(figure.code, wanted), figure.code, wanted,
                                                      marginal(data, dims, wanted))
        _row_equations(table, row_key)
    return table


def _country_columns() -> list[tuple[Figure, dict, str]]:
    from trove.reports.figures import ABROAD

    columns = []
    for figure in figures():
        if not figure.supports("country") or figure.is_amount:
            continue
        if figure.code == "received":
            columns.append((figure, {"channel": ABROAD}, _("Returned from abroad")))
        elif not figure.code.startswith("identification."):
            columns.append((figure, {}, str(figure.label)))
    return columns


def countries_table(cubes: Cubes) -> Table:
    specs = _country_columns()
    table = Table("countries", _("By destination country"),
                  [Column(figure.code, label) for figure, _filters, label in specs],
                  note=_("The country a person came back from (persons received from abroad), the destination "
                         "(suspected victims) or the last known country (persons not yet rescued)."))
    found = {}
    for figure, filters, _label in specs:
        dims = (*filters.keys(), "country")
        found[figure.code] = (dims, cubes.get(figure, dims))
    codes = {key[-1] for dims, data in found.values() for key, tally in data.items() if tally.n}
    english = (get_language() or "vi").startswith("en")
    names = dict(Country.objects.filter(code__in=[c for c in codes if c != UNKNOWN]).values_list(
        "code", "name_en" if english else "name_vi"))
    ordered = sorted((c for c in codes if c != UNKNOWN), key=lambda c: names.get(c, c)) + [UNKNOWN]
    row_keys = [*ordered, TOTAL]
    for code in row_keys:
        label = _("Total") if code == TOTAL else _("Not recorded") if code == UNKNOWN else (
            f"{names.get(code, code)} ({code})")
        table.rows.append(Row(code, label, 0 if code == TOTAL else 1))
    for figure, filters, _label in specs:
        dims, data = found[figure.code]
        for code in row_keys:
            wanted = dict(filters) if code == TOTAL else {**filters, "country": (code,)}
            table.cells[(code, figure.code)] = Cell(cell_key(figure.code, wanted), figure.code, wanted,
                                                    marginal(data, dims, wanted))
        table.equations.append(Equation(table.cells[(TOTAL, figure.code)].key,
                                        tuple(table.cells[(code, figure.code)].key for code in ordered)))
    return table


def units_table(cubes: Cubes) -> Table:
    place = cubes.place
    specs = [figure for figure in figures() if figure.supports("unit") and not figure.is_amount and figure.by_unit]
    table = Table("units", _("By administrative unit (%(level)s)") % {"level": place.row_level_label()},
                  [Column(figure.code, str(figure.label)) for figure in specs])
    by_unit = {figure.code: cubes.main(figure, ("unit",)) for figure in specs}
    keys = {key[0] for data in by_unit.values() for key, tally in data.items() if tally.n}
    ordered = sorted((k for k in keys if k != OTHER), key=lambda k: (place.row_label(k), k))
    if OTHER in keys:
        ordered.append(OTHER)
    for key in [*ordered, TOTAL]:
        label = _("Total") if key == TOTAL else place.row_label(key)
        table.rows.append(Row(key or "other", label, 0 if key == TOTAL else 1))
    for figure in specs:
        data = by_unit[figure.code]
        for key in ordered:
            wanted = {"unit": (key,)}
            table.cells[(key or "other", figure.code)] = Cell(cell_key(figure.code, wanted), figure.code, wanted,
                                                              marginal(data, ("unit",), wanted))
        table.cells[(TOTAL, figure.code)] = Cell(cell_key(figure.code, {}), figure.code, {},
                                                 marginal(data, ("unit",), {}))
        table.equations.append(Equation(table.cells[(TOTAL, figure.code)].key,
                                        tuple(table.cells[(key or "other", figure.code)].key for key in ordered)))
    return table


def cross_tables(cubes: Cubes) -> list[Table]:
    """For the figures that name a ``cross_by`` breakdown: one table per section and breakdown, the figures as rows
    and the breakdown's values as columns (with the total)."""
    groups: dict[tuple[str, str], list[Figure]] = {}
    for figure in figures():
        if figure.cross_by and figure.supports(figure.cross_by):
            groups.setdefault((figure.section, figure.cross_by), []).append(figure)
    tables = []
    for (section, dim), members in groups.items():
        dimension = DIMENSIONS[dim]
        data = {figure.code: cubes.get(figure, (dim,)) for figure in members}
        present = {key[0] for found in data.values() for key, tally in found.items() if tally.n}
        choices = [(value, str(label)) for value, label in (dimension.choices() if dimension.choices else [])]
        known = {value for value, _label in choices}
        values = [(value, label) for value, label in choices if value in present]
        values += [(value, _("Not recorded") if value == UNKNOWN else str(value))
                   for value in sorted(present - known, key=str)]
        columns = [Column(TOTAL, _("Total")), *(Column(f"{dim}:{value}", label, str(dimension.label))
                                                 for value, label in values)]
        table = Table(f"{section}-by-{dim}", _("%(section)s by %(breakdown)s") % {
            "section": SECTIONS[section], "breakdown": str(dimension.label).lower()}, columns)
        for figure in members:
            table.rows.append(Row(figure.code, str(figure.label)))
            for column in columns:
                wanted = _column_filter(column.key)
                table.cells[(figure.code, column.key)] = Cell(cell_key(figure.code, wanted), figure.code, wanted,
                                                              marginal(data[figure.code], (dim,), wanted),
                                                              figure.is_amount)
            total = table.cells[(figure.code, TOTAL)]
            table.equations.append(Equation(total.key, tuple(table.cells[(figure.code, column.key)].key
                                                             for column in columns[1:])))
        tables.append(table)
    return tables


def build_report(period: Period, place: Place, *, version: int | None = None) -> Report:
    """Every table of the periodic report, in the interface language, through the cache (the counts are cached on
    their own too, so another language costs no query)."""
    version = freshness.version() if version is None else version
    return cache.remember(("report", period.key, place.cache_key, get_language()),
                          lambda: _build_report(period, place, version), version=version)


def _build_report(period: Period, place: Place, version: int) -> Report:
    cubes = Cubes(period, place, version)
    tables = [figures_table(cubes)]
    exploitation = exploitation_table(cubes)
    if exploitation is not None:
        tables.append(exploitation)
    tables.append(countries_table(cubes))
    tables.extend(cross_tables(cubes))
    tables.append(units_table(cubes))
    return Report(period, place, tables, version)


# ---------------------------------------------------------------------------------------------------------------
# Showing the numbers


@dataclass
class Shown:
    text: str  # what a page or a file shows
    value: int | None  # the number, when shown (None when hidden or not applicable)
    hidden: bool = False
    small: bool = False
    cell: Cell | None = None
    link: str = ""


def hidden_cells(tables: list[Table], *, exact: bool) -> set:
    if exact:
        return set()
    return suppress_together([(table.values(), table.equations) for table in tables])


def show(cell: Cell | None, hidden: set, *, grouping: bool = True) -> Shown:
    if cell is None or cell.tally is None:
        return Shown("—", None, cell=cell)
    if cell.key in hidden:
        small = is_small(cell.tally.n)
        return Shown(HIDDEN_SMALL if small else HIDDEN_OTHER, None, True, small, cell)
    value = cell.tally.amount if cell.amount else cell.tally.n
    value = value or 0
    return Shown(number_format(value, force_grouping=grouping), value, cell=cell)
