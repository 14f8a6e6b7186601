"""Spending against the estimates (issue 6, part 5): the ledger's entries given by the estimate's agency in its year,
by funding source and support type, beside the estimated amounts. Nothing is stored twice: spending is summed from
the entries that are not cancelled."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from trove.core import policy
from trove.rules.models import SupportType
from trove.support.models import BudgetEstimate, FundingSource, SupportEntry


def estimates_visible(user) -> QuerySet[BudgetEstimate]:
    """The estimates of the user's agencies, of those they take part in, and, for supervisors, of their scope."""
    return (policy.visible(user, BudgetEstimate.objects.all(), "budget.view")
            .select_related("owner_agency").order_by("-year", "owner_agency__name", "pk"))


def sources_visible(user) -> QuerySet[FundingSource]:
    return (policy.visible(user, FundingSource.objects.all(), "budget.view")
            .select_related("owner_agency").order_by("name", "pk"))


def spent_entries(estimate: BudgetEstimate) -> QuerySet[SupportEntry]:
    return SupportEntry.objects.filter(giving_agency_id=estimate.owner_agency_id, given_on__year=estimate.year,
                                       cancelled_at__isnull=True)


@dataclass
class BudgetRow:
    funding_source: FundingSource | None
    support_type: SupportType
    estimated: int = 0
    spent: int = 0
    entries: int = 0
    basis: str = ""
    line_id: int | None = None

    @property
    def remaining(self) -> int:
        return self.estimated - self.spent

    @property
    def percent(self) -> int | None:
        return round(self.spent * 100 / self.estimated) if self.estimated else None

    @property
    def over(self) -> bool:
        return self.spent > self.estimated


@dataclass
class SourceTotal:
    funding_source: FundingSource | None
    estimated: int = 0
    spent: int = 0
    rows: list[BudgetRow] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return self.estimated - self.spent

    @property
    def percent(self) -> int | None:
        return round(self.spent * 100 / self.estimated) if self.estimated else None


@dataclass
class BudgetTable:
    sources: list[SourceTotal]
    by_type: list[BudgetRow]
    estimated: int
    spent: int
    entries: int
    without_receipt: int

    @property
    def remaining(self) -> int:
        return self.estimated - self.spent

    @property
    def percent(self) -> int | None:
        return round(self.spent * 100 / self.estimated) if self.estimated else None


def budget_table(estimate: BudgetEstimate) -> BudgetTable:
    """Estimated and spent by funding source and support type, with totals by source, by type and overall. Spending
    without a line of the estimate (another source, or no source) gets a row of its own, estimated 0."""
    types = {t.pk: t for t in SupportType.objects.all()}
    rows: dict[tuple[int | None, int], BudgetRow] = {}
    sources: dict[int | None, FundingSource | None] = {None: None}
    for line in estimate.lines.select_related("funding_source", "support_type"):
        sources[line.funding_source_id] = line.funding_source
        rows[(line.funding_source_id, line.support_type_id)] = BudgetRow(
            line.funding_source, line.support_type, estimated=line.amount, basis=line.basis, line_id=line.pk)
    entries = spent_entries(estimate)
    spent = list(entries.filter(amount__isnull=False).values("funding_source", "support_type")
                 .annotate(total=Sum("amount"), n=Count("pk")).order_by())
    missing = {row["funding_source"] for row in spent} - set(sources)
    sources.update({s.pk: s for s in FundingSource.objects.filter(pk__in=missing)})
    for row in spent:
        key = (row["funding_source"], row["support_type"])
        budget_row = rows.get(key) or BudgetRow(sources[row["funding_source"]], types[row["support_type"]])
        budget_row.spent, budget_row.entries = row["total"], row["n"]
        rows[key] = budget_row
    ordered = sorted(rows.values(), key=lambda r: (r.funding_source is None,
                                                   r.funding_source.name if r.funding_source else "",
                                                   r.support_type.order))
    by_source: dict[int | None, SourceTotal] = {}
    by_type: dict[int, BudgetRow] = {}
    for row in ordered:
        key = row.funding_source.pk if row.funding_source else None
        total = by_source.setdefault(key, SourceTotal(row.funding_source))
        total.rows.append(row)
        total.estimated += row.estimated
        total.spent += row.spent
        type_total = by_type.setdefault(row.support_type.pk, BudgetRow(None, row.support_type))
        type_total.estimated += row.estimated
        type_total.spent += row.spent
        type_total.entries += row.entries
    counts = entries.aggregate(n=Count("pk"), without=Count("pk", filter=Q(receipt__isnull=True,
                                                                            amount__isnull=False)))
    return BudgetTable(
        sources=list(by_source.values()),
        by_type=sorted(by_type.values(), key=lambda r: r.support_type.order),
        estimated=sum(r.estimated for r in ordered), spent=sum(r.spent for r in ordered),
        entries=counts["n"], without_receipt=counts["without"],
    )
