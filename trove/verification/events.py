"""The timeline sentences of the verification's events (the case page shows them)."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from trove.cases.models import CaseEvent, CaseStatus
from trove.verification.models import Outcome, RequestKind
from trove.verification.transitions import ClosingReason


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _step_name(details: dict) -> str:
    english = (get_language() or "vi").startswith("en")
    return (details.get("name_en") if english else details.get("name_vi")) or details.get("name_vi") or \
        details.get("step", "")


def describe_event(event: CaseEvent) -> str | None:
    """A translated sentence for a verification event, or None for a kind this app does not write."""
    d = event.details or {}
    kind = event.kind
    if kind == "verification.opened":
        return _("Verification opened under regime %(regime)s with %(count)s steps") % {
            "regime": d.get("regime", "?"), "count": d.get("steps", "?")}
    if kind == "case.status_changed":
        sentence = _("Status changed from “%(source)s” to “%(target)s”") % {
            "source": _label(CaseStatus, d.get("source", "")), "target": _label(CaseStatus, d.get("target", ""))}
        if d.get("closed_reason"):
            sentence += " (" + _label(ClosingReason, d["closed_reason"]) + ")"
        return sentence
    if kind == "verification.step_done":
        return _("Step %(order)s done: %(name)s") % {"order": d.get("order", "?"), "name": _step_name(d)}
    if kind == "verification.step_skipped":
        return _("Step %(order)s skipped, with a reason: %(name)s") % {"order": d.get("order", "?"),
                                                                       "name": _step_name(d)}
    if kind == "verification.request_sent":
        return _("Verification request sent to %(agency)s (%(kind)s)") % {
            "agency": d.get("to_agency", "?"), "kind": _label(RequestKind, d.get("kind", ""))}
    if kind == "verification.request_answered":
        return _("Verification request answered")
    if kind == "verification.request_closed":
        return _("Verification request to %(agency)s closed") % {"agency": d.get("to_agency", "?")}
    if kind == "verification.ground_ticked":
        return _("Ground of identification ticked (%(code)s)") % {"code": d.get("ground", "?")}
    if kind == "verification.ground_unticked":
        return _("Ground of identification unticked (%(code)s)") % {"code": d.get("ground", "?")}
    if kind == "identification.proposed":
        return _("Identification decision proposed: %(outcome)s") % {"outcome": _label(Outcome, d.get("outcome", ""))}
    if kind == "identification.approved":
        return _("Identification decision approved: %(outcome)s") % {"outcome": _label(Outcome, d.get("outcome", ""))}
    if kind == "identification.rejected":
        return _("Identification decision rejected: %(outcome)s") % {"outcome": _label(Outcome, d.get("outcome", ""))}
    return None
