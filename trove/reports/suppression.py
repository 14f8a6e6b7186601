"""Small counts: hidden from people who may not see exact statistics, and never published (CTDC's k = 11).

A table is a set of cells (any hashable key -> a count of people) and the equations its totals make: each equation
says that one cell (a total) is the sum of others (its parts). ``suppress`` returns the cells to hide:

1. primary suppression: every cell describing 1 to k-1 people (0 is shown: it describes nobody);
2. complementary suppression: in every equation with exactly one hidden cell, hide a second one — the smallest
   other cell, preferring one that is not 0 — and repeat until no equation has exactly one;
3. a final check that no hidden cell can be worked out from the shown cells by combining several equations (a hidden
   cell is *determined* when the equations, with the shown cells as constants, fix its value); for each such cell,
   hide the smallest further cell that frees it, and go back to 2.

Cells with the same key in several tables are the same number (the total of a figure shown in two tables, say):
``suppress_together`` hides a cell everywhere once any table hides it, so one table cannot give away what another
hides. Publication coarsens units first (``coarsen``): a unit whose total is under k is counted in one "other units"
row rather than shown on its own.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from fractions import Fraction

K = 11


def is_small(n: int | None, k: int = K) -> bool:
    return n is not None and 0 < n < k


@dataclass(frozen=True)
class Equation:
    total: Hashable
    parts: tuple[Hashable, ...]

    def cells(self) -> tuple[Hashable, ...]:
        return (self.total, *self.parts)


def _order(values: dict, cell: Hashable) -> tuple:
    value = values[cell]
    return (value == 0, value, repr(cell))


def _lines(values: dict, equations: Iterable[Equation]) -> list[tuple[Hashable, ...]]:
    return [equation.cells() for equation in equations
            if equation.parts and equation.total in values and all(part in values for part in equation.parts)]


def determined(values: dict, equations: Iterable[Equation], hidden: set) -> set:
    """The hidden cells whose value the equations fix, given the shown cells (exact rational elimination)."""
    lines = [line for line in _lines(values, equations) if any(cell in hidden for cell in line)]
    variables = sorted({cell for line in lines for cell in line if cell in hidden}, key=repr)
    if not variables:
        return set()
    column = {cell: index for index, cell in enumerate(variables)}
    rows = []
    for line in lines:
        row = [Fraction(0)] * len(variables)
        for position, cell in enumerate(line):
            if cell in hidden:
                row[column[cell]] += 1 if position == 0 else -1
        if any(row):
            rows.append(row)
    pivots: list[int] = []
    rank = 0
    for col in range(len(variables)):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        lead = rows[rank][col]
        rows[rank] = [value / lead for value in rows[rank]]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        pivots.append(col)
        rank += 1
    found = set()
    for r, col in enumerate(pivots):
        if all(value == 0 for c, value in enumerate(rows[r]) if c != col):
            found.add(variables[col])
    return found


def suppress(values: dict, equations: Iterable[Equation], *, k: int = K, forced: Iterable = ()) -> set:
    """The cells of one table to hide (see the module's description)."""
    equations = list(equations)
    lines = _lines(values, equations)
    hidden = {cell for cell, value in values.items() if is_small(value, k)}
    hidden |= {cell for cell in forced if cell in values}
    while True:
        changed = False
        for line in lines:
            if sum(1 for cell in line if cell in hidden) == 1:
                shown = [cell for cell in line if cell not in hidden]
                if shown:
                    hidden.add(min(shown, key=lambda cell: _order(values, cell)))
                    changed = True
        if changed:
            continue
        exposed = determined(values, equations, hidden)
        if not exposed:
            return hidden
        cell = min(exposed, key=repr)
        hidden |= _free(cell, values, equations, lines, hidden)


def _free(cell: Hashable, values: dict, equations: list[Equation], lines: list, hidden: set) -> set:
    """The smallest further cell whose hiding makes ``cell`` no longer determined (or, failing one, every cell of
    the equations that hold ``cell``)."""
    near = {other for line in lines if any(c in hidden for c in line) for other in line if other not in hidden}
    for candidate in sorted(near, key=lambda other: _order(values, other)):
        if cell not in determined(values, equations, hidden | {candidate}):
            return {candidate}
    return {other for line in lines if cell in line for other in line}


def suppress_together(tables: Iterable[tuple[dict, list[Equation]]], *, k: int = K) -> set:
    """Hide cells across tables that share cells (by key), until every table is safe with what all of them hide."""
    tables = list(tables)
    hidden: set = set()
    while True:
        found = set()
        for values, equations in tables:
            found |= suppress(values, equations, k=k, forced=hidden)
        if found <= hidden:
            return hidden
        hidden |= found


def coarsen(rows: dict[Hashable, int], *, k: int = K) -> tuple[list[Hashable], list[Hashable]]:
    """Split rows (unit -> its total) into those shown on their own and those counted together as "other units"
    because their total is under k. Returns (kept, merged)."""
    kept = [row for row, total in rows.items() if total >= k]
    merged = [row for row, total in rows.items() if 0 < total < k]
    return kept, merged
