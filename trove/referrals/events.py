"""The timeline sentences of this app's events (the case page shows them through ``cases.selectors``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from trove.cases.models import CaseEvent
from trove.referrals.models import ActivityKind, GuardianStatus, SchoolingStatus, ServiceKind


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else (value or "?")


def describe_event(event: CaseEvent) -> str | None:
    """A translated sentence for a referral, follow-up or child-protection event; None for another kind."""
    d = event.details or {}
    values = {"service": _label(ServiceKind, d.get("service", "")), "to": d.get("to", "?")}
    sentences = {
        "referral.sent": _("Referred to %(to)s for %(service)s"),
        "referral.accepted": _("Referral for %(service)s accepted by %(to)s"),
        "referral.declined": _("Referral for %(service)s declined by %(to)s"),
        "referral.service_recorded": _("Service recorded under the referral to %(to)s (%(service)s)"),
        "referral.closed": _("Referral to %(to)s closed with feedback (%(service)s)"),
        "referral.revoked": _("Referral to %(to)s revoked (%(service)s)"),
    }
    if event.kind in sentences:
        return sentences[event.kind] % values
    if event.kind == "followup.planned":
        months = ", ".join(str(month) for month in d.get("months", []))
        return _("Follow-up planned: visits %(months)s months after the return") % {"months": months or "?"}
    if event.kind == "followup.visit_recorded":
        sentence = _("Follow-up visit %(number)s recorded") % {"number": d.get("number", "?")}
        if d.get("risk_alert"):
            sentence += " — " + _("signs of risk: the caseworker was alerted")
        return sentence
    if event.kind == "followup.activity_recorded":
        return _("Women's Union activity recorded: %(kind)s") % {"kind": _label(ActivityKind, d.get("kind", ""))}
    if event.kind == "childprotection.updated":
        sentence = _("Child-protection checklist updated: guardian “%(guardian)s”, schooling “%(schooling)s”") % {
            "guardian": _label(GuardianStatus, d.get("guardian", "")),
            "schooling": _label(SchoolingStatus, d.get("schooling", ""))}
        if d.get("reason_recorded"):
            sentence += " — " + _("reason recorded for no child-protection referral")
        return sentence
    return None
