"""The support app's panels on the case page: one short summary per section, each linking to its full page."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from trove.cases.sections import CasePanel, register_panel
from trove.core.models import IdentityRestriction
from trove.support.models import (
    HardshipApplication,
    RiskAssessment,
    SafetyMeasure,
    ServiceStatus,
    SupportPlan,
)
from trove.support.models.ledger import OPEN_HARDSHIP


def protection_panel(request, case, permissions) -> dict:
    today = timezone.localdate()
    measures = SafetyMeasure.objects.filter(case=case).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today), Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        starts_on__lte=today)
    return {
        "case": case,
        "risk": RiskAssessment.objects.filter(case=case).order_by("-assessed_on", "-pk").first(),
        "measures_active": measures.count(),
        "restricted": IdentityRestriction.objects.filter(content_type=ContentType.objects.get_for_model(case),
                                                         object_id=case.pk, lifted_at__isnull=True).exists(),
    }


def needs_panel(request, case, permissions) -> dict:
    latest = case.needs_assessments.prefetch_related("needs").order_by("-assessed_on", "-pk").first()
    return {"case": case, "assessment": latest, "needs": list(latest.needs.order_by("order")) if latest else []}


def plan_panel(request, case, permissions) -> dict:
    plan = SupportPlan.objects.filter(case=case).first()
    counts = dict(plan.services.values_list("status").annotate(n=Count("pk")).order_by()) if plan else {}
    return {"case": case, "plan": plan, "planned": counts.get(ServiceStatus.PLANNED, 0),
            "in_progress": counts.get(ServiceStatus.IN_PROGRESS, 0), "done": counts.get(ServiceStatus.DONE, 0)}


def support_panel(request, case, permissions) -> dict:
    totals = case.support_entries.filter(cancelled_at__isnull=True).aggregate(
        n=Count("pk"), amount=Sum("amount"), last=Max("given_on"))
    return {
        "case": case, "entries": totals["n"], "amount": totals["amount"] or 0, "last": totals["last"],
        "refusals": case.support_refusals.count(),
        "hardship": HardshipApplication.objects.filter(case=case, status__in=OPEN_HARDSHIP).first(),
    }


def register() -> None:
    register_panel(CasePanel(section="protection", order=40, template="support/_panel_protection.html",
                             context=protection_panel))
    register_panel(CasePanel(section="needs", order=45, template="support/_panel_needs.html", context=needs_panel))
    register_panel(CasePanel(section="support_plan", order=50, template="support/_panel_plan.html",
                             context=plan_panel))
    register_panel(CasePanel(section="support", order=55, template="support/_panel_support.html",
                             context=support_panel))
