"""Counting: the records of a figure in a period and a place, grouped by breakdowns, in one query per figure.

``cube(figure, period, place, dims)`` returns ``{(value of dim 1, value of dim 2, …): Count(n, amount)}``, from
which the tables take every total and sub-total in Python. Counts are cached per figure, period, place, unit option
and breakdowns (``trove.reports.cache``): the cached numbers do not depend on who asks — the access check comes first
and the small-count rule is applied when the numbers are shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, F, Sum

from trove.reports import cache
from trove.reports.exploitation import cases_not_recorded, cases_of_types, derived_grounds, recorded, type_expression
from trove.reports.periods import Period
from trove.reports.places import Place
from trove.reports.registry import DIMENSIONS, UNKNOWN, Figure


@dataclass(frozen=True)
class Tally:
    n: int  # records, or distinct people (``count_field``)
    amount: int | None = None  # the sum of ``sum_field`` for amount figures

    def __add__(self, other: Tally) -> Tally:
        amount = None if self.amount is None and other.amount is None else (self.amount or 0) + (other.amount or 0)
        return Tally(self.n + other.n, amount)


ZERO = Tally(0)


def records(figure: Figure, period: Period, place: Place) -> models.QuerySet:
    """The records a figure counts in the period and place (callers filter them through the policy to list them)."""
    return figure.records(period).filter(place.condition(figure.unit_field))


def _paths(figure: Figure) -> dict[str, str]:
    return dict(figure.paths, unit=figure.unit_field)


def _measures(figure: Figure, prefix: str = "") -> dict:
    if figure.count_field:
        measures = {"n": Count(f"{prefix}{figure.count_field}", distinct=True)}
    else:
        measures = {"n": Count(f"{prefix}pk" if prefix else "pk")}
    if figure.sum_field:
        measures["amount"] = Sum(f"{prefix}{figure.sum_field}")
    return measures


def _expressions(figure: Figure, dims: tuple[str, ...], prefix: str = "") -> dict:
    paths = _paths(figure)
    return {f"d{i}": DIMENSIONS[dim].expression(paths, prefix) for i, dim in enumerate(dims)}


def _normal(value):
    if value is None:
        return UNKNOWN
    return value


def _collect(rows, dims: tuple[str, ...], place: Place) -> dict[tuple, Tally]:
    result: dict[tuple, Tally] = defaultdict(lambda: ZERO)
    for row in rows:
        key = []
        for i, dim in enumerate(dims):
            value = row[f"d{i}"]
            key.append(place.row_of(value) if dim == "unit" else _normal(value))
        tally = Tally(row["n"], int(row["amount"] or 0)) if "amount" in row else Tally(row["n"])
        result[tuple(key)] = result[tuple(key)] + tally
    return dict(result)


def compute_cube(figure: Figure, period: Period, place: Place, dims: tuple[str, ...],
                 everyone: dict[tuple, Tally] | None = None) -> dict[tuple, Tally]:
    """``everyone``: for the exploitation breakdown, the figure's cube by the other breakdowns, when the caller has
    it already (it saves a query)."""
    for dim in dims:
        if not figure.supports(dim):
            raise ValueError(f"figure {figure.code} has no breakdown {dim}")
    base = records(figure, period, place)
    if "exploitation" in dims:
        return _exploitation_cube(figure, base, dims, place, everyone)
    rows = base.values(**_expressions(figure, dims)).annotate(**_measures(figure)).order_by()
    return _collect(rows, dims, place)


def _exploitation_cube(figure: Figure, base: models.QuerySet, dims: tuple[str, ...], place: Place,
                       everyone: dict[tuple, Tally] | None):
    """Cases counted once under each exploitation type they have — the types recorded on the case, or for a case
    with none recorded those of its decision's grounds (``trove.reports.exploitation``) — and under "not recorded"
    when they have neither. The two sources hold disjoint sets of cases, so their counts add up."""
    where = dims.index("exploitation")
    others = tuple(dim for dim in dims if dim != "exploitation")
    cases = base.values("pk")
    sources = (
        (recorded().filter(case__in=cases), "case__", "type", "case"),
        (derived_grounds().filter(identificationdecision__case__in=cases), "identificationdecision__case__",
         type_expression("identificationground__code"), "identificationdecision__case"),
    )
    result: dict[tuple, Tally] = {}
    with_type: dict[tuple, Tally] = {}
    for rows, prefix, kind, case in sources:
        kind = F(kind) if isinstance(kind, str) else kind
        typed = (rows.values(e=kind, **_expressions(figure, others, prefix))
                 .annotate(n=Count(case, distinct=True)).order_by())
        for row in typed:
            key = list(_key_of(row, others, place))
            key.insert(where, row["e"])
            result[tuple(key)] = result.get(tuple(key), ZERO) + Tally(row["n"])
        any_type = rows.values(**_expressions(figure, others, prefix)).annotate(n=Count(case, distinct=True)).order_by()
        for key, tally in _collect(any_type, others, place).items():
            with_type[key] = with_type.get(key, ZERO) + tally
    if everyone is None:
        everyone = _collect(base.values(**_expressions(figure, others)).annotate(n=Count("pk")).order_by(), others,
                            place)
    for key, tally in everyone.items():
        remaining = tally.n - with_type.get(key, ZERO).n
        if remaining:
            full = list(key)
            full.insert(where, UNKNOWN)
            result[tuple(full)] = Tally(remaining)
    return result


def _key_of(row: dict, dims: tuple[str, ...], place: Place) -> tuple:
    return tuple(place.row_of(row[f"d{i}"]) if dim == "unit" else _normal(row[f"d{i}"])
                 for i, dim in enumerate(dims))


def cube(figure: Figure, period: Period, place: Place, dims: tuple[str, ...], *,
         version: int | None = None, everyone: dict | None = None) -> dict[tuple, Tally]:
    """``compute_cube`` through the cache (``version``: the data version, when the caller already read it)."""
    return cache.remember(("cube", figure.code, period.key, place.cache_key, dims),
                          lambda: compute_cube(figure, period, place, dims, everyone), version=version)


def project(data: dict[tuple, Tally], dims: tuple[str, ...], keep: tuple[str, ...]) -> dict[tuple, Tally]:
    """The cube summed over every breakdown but ``keep`` (in that order), in one pass."""
    positions = [dims.index(dim) for dim in keep]
    result: dict[tuple, Tally] = {}
    for key, tally in data.items():
        short = tuple(key[position] for position in positions)
        result[short] = result.get(short, ZERO) + tally
    return result


def marginal(data: dict[tuple, Tally], dims: tuple[str, ...], wanted: dict[str, tuple]) -> Tally:
    """The total of the cube's cells whose values lie in ``wanted`` ({dim: allowed values}) for the dims named."""
    total = ZERO
    positions = {dims.index(dim): set(values) for dim, values in wanted.items()}
    for key, tally in data.items():
        if all(key[position] in allowed for position, allowed in positions.items()):
            total = total + tally
    return total


def filtered(figure: Figure, queryset: models.QuerySet, place: Place, filters: dict[str, tuple]) -> models.QuerySet:
    """The records of ``queryset`` whose breakdown values lie in ``filters`` (the drill-down of one cell)."""
    paths = _paths(figure)
    for dim, values in filters.items():
        if not figure.supports(dim):
            raise ValueError(dim)
        values = tuple(values)
        if dim == "unit":
            condition = models.Q(pk__in=[])
            for key in values:
                condition |= place.row_condition(key, figure.unit_field)
            queryset = queryset.filter(condition)
        elif dim == "exploitation":
            known = [value for value in values if value != UNKNOWN]
            condition = cases_of_types(known) if known else models.Q(pk__in=[])
            if UNKNOWN in values:
                condition |= cases_not_recorded()
            queryset = queryset.filter(condition)
        else:
            expression = DIMENSIONS[dim].expression(paths, "")
            name = f"rf_{dim}"
            condition = models.Q(**{f"{name}__in": list(values)})
            if UNKNOWN in values:
                condition |= models.Q(**{f"{name}__isnull": True})
            queryset = queryset.alias(**{name: expression}).filter(condition)
    return queryset
