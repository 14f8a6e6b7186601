"""The sections of a case page, and the registry through which other apps add theirs.

A section is a part of the case that can be shown or withheld as a whole. The keys are a fixed list because a referral
names the sections its receiver may see (``Participation.sections``): a health station sees the health needs, a legal
aid centre the support plan, and neither sees who the person is unless ``identity`` is among them.

Apps add their part of the case page by registering a ``CasePanel`` in their ``AppConfig.ready``::

    register_panel(CasePanel(section="support", order=50, template="support/_case_panel.html",
                             context=support_panel_context))

``context(request, case, permissions)`` returns the template's context (or None to leave the panel out); it is called
only when the user may see the panel's section, so it never has to ask the policy whether the case is visible.

A panel that shows figures (how many measures are in force, the support given so far) declares them as
``figures(case)``: a dict of one-value querysets (``per_case``, or a latest value sliced ``[:1]``). The page reads the
figures of all its panels in one query and gives each panel its own: ``context(request, case, permissions,
figures={...})``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

SECTIONS: dict[str, object] = {
    "identity": _("Who the person is and how to reach them"),
    "intake": _("Intake"),
    "verification": _("Verification and identification"),
    "protection": _("Risk assessment and safety measures"),
    "health_needs": _("Health needs"),
    "needs": _("Needs assessment"),
    "support_plan": _("Support plan"),
    "support": _("Support given"),
    "referrals": _("Referrals"),
    "followup": _("Reintegration follow-up"),
    "proceedings": _("Criminal proceedings"),
    "documents": _("Attached files"),
    "timeline": _("Timeline"),
}
SECTION_CHOICES = [(key, label) for key, label in SECTIONS.items()]


@dataclass(frozen=True)
class CasePanel:
    section: str  # a key of SECTIONS
    order: int  # position on the page; the built-in parts use 10 (identity) to 30 (verification), 90 (timeline)
    template: str
    context: Callable[..., dict | None]
    figures: Callable[..., dict[str, models.QuerySet]] | None = None


_PANELS: list[CasePanel] = []


def register_panel(panel: CasePanel) -> None:
    if panel.section not in SECTIONS:
        raise ValueError(f"unknown case section {panel.section!r}")
    if any(existing.template == panel.template for existing in _PANELS):
        return  # ready() may run twice in tests
    _PANELS.append(panel)
    _PANELS.sort(key=lambda registered: registered.order)


def panels_for(request, case, permissions: frozenset[str], shown: frozenset[str] | None) -> list[tuple[str, dict]]:
    """The registered panels the user may see on this case, as (template, context) pairs in page order. The panels'
    figures are read together, in one query."""
    panels = [panel for panel in _PANELS if shown is None or panel.section in shown]
    wanted = {f"{index}__{name}": queryset for index, panel in enumerate(panels) if panel.figures
              for name, queryset in panel.figures(case).items()}
    values = case_figures(case, **wanted) if wanted else {}
    rendered = []
    for index, panel in enumerate(panels):
        if panel.figures:
            prefix = f"{index}__"
            figures = {key.removeprefix(prefix): value for key, value in values.items() if key.startswith(prefix)}
            context = panel.context(request, case, permissions, figures=figures)
        else:
            context = panel.context(request, case, permissions)
        if context is not None:
            rendered.append((panel.template, context))
    return rendered


def section_shown(shown: frozenset[str] | None, key: str) -> bool:
    return shown is None or key in shown


# A panel shows a few figures (how many measures are in force, the support given so far, the last assessment): each
# read with its own query they cost a page more than everything else on it. ``case_figures`` reads them together.

def case_figures(case, **figures: models.QuerySet) -> dict:
    """Several figures about one case in one query. Each figure is a queryset giving one column and at most one row:
    ``per_case(case.support_refusals.all(), Count("pk"))``, or ``case.risk_assessments.order_by("-assessed_on")
    .values("level")[:1]``. A figure without a row is None."""
    return type(case).objects.filter(pk=case.pk).values(
        **{name: models.Subquery(queryset) for name, queryset in figures.items()}).get()


def per_case(queryset: models.QuerySet, aggregate: models.Aggregate, by: str = "case") -> models.QuerySet:
    """``aggregate`` over the rows of ``queryset`` (one case's rows; ``by`` is the path to their case), as a figure
    for ``case_figures``."""
    return queryset.order_by().values(by).annotate(value=aggregate).values("value")


# Timeline sentences: each app that writes case events says how to read its own kinds, from its AppConfig.ready():
#     register_event_describer(("support.",), describe_event)
# A describer returns a translated sentence without identity data, or None for a kind it does not know.
_DESCRIBERS: list[tuple[tuple[str, ...], Callable]] = []


def register_event_describer(prefixes: tuple[str, ...], describe: Callable) -> None:
    if all(existing is not describe for _prefixes, existing in _DESCRIBERS):
        _DESCRIBERS.append((tuple(prefixes), describe))


def describe_registered(event) -> str | None:
    for prefixes, describe in _DESCRIBERS:
        if event.kind.startswith(prefixes):
            sentence = describe(event)
            if sentence:
                return sentence
    return None
