"""The indicators over referrals and follow-up that plans can measure (``trove.core.indicators``)."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.cases.models import Case
from trove.core.indicators import IndicatorDefinition, Kind, Scope, register
from trove.referrals.children import COUNTING_STATUSES, child_cases
from trove.referrals.models import FollowUpVisit, Referral, ServiceKind, VisitStatus


def _visits_due_in(scope: Scope):
    """Visits whose last day (``due_by``) fell in the period, without those of closed cases (cancelled) and those
    that may still be made on time (planned, last day today or later)."""
    return (FollowUpVisit.objects.filter(due_by__range=scope.dates()).filter(scope.place())
            .exclude(status=VisitStatus.CANCELLED)
            .exclude(status=VisitStatus.PLANNED, due_by__gte=timezone.localdate()))


register(IndicatorDefinition(
    code="referrals.followup_visits_on_time", kind=Kind.SHARE,
    name=_("Follow-up visits done on time"),
    description=_("Of the reintegration visits whose last day fell in the period, the share made by that day."),
    model="referrals.FollowUpVisit",
    base=_visits_due_in,
    numerator=lambda scope, base: base.filter(status=VisitStatus.DONE, visited_on__lte=F("due_by")),
))

register(IndicatorDefinition(
    code="referrals.referrals_made", kind=Kind.COUNT,
    name=_("Referrals made"),
    description=_("Referrals dated in the period, to agencies of the directory or to providers outside the system, "
                  "whatever became of them."),
    model="referrals.Referral",
    base=lambda scope: Referral.objects.filter(referred_on__range=scope.dates()).filter(scope.place()),
))

register(IndicatorDefinition(
    code="referrals.children_referred_to_child_protection", kind=Kind.SHARE,
    name=_("Children referred to child protection"),
    description=_("Of the cases received in the period whose person was a child at intake, the share with a "
                  "child-protection referral that was not declined or revoked."),
    model="cases.Case",
    base=lambda scope: child_cases(Case.objects.filter(scope.place()), scope.start, scope.end),
    numerator=lambda scope, base: base.filter(pk__in=Referral.objects.filter(
        service_kind=ServiceKind.CHILD_PROTECTION, status__in=COUNTING_STATUSES).values("case_id")),
))
