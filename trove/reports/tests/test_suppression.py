"""Small counts and complementary suppression: examples, and properties proven on generated tables."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from trove.reports.suppression import Equation, coarsen, determined, suppress, suppress_together


def grid(inner: list[list[int]]):
    """A table with its row totals, column totals and grand total: (values, equations)."""
    rows, columns = len(inner), len(inner[0])
    values = {(r, c): inner[r][c] for r in range(rows) for c in range(columns)}
    for r in range(rows):
        values[(r, "T")] = sum(inner[r])
    for c in range(columns):
        values[("T", c)] = sum(inner[r][c] for r in range(rows))
    values[("T", "T")] = sum(values[(r, "T")] for r in range(rows))
    equations = [Equation((r, "T"), tuple((r, c) for c in range(columns))) for r in [*range(rows), "T"]]
    equations += [Equation(("T", c), tuple((r, c) for r in range(rows))) for c in [*range(columns), "T"]]
    return values, equations


def null_space(matrix: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """A basis of the solutions of matrix · x = 0, written independently of the module (free variables of the
    reduced row echelon form)."""
    rows = [list(row) for row in matrix]
    pivots, r = [], 0
    for c in range(width):
        found = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if found is None:
            continue
        rows[r], rows[found] = rows[found], rows[r]
        rows[r] = [v / rows[r][c] for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                rows[i] = [a - rows[i][c] * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append(c)
        r += 1
    basis = []
    for free in (c for c in range(width) if c not in pivots):
        vector = [Fraction(0)] * width
        vector[free] = Fraction(1)
        for i, c in enumerate(pivots):
            vector[c] = -rows[i][free]
        basis.append(vector)
    return basis


def recomputable(values, equations, hidden) -> set:
    """Hidden cells whose value every solution of the equations (with the shown cells fixed) agrees on: those whose
    coordinate is zero in every vector of the null space."""
    cells = sorted(hidden, key=repr)
    index = {cell: i for i, cell in enumerate(cells)}
    matrix = []
    for equation in equations:
        row = [Fraction(0)] * len(cells)
        for position, cell in enumerate(equation.cells()):
            if cell in index:
                row[index[cell]] += 1 if position == 0 else -1
        matrix.append(row)
    basis = null_space(matrix, len(cells))
    return {cell for cell in cells if all(vector[index[cell]] == 0 for vector in basis)}


def test_a_small_cell_and_its_complements_are_hidden():
    values, equations = grid([[5, 40], [30, 50]])
    hidden = suppress(values, equations)
    assert (0, 0) in hidden and (0, 1) in hidden and (1, 0) in hidden and (1, 1) in hidden
    assert not any(0 < values[cell] < 11 for cell in values if cell not in hidden)
    assert not recomputable(values, equations, hidden)


def test_zero_is_shown_and_a_zero_row_needs_nothing_hidden():
    values, equations = grid([[0, 0], [30, 50]])
    assert suppress(values, equations) == set()


def test_a_cell_exposed_only_by_combining_equations_is_protected():
    # Two rings of hidden cells joined by one more: every line holds two hidden cells or more, yet the joining cell
    # is fixed by the equations taken together. The last step must hide a further cell.
    values, equations = grid([[20, 21, 22, 23], [24, 25, 26, 27], [28, 29, 30, 31], [32, 33, 34, 35]])
    rings = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)}
    assert determined(values, equations, rings | {(0, 2)}) == {(0, 2)}
    assert recomputable(values, equations, rings | {(0, 2)}) == {(0, 2)}
    hidden = suppress(values, equations, forced=rings | {(0, 2)})
    assert len(hidden) > 9
    assert recomputable(values, equations, hidden) == set()


def test_cells_shared_by_tables_are_hidden_in_all_of_them():
    first = ({"r1": 5, "r2": 30, "tot": 35}, [Equation("tot", ("r1", "r2"))])
    second = ({"tot": 35, "x": 20, "y": 15}, [Equation("tot", ("x", "y"))])
    hidden = suppress_together([first, second])
    assert {"r1", "r2"} <= hidden or {"r1", "tot"} <= hidden
    if "tot" in hidden:
        assert {"x", "y"} & hidden


def test_units_under_k_are_coarsened():
    kept, merged = coarsen({"a": 30, "b": 3, "c": 4, "d": 0})
    assert kept == ["a"] and sorted(merged) == ["b", "c"]


tables = st.integers(min_value=1, max_value=4).flatmap(
    lambda rows: st.integers(min_value=1, max_value=4).flatmap(
        lambda columns: st.lists(st.lists(st.one_of(st.integers(0, 12), st.integers(0, 60)),
                                          min_size=columns, max_size=columns), min_size=rows, max_size=rows)))


@settings(max_examples=120, deadline=None)
@given(tables)
def test_no_published_cell_is_small_and_no_hidden_cell_can_be_worked_out(inner):
    values, equations = grid(inner)
    hidden = suppress(values, equations)
    shown = {cell: value for cell, value in values.items() if cell not in hidden}
    assert not [value for value in shown.values() if 0 < value < 11]
    for equation in equations:  # no line with exactly one hidden cell: a difference would give it away
        assert sum(1 for cell in equation.cells() if cell in hidden) != 1
    assert recomputable(values, equations, hidden) == set()


@settings(max_examples=60, deadline=None)
@given(tables, tables)
def test_tables_suppressed_together_stay_safe_each(first, second):
    a_values, a_equations = grid(first)
    b_inner = [row[:] for row in second]
    b_values, b_equations = grid(b_inner)
    b_values = {("b", *key): value for key, value in b_values.items()}
    b_equations = [Equation(("b", *e.total), tuple(("b", *p) for p in e.parts)) for e in b_equations]
    # The grand totals are the same number in both tables.
    b_values[("T", "T")] = a_values[("T", "T")]
    b_equations = [Equation(("T", "T") if e.total == ("b", "T", "T") else e.total,
                            tuple(("T", "T") if p == ("b", "T", "T") else p for p in e.parts)) for e in b_equations]
    b_values.pop(("b", "T", "T"))
    hidden = suppress_together([(a_values, a_equations), (b_values, b_equations)])
    for values, equations in ((a_values, a_equations), (b_values, b_equations)):
        own = hidden & values.keys()
        assert not [v for c, v in values.items() if c not in own and 0 < v < 11]
        assert recomputable(values, equations, own) == set()
