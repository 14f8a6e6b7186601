"""The values of the indicators plans show, computed together and cached until the records they count change.

A plan dashboard shows some twenty indicators of the library (``trove.core.indicators``) over one period and place.
Each computed on its own took one query for a count or a sum and two for a share, most of them over the place's
cases: 29 queries for the library's 20 (20 here for a place, one of them the place's units). Here:

- **Counted together.** Indicators over the same records — the same base function, or the same *universe* that an
  indicator declared with ``count_together`` (the plans' own: the received cases, the activities held) — are counted
  in one query with conditional aggregates: for each indicator the records of its base (or the sum of its field) and,
  for a share declared with the condition it is met by, those of them that meet it. The numerator of a share not
  declared is counted with its own query, ``numerator(scope, base)`` as the definition builds it, so that it counts
  exactly what ``compute`` counts (folding an arbitrary numerator into the base's query as ``pk IN (...)`` was tried:
  fewer queries, but PostgreSQL then searched the numerator over the whole table, slower than the query it saved).
  Grouping compiles no SQL: the same function of the same scope gives the same records. A base that is not a plain
  filter (distinct, sliced, grouped, known to be empty) is computed on its own.
- **The place resolved once.** The units a scope covers are read once (one query) and every indicator filters on
  that list (``_PlacedScope``) rather than on the three subqueries of ``Scope.place``: same records, better plans.
- **Cached** through the statistics cache (``trove.reports.cache``) per indicator, period and place, under the data
  version and the day. Every model the indicators read is watched (each definition's model and ``READ_BESIDES``, a
  list a test checks against the tables their queries touch), so a committed change to any of them moves the version
  and the next request counts afresh. Inside a transaction that changed them and has not committed, the version has
  not moved yet: there the cache is neither read nor written (``cache.writes_pending``). Who may open a plan is checked
  before; the numbers are the same for everyone who may.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from trove.core.indicators import IndicatorDefinition, Kind, Scope, Value
from trove.reports import cache

# What the library's indicators read besides the model each counts (a test checks this list against the tables their
# queries touch). Administrative units are reference data that only the loaders change; the cache's expiry covers them.
READ_BESIDES = ("cases.Intake", "people.Person", "verification.VerificationStep", "verification.IdentificationDecision",
                "support.SupportEntry", "support.SafetyMeasure", "referrals.Referral", "referrals.AgeLimit",
                "intel.ProceedingStage")


def watch_inputs() -> None:
    """Have a change to any record an indicator reads move the data version (``PlansConfig.ready``)."""
    from django.apps import apps

    from trove.core import indicators
    from trove.reports import freshness

    labels = {definition.model for definition in indicators.definitions()} | set(READ_BESIDES)
    freshness.watch(*(apps.get_model(label) for label in sorted(labels)))


@dataclass(frozen=True)
class Together:
    """An indicator as part of a larger set of records: ``universe`` gives the set for a scope, ``base`` picks the
    indicator's records in it (None: all of them) and ``met`` those that meet the target (shares)."""

    universe: Callable[[Scope], QuerySet]
    base: Callable[[], Q] | None = None
    met: Callable[[], Q] | None = None


_TOGETHER: dict[str, Together] = {}


def count_together(code: str, universe: Callable[[Scope], QuerySet], *, base: Callable[[], Q] | None = None,
                   met: Callable[[], Q] | None = None) -> None:
    """Declare how indicator ``code`` is counted within ``universe``; the definition's ``base`` must be
    ``universe(scope).filter(base())`` and its numerator ``base.filter(met())``."""
    _TOGETHER[code] = Together(universe, base, met)


@dataclass
class _Counting:
    key: tuple
    definition: IndicatorDefinition
    base: Q | None  # the indicator's records among those of the group (None: all of them)
    met: Q | None  # those that meet the target (shares)


@dataclass
class _Group:
    records: QuerySet
    countings: list[_Counting]


def _plain(queryset: QuerySet) -> bool:
    query = queryset.query
    return not (query.distinct or query.is_sliced or query.group_by is not None or query.combinator
                or query.annotations or query.is_empty())


def _count(group: _Group) -> dict:
    """One query over the group's records: each indicator's count (or sum) and, where declared, how many meet it."""
    aggregates = {}
    for number, counting in enumerate(group.countings):
        if counting.definition.kind == Kind.SUM:
            aggregates[f"s{number}"] = Sum(counting.definition.sum_field, filter=counting.base)
            continue
        aggregates[f"n{number}"] = Count("pk", filter=counting.base)
        if counting.met is not None:
            met = counting.met if counting.base is None else counting.base & counting.met
            aggregates[f"m{number}"] = Count("pk", filter=met)
    found = group.records.order_by().aggregate(**aggregates)
    values = {}
    for number, counting in enumerate(group.countings):
        kind = counting.definition.kind
        if kind == Kind.SUM:
            values[counting.key] = Value(numerator=found[f"s{number}"] or 0, denominator=None)
        elif kind == Kind.SHARE:  # a numerator not declared is counted afterwards
            values[counting.key] = Value(numerator=found.get(f"m{number}"), denominator=found[f"n{number}"])
        else:
            values[counting.key] = Value(numerator=found[f"n{number}"], denominator=None)
    return values


@dataclass(frozen=True)
class _PlacedScope(Scope):
    """A scope whose place is the list of the units it covers, found once for all the indicators: the same records as
    ``Scope.place`` (``policy.covered_units``), but as a list PostgreSQL matches with the unit index and estimates
    well, where three ``IN (subquery)`` alternatives made it scan every case of the country (2x at 1,000,000)."""

    unit_ids: tuple = ()

    def place(self, field: str = "unit") -> Q:
        if self.unit is None:
            return Q()
        return Q(**{f"{field}__in": self.unit_ids})


def _placed(scope: Scope) -> Scope:
    if scope.unit is None:
        return scope
    from trove.core.policy import covered_units
    from trove.geo.models import AdminUnit

    ids = tuple(AdminUnit.objects.filter(covered_units(scope.unit, "pk")).order_by("pk").values_list("pk", flat=True))
    return _PlacedScope(start=scope.start, end=scope.end, unit=scope.unit, unit_ids=ids)


def compute(requests: Iterable[tuple[IndicatorDefinition, Scope]]) -> dict[tuple[str, Scope], Value]:
    """The values of the indicators asked for, with one query for each set of records they count (uncached).

    Indicators are counted together when they declared the same universe (``count_together``) or share their base
    function, for the same scope: the same function of the same scope gives the same records."""
    values, groups, seen, numerators, placed = {}, {}, set(), {}, {}
    for definition, asked in requests:
        key = (definition.code, asked)
        if key in seen:
            continue
        seen.add(key)
        if asked not in placed:
            placed[asked] = _placed(asked)
        scope = placed[asked]
        together = _TOGETHER.get(definition.code)
        if together is not None:
            group = groups.get((together.universe, scope))
            if group is None:
                group = groups[(together.universe, scope)] = _Group(together.universe(scope), [])
            group.countings.append(_Counting(key, definition, together.base() if together.base else None,
                                             together.met() if together.met else None))
            continue
        group = groups.get((definition.base, scope))
        if group is None:
            base = definition.base(scope)
            if not _plain(base):
                values[key] = definition.compute(scope)
                continue
            group = groups[(definition.base, scope)] = _Group(base, [])
        if definition.kind == Kind.SHARE:
            # The numerator's own query: its condition is the definition's to build, and its records are found once.
            numerators[key] = definition.numerator(scope, group.records)
        group.countings.append(_Counting(key, definition, None, None))
    for group in groups.values():
        values.update(_count(group))
    for key, numerator in numerators.items():
        values[key] = Value(numerator=numerator.count(), denominator=values[key].denominator)
    return values


def _key_parts(code: str, scope: Scope) -> tuple:
    return ("plan-indicator", code, scope.start.isoformat(), scope.end.isoformat(),
            None if scope.unit is None else scope.unit.pk)


def values(requests: Iterable[tuple[IndicatorDefinition, Scope]],
           served: cache.Served | None = None) -> dict[tuple[str, Scope], Value]:
    """The values by (code, scope), from the cache where it holds them, the others computed together. With
    ``served``, values computed earlier today may stand in while the current ones are computed (``cache``)."""
    wanted = {(definition.code, scope): definition for definition, scope in requests}

    def missing(keys: list) -> dict:
        return {key: (value.numerator, value.denominator)
                for key, value in compute((wanted[key], key[1]) for key in keys).items()}

    found = cache.remember_many({key: _key_parts(*key) for key in wanted}, missing, exact=True, served=served)
    return {key: Value(numerator=numerator, denominator=denominator)
            for key, (numerator, denominator) in found.items()}


def value(definition: IndicatorDefinition, scope: Scope) -> Value:
    return values([(definition, scope)])[(definition.code, scope)]
