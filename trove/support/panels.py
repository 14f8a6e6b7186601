"""The support app's panels on the case page: one short summary per section, each linking to its full page.

The panels' figures (counts, latest values) are declared as ``figures`` and read with those of the other panels in
one query (``trove.cases.sections``); the confidentiality flag comes from the policy, which has read it already.
"""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from trove.cases.sections import CasePanel, case_figures, per_case, register_panel
from trove.core import policy
from trove.support.models import (
    HardshipApplication,
    HardshipStatus,
    PlannedService,
    RiskAssessment,
    RiskLevel,
    SafetyMeasure,
    ServiceStatus,
    SupportPlan,
)
from trove.support.models.ledger import OPEN_HARDSHIP


def _read(case, figures: dict | None, declared) -> dict:
    """The figures the page read for the panel, or (the panel asked on its own) read now."""
    return figures if figures is not None else case_figures(case, **declared(case))


def protection_figures(case) -> dict[str, QuerySet]:
    today = timezone.localdate()
    measures = SafetyMeasure.objects.filter(case=case).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today), Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        starts_on__lte=today)
    latest = RiskAssessment.objects.filter(case=case).order_by("-assessed_on", "-pk")
    return {"measures_active": per_case(measures, Count("pk")), "risk_level": latest.values("level")[:1],
            "risk_on": latest.values("assessed_on")[:1]}


def protection_panel(request, case, permissions, figures: dict | None = None) -> dict:
    figures = _read(case, figures, protection_figures)
    return {
        "case": case,
        "risk_level": RiskLevel(figures["risk_level"]).label if figures["risk_level"] else None,
        "risk_on": figures["risk_on"],
        "measures_active": figures["measures_active"] or 0,
        "restricted": policy.identity_restricted(case),
    }


def needs_panel(request, case, permissions) -> dict:
    latest = case.needs_assessments.order_by("-assessed_on", "-pk").first()
    return {"case": case, "assessment": latest, "needs": list(latest.needs.order_by("order")) if latest else []}


def plan_figures(case) -> dict[str, QuerySet]:
    services = PlannedService.objects.filter(plan__case=case)

    def with_status(status: str) -> QuerySet:
        return per_case(services.filter(status=status), Count("pk"), by="plan__case")

    plan = SupportPlan.objects.filter(case=case)
    return {"plan": plan.values("pk")[:1], "review_on": plan.values("review_on")[:1],
            "planned": with_status(ServiceStatus.PLANNED), "in_progress": with_status(ServiceStatus.IN_PROGRESS),
            "done": with_status(ServiceStatus.DONE)}


def plan_panel(request, case, permissions, figures: dict | None = None) -> dict:
    figures = _read(case, figures, plan_figures)
    plan = {"review_on": figures["review_on"]} if figures["plan"] else None
    return {"case": case, "plan": plan, "planned": figures["planned"] or 0,
            "in_progress": figures["in_progress"] or 0, "done": figures["done"] or 0}


def support_figures(case) -> dict[str, QuerySet]:
    given = case.support_entries.filter(cancelled_at__isnull=True)
    hardship = HardshipApplication.objects.filter(case=case, status__in=OPEN_HARDSHIP).order_by("applied_on", "pk")
    return {"entries": per_case(given, Count("pk")), "amount": per_case(given, Sum("amount")),
            "last": per_case(given, Max("given_on")), "refusals": per_case(case.support_refusals.all(), Count("pk")),
            "hardship": hardship.values("status")[:1]}


def support_panel(request, case, permissions, figures: dict | None = None) -> dict:
    figures = _read(case, figures, support_figures)
    return {
        "case": case, "entries": figures["entries"] or 0, "amount": figures["amount"] or 0, "last": figures["last"],
        "refusals": figures["refusals"] or 0,
        "hardship": HardshipStatus(figures["hardship"]).label if figures["hardship"] else None,
    }


def register() -> None:
    register_panel(CasePanel(section="protection", order=40, template="support/_panel_protection.html",
                             context=protection_panel, figures=protection_figures))
    register_panel(CasePanel(section="needs", order=45, template="support/_panel_needs.html", context=needs_panel))
    register_panel(CasePanel(section="support_plan", order=50, template="support/_panel_plan.html",
                             context=plan_panel, figures=plan_figures))
    register_panel(CasePanel(section="support", order=55, template="support/_panel_support.html",
                             context=support_panel, figures=support_figures))
