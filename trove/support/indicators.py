"""The support app's indicators (trove/core/indicators.py): computed from the ledger and the protection records."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from trove.cases.models import Case
from trove.core.indicators import IndicatorDefinition, Kind, Scope, register
from trove.support.models import SafetyMeasure, SupportEntry
from trove.verification.models import DecisionStatus, IdentificationDecision, Outcome


def victims_identified(scope: Scope):
    """Cases whose person was confirmed as a victim (an approved victim decision) in the period, in the place."""
    decided = IdentificationDecision.objects.filter(outcome=Outcome.VICTIM, status=DecisionStatus.APPROVED,
                                                    decision_date__range=scope.dates()).values("case_id")
    return Case.objects.filter(pk__in=decided).filter(scope.place())


def supported(scope: Scope, base):
    # EXISTS on the case, not "pk IN (every case with an entry)": with a million entries PostgreSQL cannot hash that
    # list in its working memory and, under the OR, scanned it once for every victim (minutes at 1,000,000 cases).
    given = SupportEntry.objects.filter(case=OuterRef("pk"), cancelled_at__isnull=True)
    protected = SafetyMeasure.objects.filter(case=OuterRef("pk"))
    return base.filter(Exists(given) | Exists(protected))


def entries_given(scope: Scope):
    return SupportEntry.objects.filter(cancelled_at__isnull=True, given_on__range=scope.dates()).filter(scope.place())


register(IndicatorDefinition(
    code="support.victims_supported", kind=Kind.SHARE,
    name=_("Identified victims in need who received protection and support"),
    description=_("Of the victims identified in the period, the share whose case has at least one support entry "
                  "or a safety measure."),
    model="cases.Case", base=victims_identified, numerator=supported,
))
register(IndicatorDefinition(
    code="support.entries", kind=Kind.COUNT, name=_("Support given (entries)"),
    description=_("Ledger entries of support given in the period, not counting cancelled ones."),
    model="support.SupportEntry", base=entries_given,
))
register(IndicatorDefinition(
    code="support.amount", kind=Kind.SUM, name=_("Support amount given (VND)"),
    description=_("The amounts paid in the period, in whole đồng, not counting cancelled entries."),
    model="support.SupportEntry", base=entries_given, sum_field="amount",
))
