"""The entitlement sheet of a case's support page: on a day, for the person or an accompanying child, each support
type with the entitlement (if any), its limits, what was already given under it, the rates and any refusal. The rules
of who is entitled are in ``entitlements``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext as _

from trove.cases.models import AccompanyingChild, Case
from trove.rules.models import Entitlement, NoRegimeInForce, Rate, Regime, SupportType, in_language
from trove.rules.selectors import entitlements_for, rates_for, regime_for, support_types
from trove.support.entitlements import GroupAnswer, circumstances_of, confirmed_on, given, group_of, item_name
from trove.support.models import SupportExtension, SupportItem, SupportRefusal


@dataclass
class ItemRow:
    code: str
    name: str
    max_quantity: int | None
    given: int

    @property
    def remaining(self) -> int | None:
        return None if self.max_quantity is None else max(self.max_quantity - self.given, 0)


@dataclass
class TypeRow:
    support_type: SupportType
    entitlement: Entitlement | None
    rates: list[Rate] = field(default_factory=list)
    used_days: int = 0
    extension_days: int = 0
    entries: int = 0
    last_given: datetime.date | None = None
    items: list[ItemRow] = field(default_factory=list)
    refused_on: datetime.date | None = None

    @property
    def entitled(self) -> bool:
        return self.entitlement is not None

    @property
    def name(self) -> str:
        return in_language(self.entitlement, "name") if self.entitlement else in_language(self.support_type, "name")

    @property
    def day_limit(self) -> int | None:
        if self.entitlement is None or self.entitlement.max_days is None:
            return None
        return self.entitlement.max_days + self.extension_days

    @property
    def remaining_days(self) -> int | None:
        limit = self.day_limit
        return None if limit is None else max(limit - self.used_days, 0)

    @property
    def given_once(self) -> bool:
        return bool(self.entitlement and self.entitlement.once_only and self.entries)


@dataclass
class EntitlementSheet:
    day: datetime.date
    child: AccompanyingChild | None
    regime: Regime | None
    group: GroupAnswer
    rows: list[TypeRow]
    error: str = ""
    poor_household: bool = False
    confirmed_on: datetime.date | None = None

    @property
    def entitled_rows(self) -> list[TypeRow]:
        return [row for row in self.rows if row.entitled]

    @property
    def not_entitled_letters(self) -> list[str]:
        return [row.support_type.letter for row in self.rows if not row.entitled]


def entitlement_sheet(case: Case, day: datetime.date, child: AccompanyingChild | None = None) -> EntitlementSheet:
    """What the person (or ``child``) may receive on ``day``, each type with its limits and what was given."""
    circumstances = circumstances_of(case)
    group = group_of(case, day, child, circumstances)
    types = list(support_types())
    try:
        regime = regime_for(day)
    except NoRegimeInForce as error:
        return EntitlementSheet(day=day, child=child, regime=None, group=group, error=str(error),
                                rows=[TypeRow(t, None) for t in types])
    entitled = {row.support_type_id: row for row in entitlements_for(regime, group.group, day)} if group.group else {}
    rates: dict[int, list[Rate]] = {}
    for rate in rates_for(regime, day):
        rates.setdefault(rate.support_type_id, []).append(rate)
    entries = given(case, child)
    # Entries, last day and the days covered under this regime of each type, in one query.
    usage = {row["support_type"]: row for row in entries.values("support_type").annotate(
        n=Count("pk"), last=Max("given_on"), days=Sum("days_covered", filter=Q(regime=regime))).order_by()}
    extensions = dict(SupportExtension.objects.filter(case=case, child=child, regime=regime).values("support_type")
                      .annotate(days=Sum("days")).order_by().values_list("support_type", "days"))
    items: dict[tuple[int, str], int] = {
        (type_id, code): quantity for type_id, code, quantity in
        SupportItem.objects.filter(entry__in=entries.filter(regime=regime)).values("entry__support_type", "code")
        .annotate(quantity=Sum("quantity")).order_by().values_list("entry__support_type", "code", "quantity")
    }
    # The latest refusal of each type (None: of all support).
    refusals: dict[int | None, datetime.date] = dict(
        SupportRefusal.objects.filter(case=case, child=child).order_by("refused_on")
        .values_list("support_type", "refused_on"))
    rows = []
    for support_type in types:
        entitlement = entitled.get(support_type.pk)
        used = usage.get(support_type.pk, {})
        row = TypeRow(
            support_type, entitlement, rates=rates.get(support_type.pk, []),
            used_days=used.get("days") or 0, extension_days=extensions.get(support_type.pk) or 0,
            entries=used.get("n", 0), last_given=used.get("last"),
            refused_on=refusals.get(support_type.pk) or refusals.get(None),
        )
        if entitlement is not None:
            row.items = [ItemRow(item["code"], item_name(item), item.get("max_quantity"),
                                 items.get((support_type.pk, item["code"]), 0)) for item in entitlement.in_kind_items]
        rows.append(row)
    if group.group and not entitled:
        group.reason = _("Under regime %(regime)s no support is set for this group: %(group)s.") % {
            "regime": regime.code, "group": group.label}
    return EntitlementSheet(day=day, child=child, regime=regime, group=group, rows=rows,
                            poor_household=circumstances.poor_household, confirmed_on=confirmed_on(case))
