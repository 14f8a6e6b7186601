"""What the rest of the system asks the rules: which regime applies on a day, which steps a case of a given intake
channel goes through, on which grounds a person is identified, which time limits are still unset, and what support a
beneficiary group may receive under a regime at which rates."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from trove.rules.models import Entitlement, IdentificationGround, ProcedureStep, Rate, Regime, SupportType
from trove.rules.workdays import VIETNAM


def regime_for(day: datetime.date | datetime.datetime) -> Regime:
    """The regime in force on ``day`` (an aware datetime is taken on its day in Vietnam); raises
    ``trove.rules.models.NoRegimeInForce`` when none or several are."""
    if isinstance(day, datetime.datetime):
        if timezone.is_naive(day):
            raise ValueError("regime_for() needs an aware datetime (or a date), to know the day in Vietnam.")
        day = timezone.localdate(day, VIETNAM)
    return Regime.objects.in_force(day)


def _valid_on(queryset: QuerySet, day: datetime.date | None) -> QuerySet:
    if day is None:
        return queryset
    return queryset.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def steps_for(regime: Regime, channel: str, day: datetime.date | None = None) -> QuerySet[ProcedureStep]:
    """The steps of ``regime`` for intake ``channel``, in order; with ``day``, only the steps valid on that day."""
    steps = ProcedureStep.objects.filter(regime=regime, channel=channel).select_related("regime", "starts_after")
    return _valid_on(steps, day).order_by("order")


def grounds_for(regime: Regime, day: datetime.date | None = None, group: str | None = None
                ) -> QuerySet[IdentificationGround]:
    """The identification checklist of ``regime``, in order; optionally only one group or those valid on ``day``."""
    grounds = IdentificationGround.objects.filter(regime=regime).select_related("regime")
    if group is not None:
        grounds = grounds.filter(group=group)
    return _valid_on(grounds, day).order_by("order")


def unset_limits(regime: Regime | None = None) -> QuerySet[ProcedureStep]:
    """Steps whose time limit an administrator must still set."""
    steps = ProcedureStep.objects.filter(limit_days__isnull=True).select_related("regime")
    if regime is not None:
        steps = steps.filter(regime=regime)
    return steps.order_by("regime__valid_from", "channel", "order")


def support_types() -> QuerySet[SupportType]:
    return SupportType.objects.order_by("order")


def entitlements_for(regime: Regime, group: str, day: datetime.date | None = None) -> QuerySet[Entitlement]:
    """What ``group`` may receive under ``regime`` (valid on ``day`` when given), in the order of the letters."""
    rows = Entitlement.objects.filter(regime=regime, group=group).select_related("regime", "support_type")
    return _valid_on(rows, day).order_by("support_type__order")


def rates_for(regime: Regime, day: datetime.date | None = None, support_type: SupportType | None = None
              ) -> QuerySet[Rate]:
    """The rates of ``regime`` valid on ``day``, optionally of one support type."""
    rates = Rate.objects.filter(regime=regime).select_related("regime", "support_type")
    if support_type is not None:
        rates = rates.filter(support_type=support_type)
    return _valid_on(rates, day).order_by("support_type__order", "code")


def unset_rates(regime: Regime | None = None) -> QuerySet[Rate]:
    """Rates whose amount an administrator must still set."""
    rates = Rate.objects.filter(amount__isnull=True).select_related("regime", "support_type")
    if regime is not None:
        rates = rates.filter(regime=regime)
    return rates.order_by("regime__valid_from", "support_type__order", "code")
