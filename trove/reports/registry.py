"""The registry of figures: what the statistics count, and the extension point through which apps add theirs.

A figure is a code, a label, the records it counts for a period (a queryset over one ``AgencyOwned`` model, so that
the records behind any number can be listed through the access policy) and the breakdowns it supports. The reports
app places the records (``unit`` by default) and groups them; a figure never filters by place itself.

Each app declares its figures in a ``figures`` module, found when the reports app starts (``discover``)::

    # trove/support/figures.py
    from django.utils.translation import gettext_lazy as _
    from trove.reports.registry import Figure, register
    from trove.support.models import SupportEntry

    register(Figure(
        code="support.given", section="support", order=10, label=_("Support given"),
        model=SupportEntry,
        records=lambda period: SupportEntry.objects.filter(given_on__range=period.dates()),
        paths={"sex": "case__person__sex", "birth_year": "case__person__birth_year", "date": "given_on",
               "support_type": "support_type__code"},
        dimensions=("sex", "age", "ctdc_age", "unit", "support_type"),
        sum_field="amount", count_field="case__person",
    ))

``paths`` says where each breakdown finds its value on the figure's model; ``dimensions`` lists the breakdowns
offered; ``sum_field`` turns the figure into an amount (the sum of that field, with the number of people for the
small-count rule) and ``count_field`` counts distinct values of a field (people) instead of records. A breakdown an
app needs that is not among ``DIMENSIONS`` is declared with ``register_dimension(Dimension(...))`` in the same module.
Dashboard panels (referrals waiting, visits due, indicator targets…) are registered with ``register_panel``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.db.models.lookups import LessThan
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from trove.reports.periods import Period

UNKNOWN = "unknown"

# ---------------------------------------------------------------------------------------------------------------
# Breakdowns


@dataclass(frozen=True)
class Dimension:
    """One way of breaking a figure down. ``expression(paths, prefix)`` returns the SQL expression of a record's
    value (None when the figure lacks a path it needs); ``choices()`` the values in the order tables show them, with
    their labels. ``multi_valued`` breakdowns (a case with several exploitation types) are computed by the engine's
    own query and their rows do not add up to the total."""

    code: str
    label: object
    needs: tuple[str, ...]
    expression: Callable[[dict, str], models.Expression] | None = None
    choices: Callable[[], list[tuple[str, object]]] | None = None
    multi_valued: bool = False
    # Values are shown as they are (countries, units) rather than from ``choices``.
    open_values: bool = False


def _path(paths: dict, name: str, prefix: str) -> str:
    return f"{prefix}{paths[name]}"


def _sex(paths: dict, prefix: str) -> models.Expression:
    path = _path(paths, "sex", prefix)
    return Case(When(**{path: "female"}, then=Value("female")), When(**{path: "male"}, then=Value("male")),
                default=Value("other_unknown"), output_field=CharField())


def _age(paths: dict, prefix: str) -> models.Expression:
    """Age in completed years at the record's date, from the birth year alone (the birth date is encrypted and never
    decrypted for statistics): the year of the date minus the year of birth."""
    return ExtractYear(_path(paths, "date", prefix)) - F(_path(paths, "birth_year", prefix))


def _banded(bands: list[tuple[int | None, str]]) -> Callable[[dict, str], models.Expression]:
    def expression(paths: dict, prefix: str) -> models.Expression:
        age = _age(paths, prefix)
        whens = [When(**{f"{_path(paths, 'birth_year', prefix)}__isnull": True}, then=Value(UNKNOWN))]
        whens += [When(LessThan(age, upper + 1), then=Value(code)) for upper, code in bands if upper is not None]
        return Case(*whens, default=Value(bands[-1][1]), output_field=CharField())
    return expression


AGE_GROUPS = [(15, "under_16"), (17, "16_17"), (None, "adult")]
AGE_GROUP_LABELS = {"under_16": _("Under 16"), "16_17": _("16–17"), "adult": _("18 and over"),
                    UNKNOWN: _("Age unknown")}
CTDC_BANDS = [(8, "0_8"), (17, "9_17"), (20, "18_20"), (23, "21_23"), (26, "24_26"), (29, "27_29"), (38, "30_38"),
              (47, "39_47"), (None, "48_plus")]
CTDC_LABELS = {"0_8": "0–8", "9_17": "9–17", "18_20": "18–20", "21_23": "21–23", "24_26": "24–26", "27_29": "27–29",
               "30_38": "30–38", "39_47": "39–47", "48_plus": "48+", UNKNOWN: _("Age unknown")}
SEX_LABELS = {"female": _("Female"), "male": _("Male"), "other_unknown": _("Other or unknown")}


def _plain(name: str) -> Callable[[dict, str], models.Expression]:
    def expression(paths: dict, prefix: str) -> models.Expression:
        return F(_path(paths, name, prefix))
    return expression


def _month(paths: dict, prefix: str) -> models.Expression:
    path = _path(paths, "date", prefix)
    return ExtractYear(path) * 100 + ExtractMonth(path)


def _unit(paths: dict, prefix: str) -> models.Expression:
    return F(_path(paths, "unit", prefix))


def _channel_choices():
    from trove.rules.models import IntakeChannel

    return list(IntakeChannel.choices)


def _risk_choices():
    from trove.people.models import RiskChannel

    return list(RiskChannel.choices)


def _exploitation_choices():
    from trove.reports.exploitation import ExploitationType

    return [*ExploitationType.choices, (UNKNOWN, _("Not recorded"))]


DIMENSIONS: dict[str, Dimension] = {}


def register_dimension(dimension: Dimension) -> Dimension:
    DIMENSIONS[dimension.code] = dimension
    return dimension


register_dimension(Dimension("sex", _("Sex"), ("sex",), _sex, lambda: list(SEX_LABELS.items())))
register_dimension(Dimension("age", _("Age group"), ("birth_year", "date"), _banded(AGE_GROUPS),
                             lambda: list(AGE_GROUP_LABELS.items())))
register_dimension(Dimension("ctdc_age", _("Age band (CTDC)"), ("birth_year", "date"), _banded(CTDC_BANDS),
                             lambda: list(CTDC_LABELS.items())))
register_dimension(Dimension("channel", _("Intake channel"), ("channel",), _plain("channel"), _channel_choices))
register_dimension(Dimension("risk_channel", _("Risk channel"), ("risk_channel",), _plain("risk_channel"),
                             _risk_choices))
register_dimension(Dimension("country", _("Destination country"), ("country",), _plain("country"),
                             open_values=True))
register_dimension(Dimension("exploitation", _("Type of exploitation"), ("exploitation",), None,
                             _exploitation_choices, multi_valued=True))
register_dimension(Dimension("unit", _("Administrative unit"), ("unit",), _unit, open_values=True))
register_dimension(Dimension("month", _("Month"), ("date",), _month, open_values=True))

# ---------------------------------------------------------------------------------------------------------------
# Figures


@dataclass(frozen=True)
class RecordRow:
    """How a record behind a figure is listed in a drill-down: a title (a case code, a registry number — never a
    name), a link, and a few facts without identity data."""

    title: str
    url: str = ""
    facts: tuple[str, ...] = ()


def default_row(record) -> RecordRow:
    url = record.get_absolute_url() if hasattr(record, "get_absolute_url") else ""
    return RecordRow(title=str(record), url=url)


@dataclass(frozen=True)
class Figure:
    code: str
    label: object
    section: str  # a key of SECTIONS
    model: type[models.Model]  # an AgencyOwned model
    records: Callable[[Period], models.QuerySet]
    paths: dict[str, str] = field(default_factory=dict)
    dimensions: tuple[str, ...] = ("sex", "age", "ctdc_age", "unit")
    order: int = 100
    description: object = ""
    unit_field: str = "unit"
    sum_field: str = ""
    count_field: str = ""
    # (record) -> RecordRow; ``row_related`` are the relations to load with select_related for a page of rows.
    row: Callable[[models.Model], RecordRow] = default_row
    row_related: tuple[str, ...] = ()
    # The breakdown whose values the report's main table shows as sub-rows of the figure (a figure of support by
    # type, say): one row per value, or the rows of ``split_rows`` — (label, values, level) — where values are grouped
    # (the channels "from abroad"). A row's sub-rows follow it with the next level.
    split_by: str = ""
    split_rows: tuple = ()
    # A second breakdown shown in a table of its own: the figures of a section with the same ``cross_by`` are the
    # rows, its values the columns (referrals by the type of the receiving agency, say).
    cross_by: str = ""
    # Whether the figure is a column of the table by administrative unit (and of the dashboard's).
    by_unit: bool = True
    # For a figure counting records of which a person may have several (referrals, visits): the field that counts
    # people, used by the tables for publication so that no published cell describes fewer than k people.
    people_field: str = ""

    def supports(self, dimension: str) -> bool:
        found = DIMENSIONS.get(dimension)
        if found is None or dimension not in self.dimensions:
            return False
        needs = dict(self.paths, unit=self.unit_field)
        return all(need in needs for need in found.needs)

    @property
    def is_amount(self) -> bool:
        return bool(self.sum_field)


SECTIONS: dict[str, object] = {
    "received": _("Persons received"),
    "identification": _("Identification"),
    "registries": _("Suspected victims and persons not yet rescued"),
    "support": _("Support"),
    "referrals": _("Referrals and follow-up"),
    "intel": _("Tips and criminal proceedings"),
    "other": _("Other figures"),
}

_FIGURES: dict[str, Figure] = {}
_discovered = False


def register(figure: Figure) -> Figure:
    """Add a figure (called from an app's ``figures`` module). Its model's saves make cached statistics stale."""
    from trove.core.models.access import AgencyOwned
    from trove.reports import freshness

    if not issubclass(figure.model, AgencyOwned):
        raise TypeError(f"figure {figure.code}: {figure.model.__name__} is not AgencyOwned, so its records cannot be "
                        "listed through the access policy")
    unknown = [code for code in figure.dimensions if code not in DIMENSIONS]
    if unknown:
        raise ValueError(f"figure {figure.code}: unknown breakdowns {unknown}; register them first")
    if figure.section not in SECTIONS:
        raise ValueError(f"figure {figure.code}: unknown section {figure.section!r}; use one of {list(SECTIONS)}")
    _FIGURES[figure.code] = figure
    freshness.watch(figure.model)
    return figure


def discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("figures")


def figures(section: str | None = None) -> list[Figure]:
    discover()
    found = [f for f in _FIGURES.values() if section is None or f.section == section]
    return sorted(found, key=lambda f: (list(SECTIONS).index(f.section), f.order, f.code))


def get(code: str) -> Figure | None:
    discover()
    return _FIGURES.get(code)


# ---------------------------------------------------------------------------------------------------------------
# Dashboard panels


@dataclass(frozen=True)
class DashboardPanel:
    """A block another app adds to a dashboard: ``board`` is "leaders" or "caseworkers"; ``context(request, scope)``
    returns the template's context or None to leave the panel out (``scope`` is None on the caseworkers' board, and
    a ``trove.core.indicators.Scope`` — period and place — on the leaders' board)."""

    board: str
    order: int
    template: str
    context: Callable[..., dict | None]


_PANELS: list[DashboardPanel] = []


def register_panel(panel: DashboardPanel) -> None:
    if panel.board not in ("leaders", "caseworkers"):
        raise ValueError(f"unknown dashboard {panel.board!r}")
    if any(existing.template == panel.template for existing in _PANELS):
        return
    _PANELS.append(panel)
    _PANELS.sort(key=lambda registered: registered.order)


def panels(board: str) -> list[DashboardPanel]:
    discover()
    return [panel for panel in _PANELS if panel.board == board]
