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
from decimal import Decimal

from django.conf import settings
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


def referral_answer_days() -> int:
    """How many days a receiving agency has to accept or decline a referral before the boards show it as overdue.
    No legal text sets this limit: it is the installation's working rule (``REFERRAL_ANSWER_DAYS``, default 7)."""
    return settings.REFERRAL_ANSWER_DAYS


@dataclass
class OverdueRow:
    agency: str
    cases: Shown
    steps: Shown
    referrals: Shown
    visits: Shown
    total: Shown


def overdue_by_agency(place: Place, viewer: Viewer, version: int) -> list[OverdueRow]:
    """Overdue work in the place, by agency: verification steps past their deadline (and the cases they belong to)
    by the agency owning the case, referrals not answered within ``referral_answer_days`` by the receiving agency,
    and follow-up visits past their last day by the agency following the case. Three grouped queries, cached."""
    from trove.referrals.models import FollowUpVisit, Referral, ReferralStatus, VisitStatus

    today = timezone.localdate()

    def compute():
        found: dict[int, dict] = {}

        def add(rows, **names):
            for row in rows:
                entry = found.setdefault(row["agency"], {"name": row["name"], "cases": 0, "steps": 0,
                                                         "referrals": 0, "visits": 0})
                for target, source in names.items():
                    entry[target] += row[source]

        cases = Case.objects.filter(place.condition("unit"))
        add(VerificationStep.objects.filter(status=StepStatus.PENDING, deadline__lt=today,
                                            case__in=cases.values("pk"))
            .values(agency=F("case__owner_agency"), name=F("case__owner_agency__name"))
            .annotate(c=Count("case", distinct=True), s=Count("pk")).order_by(), cases="c", steps="s")
        limit = today - datetime.timedelta(days=referral_answer_days())
        add(Referral.objects.filter(place.condition("unit"), status=ReferralStatus.SENT, referred_on__lt=limit,
                                    to_agency__isnull=False)
            .values(agency=F("to_agency"), name=F("to_agency__name")).annotate(n=Count("pk")).order_by(),
            referrals="n")
        add(FollowUpVisit.objects.filter(place.condition("unit"), status=VisitStatus.PLANNED, due_by__lt=today)
            .values(agency=F("owner_agency"), name=F("owner_agency__name")).annotate(n=Count("pk")).order_by(),
            visits="n")
        rows = sorted(found.values(), key=lambda entry: (-(entry["steps"] + entry["referrals"] + entry["visits"]),
                                                         entry["name"]))
        return rows[:30]

    rows = cache.remember(("overdue", place.cache_key), compute, version=version)
    exact = viewer.exact
    return [OverdueRow(row["name"], single(row["cases"], exact), single(row["steps"], exact),
                       single(row["referrals"], exact), single(row["visits"], exact),
                       single(row["steps"] + row["referrals"] + row["visits"], exact)) for row in rows]


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


def work_scope(request) -> str:
    """Which cases the caseworkers' board covers: "agency" (the user's agencies) or "scope" (a supervisor's
    scope), from the address, by default the widest the user has."""
    from trove.core import policy

    scope = request.GET.get("scope") or ("scope" if policy.has_permission(request.user, "scope.supervise")
                                         else "agency")
    return scope if scope in ("agency", "scope") else "agency"


def my_work(user, scope: str) -> MyWork:
    today = timezone.localdate()
    steps = open_steps(user, scope)
    overdue = list(steps.filter(deadline__lt=today)[:MY_ROWS])
    soon = list(steps.filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=SOON_DAYS))[:MY_ROWS])
    requests = list(open_requests(user, scope).filter(due_on__lt=today)[:MY_ROWS])
    return MyWork(overdue, soon, requests, scope)


# ---------------------------------------------------------------------------------------------------------------
# Indicators against the targets of the plans in force


LEVEL_RANK = {"national": 0, "province": 1, "district": 2, "commune": 3}
PLANS_SHOWN = 3


@dataclass
class TargetRow:
    wording: str
    name: str  # the library's name of the indicator, or "" when the plan names none the system computes
    share: bool
    target: Decimal
    value: Shown
    basis: str  # "numerator/denominator" for a share
    met: bool | None
    scale: Decimal  # the bar's full length: 100 for a share, otherwise the larger of value and target
    number: Decimal | None = None  # the value drawn (None when hidden or not computed)


@dataclass
class PlanTargets:
    plan_title: str
    plan_url: str
    start: datetime.date
    end: datetime.date
    rows: list[TargetRow]
    chart: str = ""


def plans_in_force(user, period: Period, place: Place) -> list:
    """The issued plans the user may see whose period meets the chosen one and whose unit lies in the place, at the
    highest level present (the province's plan for a province; the communes' plans only for a commune)."""
    from trove.core import policy
    from trove.plans.models import Plan, PlanStatus

    plans = list(policy.visible(user, Plan.objects.filter(
        place.condition("unit"), status=PlanStatus.ISSUED, period_start__lte=period.end,
        period_end__gte=period.start)).order_by("-period_start", "pk")[:50])
    if not plans:
        return []
    top = min(LEVEL_RANK.get(plan.level, 9) for plan in plans)
    return [plan for plan in plans if LEVEL_RANK.get(plan.level, 9) == top][:PLANS_SHOWN]


def _plan_values(plan, start: datetime.date, end: datetime.date) -> list[tuple]:
    from trove.core.indicators import Kind
    from trove.plans.selectors import indicator_rows

    values = []
    for row in indicator_rows(plan, start, end):
        definition = row.definition
        value = row.value
        values.append((row.indicator.wording, str(definition.name) if definition else "",
                       bool(definition and definition.kind == Kind.SHARE), row.indicator.target,
                       None if value is None else value.numerator, None if value is None else value.denominator,
                       row.figure))
    return values


def plan_targets(user, period: Period, place: Place, viewer: Viewer, version: int,
                 served: cache.Served | None = None) -> list[PlanTargets]:
    """Each plan in force: its indicators' values over the part of the chosen period the plan covers, against the
    plan's targets. The values are cached per plan (and its revision), period and data version; which plans the user
    may see is asked every time. A share whose base is under k, or a count under k, is hidden from those without
    exact statistics, as elsewhere."""
    from trove.reports import charts

    shown = []
    for plan in plans_in_force(user, period, place):
        start, end = max(plan.period_start, period.start), min(plan.period_end, period.end)
        try:
            with transaction.atomic():  # a failing indicator must not spoil the request's transaction
                computed = cache.remember(
                    ("plan-targets", plan.pk, plan.revision, start.isoformat(), end.isoformat()),
                    lambda plan=plan, start=start, end=end: _plan_values(plan, start, end), version=version,
                    served=served)
        except Exception as error:  # noqa: BLE001 - another app's indicator must not break the dashboard
            logger.error("plan %s indicators failed: %s", plan.pk, type(error).__name__)
            computed = []
        rows = []
        for wording, name, share, target, numerator, denominator, figure in computed:
            target = Decimal(target)
            if figure is None:
                value, basis, met = Shown("—", None), "", None
            elif share:
                if not viewer.exact and denominator is not None and is_small(denominator):
                    value, basis, met = Shown("<11", None, hidden=True, small=True), "", None
                else:
                    value, basis = Shown(f"{figure} %", None), f"{numerator}/{denominator}"
                    met = Decimal(figure) >= target
            else:
                value = single(int(figure), viewer.exact)
                basis, met = "", None if value.hidden else Decimal(figure) >= target
            scale = Decimal(100) if share else max(target, Decimal(figure or 0), Decimal(1))
            number = None if value.hidden or figure is None else Decimal(figure)
            rows.append(TargetRow(wording, name, share, target, value, basis, met, scale, number))
        title = f"{plan.number} — {plan.title}" if plan.number else plan.title
        entry = PlanTargets(title, plan.get_absolute_url(), start, end, rows)
        entry.chart = charts.target_chart(rows, title=_("Indicators of %(plan)s against their targets")
                                          % {"plan": plan.number or plan.title})
        shown.append(entry)
    return shown


# ---------------------------------------------------------------------------------------------------------------
# The caseworkers' board: referrals waiting for the user's agency, follow-up visits due


def referrals_waiting(user) -> dict | None:
    """Referrals sent to the user's agencies that wait for their answer, the oldest first, those past the working
    limit marked. None (no panel) for a user whose agencies do not receive referrals."""
    from trove.core import policy
    from trove.referrals.selectors import waiting_referrals

    if not policy.has_permission(user, "referral.receive"):
        return None
    limit = timezone.localdate() - datetime.timedelta(days=referral_answer_days())
    waiting = waiting_referrals(user, MY_ROWS)
    return {"referrals": [(referral, referral.referred_on < limit) for referral in waiting],
            "answer_days": referral_answer_days()}


def visits_due_for(user, scope: str) -> dict | None:
    """Follow-up visits overdue or due within the follow-up list's horizon, on the cases the user works on."""
    from trove.core import policy
    from trove.referrals.selectors import DUE_HORIZON_DAYS, visits_due

    if not policy.has_permission(user, "case.edit"):
        return None
    today = timezone.localdate()
    visits = list(visits_due(user, scope, today)[:MY_ROWS])
    return {"visits": [(visit, visit.due_by < today) for visit in visits], "horizon": DUE_HORIZON_DAYS}
