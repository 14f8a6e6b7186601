"""The sections of a case page, and the registry through which other apps add theirs.

A section is a part of the case that can be shown or withheld as a whole. The keys are a fixed list because a referral
names the sections its receiver may see (``Participation.sections``): a health station sees the health needs, a legal
aid centre the support plan, and neither sees who the person is unless ``identity`` is among them.

Apps add their part of the case page by registering a ``CasePanel`` in their ``AppConfig.ready``::

    register_panel(CasePanel(section="support", order=50, template="support/_case_panel.html",
                             context=support_panel_context))

``context(request, case, permissions)`` returns the template's context (or None to leave the panel out); it is called
only when the user may see the panel's section, so it never has to ask the policy whether the case is visible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


_PANELS: list[CasePanel] = []


def register_panel(panel: CasePanel) -> None:
    if panel.section not in SECTIONS:
        raise ValueError(f"unknown case section {panel.section!r}")
    if any(existing.template == panel.template for existing in _PANELS):
        return  # ready() may run twice in tests
    _PANELS.append(panel)
    _PANELS.sort(key=lambda registered: registered.order)


def panels_for(request, case, permissions: frozenset[str], shown: frozenset[str] | None) -> list[tuple[str, dict]]:
    """The registered panels the user may see on this case, as (template, context) pairs in page order."""
    rendered = []
    for panel in _PANELS:
        if shown is not None and panel.section not in shown:
            continue
        context = panel.context(request, case, permissions)
        if context is not None:
            rendered.append((panel.template, context))
    return rendered


def section_shown(shown: frozenset[str] | None, key: str) -> bool:
    return shown is None or key in shown


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
