"""The library of indicators that plans measure, computed from the records themselves (DESIGN §2 point 9).

An indicator definition says, for a period and a place, which records count: ``denominator`` is the set the share is
taken of (None for a plain count) and ``numerator`` the part of it that meets the target. Both are querysets over one
``AgencyOwned`` model, so that the records behind a figure can be listed through the access policy (drill-down).

Each app declares the indicators over its own records in an ``indicators`` module that calls ``register``; the plans
app reads the library through ``definitions()`` and ``get``. Codes are stable: plans store them.

    register(IndicatorDefinition(
        code="tips.classified_on_time", kind=Kind.SHARE, name=_("Tips classified within the time limit"),
        description=_("..."), model="intel.Tip",
        denominator=lambda scope: Tip.objects.filter(received_at__date__range=scope.dates(), ...),
        numerator=lambda scope, base: base.filter(classified_on_time=True),
    ))
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.module_loading import autodiscover_modules


class Kind(models.TextChoices):
    SHARE = "share", "share"  # numerator / denominator, shown as a percentage
    COUNT = "count", "count"  # numerator only
    SUM = "sum", "sum"  # a total of a field over the numerator's records (people reached, say)


@dataclass(frozen=True)
class Scope:
    """A period (both days included) and optionally a place: records whose ``unit`` lies in ``unit`` or under it,
    in either unit set (``trove.core.policy.covered_units``)."""

    start: datetime.date
    end: datetime.date
    unit: object = None  # AdminUnit or None for everywhere

    def dates(self) -> tuple[datetime.date, datetime.date]:
        return (self.start, self.end)

    def place(self, field: str = "unit") -> models.Q:
        """A condition on the records' unit field (``unit`` by default; ``case__unit`` through a relation)."""
        if self.unit is None:
            return models.Q()
        from trove.core.policy import covered_units

        return covered_units(self.unit, field)


@dataclass(frozen=True)
class Value:
    numerator: int | Decimal
    denominator: int | None

    @property
    def percent(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(self.numerator) * 100 / self.denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IndicatorDefinition:
    code: str
    kind: str  # Kind
    name: object  # lazy translated
    description: object
    model: str  # "app_label.Model" of the records counted
    # scope -> the records the figure is about (for SHARE the denominator; for COUNT/SUM the counted records)
    base: Callable[[Scope], models.QuerySet]
    # (scope, base) -> the records that meet the target (SHARE only)
    numerator: Callable[[Scope, models.QuerySet], models.QuerySet] | None = None
    # SUM only: the field summed over ``base`` (e.g. "reach")
    sum_field: str = ""

    def compute(self, scope: Scope) -> Value:
        base = self.base(scope)
        if self.kind == Kind.SHARE:
            return Value(numerator=self.numerator(scope, base).count(), denominator=base.count())
        if self.kind == Kind.SUM:
            total = base.aggregate(total=models.Sum(self.sum_field))["total"] or 0
            return Value(numerator=total, denominator=None)
        return Value(numerator=base.count(), denominator=None)

    def records(self, scope: Scope, *, meeting: bool | None = None) -> models.QuerySet:
        """The records behind the figure (all of the base; with ``meeting`` only those that do or do not meet it).
        Callers filter the result through ``trove.core.policy.visible`` before showing it."""
        base = self.base(scope)
        if meeting is None or self.numerator is None:
            return base
        met = self.numerator(scope, base).values("pk")
        return base.filter(pk__in=met) if meeting else base.exclude(pk__in=met)


_LIBRARY: dict[str, IndicatorDefinition] = {}
_discovered = False


def register(definition: IndicatorDefinition) -> IndicatorDefinition:
    if definition.kind == Kind.SHARE and definition.numerator is None:
        raise ValueError(f"share indicator {definition.code} needs a numerator")
    if definition.kind == Kind.SUM and not definition.sum_field:
        raise ValueError(f"sum indicator {definition.code} needs a sum_field")
    _LIBRARY[definition.code] = definition
    return definition


def unregister(code: str) -> None:
    """Remove a definition (tests that register one of their own clean up with this)."""
    _LIBRARY.pop(code, None)


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("indicators")
        _discovered = True


def definitions() -> list[IndicatorDefinition]:
    _discover()
    return sorted(_LIBRARY.values(), key=lambda definition: definition.code)


def get(code: str) -> IndicatorDefinition:
    _discover()
    return _LIBRARY[code]
