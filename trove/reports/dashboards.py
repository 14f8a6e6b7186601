"""What the two dashboards show.

Leaders (``report.view_aggregate``, for a period and a place in their scope): the main totals, persons received by
month, the channel mix, the table by unit, cases with overdue verification steps by owning agency, the values of the
indicators other apps register (``trove.core.indicators``; their targets come from the plans), and the panels other
apps add (``registry.register_panel``). Everything is cached per place, period and data version; the small-count rule
is applied when shown.

Caseworkers (``case.view``): their own deadlines — verification steps overdue and due within a week, and requests
overdue — on the cases they may work on, plus the panels other apps add (referrals waiting, visits due).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.cases.models import Case
from trove.core import indicators
from trove.reports import cache, engine, freshness
from trove.reports.access import Viewer
from trove.reports.engine import Tally
from trove.reports.periods import Period
from trove.reports.places import Place
from trove.reports.registry import get
from trove.reports.report import Cell, Report, Shown, cell_key, show
from trove.reports.suppression import Equation, is_small, suppress
from trove.rules.models import IntakeChannel
from trove.verification.models import StepStatus, VerificationStep
from trove.verification.selectors import open_requests, open_steps

logger = logging.getLogger(__name__)
SOON_DAYS = 7
MY_ROWS = 20


def single(n: int | None, exact: bool) -> Shown:
    """A count shown on its own (no table around it): hidden under k for those without exact statistics."""
    if n is None:
        return Shown("—", None)
    cell = Cell(("single",), "", {}, Tally(n))
    return show(cell, set() if exact or not is_small(n) else {cell.key})


def trend(period: Period, place: Place, viewer: Viewer, version: int, report: Report,
          hidden: set) -> list[tuple[str, Shown]]:
    """Persons received by month. The months add up to the period's total, so for those without exact statistics
    they are suppressed as one table with it (a single "<11" month could be worked out from the total)."""
    figure = get("received")
    data = engine.cube(figure, period, place, ("month",), version=version)
    months = period.months()
    cells = [Cell(("received-month", year, month), "received", {},
                  data.get((year * 100 + month,), Tally(0))) for year, month in months]
    total = Cell(cell_key("received", {}), "received", {}, report.total("received") or Tally(0))
    shown_hidden: set = set()
    if not viewer.exact:
        values = {cell.key: cell.tally.n for cell in [*cells, total]}
        equation = Equation(total.key, tuple(cell.key for cell in cells))
        shown_hidden = suppress(values, [equation], forced=hidden & {total.key})
    return [(f"{month:02d}/{year % 100:02d}", show(cell, shown_hidden)) for (year, month), cell in zip(months, cells,
                                                                                                     strict=True)]


def channel_mix(report: Report, hidden: set) -> list[tuple[str, Shown]]:
    """Persons received by channel: the cells of the main table, hidden as they are there."""
    items = []
    for value, label in IntakeChannel.choices:
        tally = report.total("received", channel=(value,))
        filters = {"channel": (value,)}
        cell = Cell(cell_key("received", filters), "received", filters, tally) if tally is not None else None
        items.append((str(label), show(cell, hidden)))
    return items


def totals(report: Report, viewer: Viewer, hidden: set) -> list[tuple[str, Shown]]:
    codes = ["received", "identification.victim", "identification.not_victim", "identification.being_identified",
             "suspected", "missing"]
    items = []
    for code in codes:
        figure = get(code)
        tally = report.total(code)
        if figure is None or tally is None:
            continue
        items.append((str(figure.label), show(Cell(cell_key(code, {}), code, {}, tally), hidden)))
    return items


@dataclass
class OverdueRow:
    agency: str
    cases: Shown
    steps: Shown


def overdue_by_agency(place: Place, viewer: Viewer, version: int) -> list[OverdueRow]:
    today = timezone.localdate()

    def compute():
        cases = Case.objects.filter(place.condition("unit"))
        return list(
            VerificationStep.objects.filter(status=StepStatus.PENDING, deadline__lt=today,
                                            case__in=cases.values("pk"))
            .values(name=F("case__owner_agency__name"))
            .annotate(cases=Count("case", distinct=True), steps=Count("pk")).order_by("-cases", "name")[:30])

    rows = cache.remember(("overdue", place.cache_key), compute, version=version)
    return [OverdueRow(row["name"], single(row["cases"], viewer.exact), single(row["steps"], viewer.exact))
            for row in rows]


@dataclass
class IndicatorRow:
    code: str
    name: str
    value: str
    basis: str


def indicator_values(period: Period, place: Place, viewer: Viewer, version: int) -> list[IndicatorRow]:
    """The registered indicators for the period and place. A share whose base is under k is hidden from those
    without exact statistics; an indicator that fails is shown as unavailable rather than breaking the board."""
    scope = indicators.Scope(period.start, period.end, place.unit)

    def compute():
        values = {}
        for definition in indicators.definitions():
            try:
                with transaction.atomic():  # a failing query must not spoil the request's transaction
                    value = definition.compute(scope)
            except Exception as error:  # noqa: BLE001 - another app's indicator must not break the dashboard
                logger.error("indicator %s failed: %s", definition.code, type(error).__name__)
                continue
            values[definition.code] = (value.numerator, value.denominator,
                                       None if value.percent is None else str(value.percent))
        return values

    computed = cache.remember(("indicators", period.key, place.cache_key), compute, version=version)
    rows = []
    for definition in indicators.definitions():
        if definition.code not in computed:
            rows.append(IndicatorRow(definition.code, str(definition.name), _("unavailable"), ""))
            continue
        numerator, denominator, percent = computed[definition.code]
        if denominator is not None:
            if not viewer.exact and is_small(denominator):
                rows.append(IndicatorRow(definition.code, str(definition.name), "<11", ""))
                continue
            value = f"{percent} %" if percent is not None else "—"
            rows.append(IndicatorRow(definition.code, str(definition.name), value, f"{numerator}/{denominator}"))
        else:
            rows.append(IndicatorRow(definition.code, str(definition.name), single(int(numerator), viewer.exact).text,
                                     ""))
    return rows


def leaders_version() -> int:
    return freshness.version()


@dataclass
class MyWork:
    overdue_steps: list
    soon_steps: list
    overdue_requests: list
    scope: str


def my_work(user, scope: str) -> MyWork:
    today = timezone.localdate()
    steps = open_steps(user, scope)
    overdue = list(steps.filter(deadline__lt=today)[:MY_ROWS])
    soon = list(steps.filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=SOON_DAYS))[:MY_ROWS])
    requests = list(open_requests(user, scope).filter(due_on__lt=today)[:MY_ROWS])
    return MyWork(overdue, soon, requests, scope)
