"""The timeline sentences of the support app's events (codes and numbers only: never who the person is).

The case page asks ``describe_event`` for each event; it answers None for kinds other apps write."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from trove.cases.models import CaseEvent
from trove.support.models import HardshipStatus, RiskLevel, SafetyMeasureKind, ServiceStatus
from trove.support.money import format_vnd


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "")


def _letter(code) -> str:
    return "đ" if code == "dd" else str(code or "?")


def _day(text) -> str:
    try:
        return datetime.date.fromisoformat(text).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return "?"


def describe_event(event: CaseEvent) -> str | None:
    d = event.details or {}
    kind = event.kind
    if not kind.startswith("support."):
        return None
    sentences = {
        "support.risk_assessed": lambda: _("Risk assessed: %(level)s") % {"level": _label(RiskLevel, d.get("level"))},
        "support.measure_added": lambda: _("Safety measure recorded: %(kind)s (%(agency)s)") % {
            "kind": _label(SafetyMeasureKind, d.get("kind")), "agency": d.get("agency_name", "?")},
        "support.measure_ended": lambda: _("Safety measure ended: %(kind)s") % {
            "kind": _label(SafetyMeasureKind, d.get("kind"))},
        "support.needs_assessed": lambda: _("Needs assessed (%(types)s)") % {
            "types": ", ".join(_letter(code) for code in d.get("needs", [])) or "—"},
        "support.circumstances_set": lambda: _("Circumstances for support updated"),
        "support.plan_written": lambda: _("Support plan written"),
        "support.plan_changed": lambda: _("Support plan changed"),
        "support.service_planned": lambda: _("Service planned (%(type)s), by %(agency)s") % {
            "type": _letter(d.get("support_type")), "agency": d.get("agency_name", "?")},
        "support.service_status": lambda: _("Planned service (%(type)s): %(status)s") % {
            "type": _letter(d.get("support_type")), "status": _label(ServiceStatus, d.get("target"))},
        "support.entry_recorded": lambda: (
            _("Support given (%(type)s)") % {"type": _letter(d.get("support_type"))}
            + (f": {format_vnd(d['amount'])}" if d.get("amount") else "")
            + (" — " + _("outside the entitlement, overridden") if d.get("overridden") else "")),
        "support.entry_cancelled": lambda: _("Support entry cancelled (%(type)s)") % {
            "type": _letter(d.get("support_type"))},
        "support.refused": lambda: (_("The person refused support (%(type)s) on %(day)s") % {
            "type": _letter(d.get("support_type")), "day": _day(d.get("refused_on"))}) if d.get("support_type")
        else _("The person refused all support on %(day)s") % {"day": _day(d.get("refused_on"))},
        "support.extended": lambda: _("Support (%(type)s) extended by %(days)s days") % {
            "type": _letter(d.get("support_type")), "days": d.get("days", "?")},
        "support.hardship_applied": lambda: _("Hardship allowance applied for"),
        "support.hardship_forwarded": lambda: (_("Hardship allowance file forwarded to %(agency)s") % {
            "agency": d.get("agency_name", "?")}) + (" — " + _("late") if d.get("late") else ""),
        "support.hardship_decided": lambda: _("Hardship allowance: %(outcome)s") % {
            "outcome": _label(HardshipStatus, d.get("outcome"))},
        "support.hardship_paid": lambda: _("Hardship allowance paid: %(amount)s") % {
            "amount": format_vnd(d.get("amount"))},
    }
    describe = sentences.get(kind)
    return describe() if describe else None
