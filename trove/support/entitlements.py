"""Which support a person may receive on a day, and whether a proposed ledger entry stays within it (issue 6, part 3).

The regime is the one in force on the day the support is given (law.md). The person's group comes from the case:
its status (identified victim, or still being identified), whether the person is a foreigner (their nationality),
whether they are abroad (``SupportCircumstances``), and, for a child who came with them (``cases.AccompanyingChild``),
the child's age. What a group receives, and the limits, are rows of ``rules.Entitlement`` and ``rules.Rate``: nothing
here names a number of days or an amount.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import gettext as _

from trove.cases.models import AccompanyingChild, Case, CaseStatus
from trove.rules.models import (
    BeneficiaryGroup,
    Entitlement,
    Rate,
    RateUnit,
    Regime,
    SupportType,
    in_language,
)
from trove.rules.selectors import entitlements_for, rates_for, regime_for
from trove.support.models import SupportCircumstances, SupportEntry, SupportExtension, SupportItem
from trove.support.money import format_vnd

VICTIM_STATUSES = frozenset({CaseStatus.IDENTIFIED_VICTIM, CaseStatus.SUPPORTING, CaseStatus.REINTEGRATING})
BEING_IDENTIFIED_STATUSES = frozenset({CaseStatus.RECEIVED, CaseStatus.VERIFYING, CaseStatus.BEING_IDENTIFIED})
# Law 53/2024/QH15 Art. 37 (and regime A's "minor"): a child accompanying a victim is under 18. The group's definition
# rather than a limit of one support type, so it is not a rule row.
CHILD_UNDER = 18
VIETNAM_CODE = "VN"


def circumstances_of(case: Case) -> SupportCircumstances:
    """The case's circumstances, or unsaved defaults: a person who came back through a mission is taken to be abroad
    until someone records otherwise."""
    reverse = Case.support_circumstances.related
    if reverse.is_cached(case):  # read with the case (the support page's look-up)
        found = reverse.get_cached_value(case)
    else:
        found = SupportCircumstances.objects.filter(case=case).first()
    if found is not None:
        return found
    intake = getattr(case, "intake", None)
    return SupportCircumstances(case=case, abroad_at_intake=getattr(intake, "channel", "") == "returned_mission")


def age_on(person, day: datetime.date) -> int | None:
    """The person's age on ``day``; with only a year (or a month) of birth, the youngest age it can be."""
    born = person.birth_date
    precision = person.birth_precision
    if born is None and person.birth_year:
        born, precision = datetime.date(person.birth_year, 1, 1), "year"
    if born is None:
        return None
    if precision == "year":
        born = datetime.date(born.year, 12, 31)
    elif precision == "month":
        born = datetime.date(born.year, born.month, calendar.monthrange(born.year, born.month)[1])
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_foreigner(person) -> bool:
    return bool(person.nationality_id) and person.nationality_id != VIETNAM_CODE


def _person_facts(case: Case):
    """The case's person with only the facts entitlements need (nationality, birth), not their encrypted identity;
    read once per case object."""
    from trove.people.models import Person

    facts = getattr(case, "_support_person_facts", None)
    if facts is None and Case.person.is_cached(case):
        facts = case.person  # read already (a page showing identity): no need to read it again
    if facts is None:
        facts = Person.objects.only("nationality", "birth_date", "birth_year", "birth_precision").get(
            pk=case.person_id)
        case._support_person_facts = facts
    return facts


@dataclass
class GroupAnswer:
    group: str | None
    reason: str = ""

    @property
    def label(self) -> str:
        return str(BeneficiaryGroup(self.group).label) if self.group else ""


def group_of(case: Case, day: datetime.date, child: AccompanyingChild | None = None,
             circumstances: SupportCircumstances | None = None) -> GroupAnswer:
    """The beneficiary group of the case's person (or of ``child``) on ``day``, or None with the reason."""
    status = case.status
    if status == CaseStatus.CLOSED:
        return GroupAnswer(None, _("The case is closed: reopen it before giving support."))
    if status == CaseStatus.NOT_VICTIM:
        return GroupAnswer(None, _("The person was decided not to be a victim: no support regime applies."))
    if child is not None:
        if status not in VICTIM_STATUSES:
            return GroupAnswer(None, _("A child is entitled as a child accompanying a victim; the person is not "
                                       "identified as a victim."))
        age = age_on(child.person, day)
        if age is not None and age >= CHILD_UNDER:
            return GroupAnswer(None, _("The child was %(age)d years old on %(day)s: a child accompanying a victim "
                                       "is under %(limit)d.") % {"age": age, "day": day.strftime("%d/%m/%Y"),
                                                                 "limit": CHILD_UNDER})
        return GroupAnswer(BeneficiaryGroup.ACCOMPANYING_CHILD)
    foreign = is_foreigner(_person_facts(case))
    if status in VICTIM_STATUSES:
        return GroupAnswer(BeneficiaryGroup.FOREIGN_VICTIM if foreign else BeneficiaryGroup.VICTIM)
    if foreign:
        return GroupAnswer(BeneficiaryGroup.FOREIGN_BEING_IDENTIFIED)
    circumstances = circumstances or circumstances_of(case)
    if circumstances.abroad_on(day):
        return GroupAnswer(BeneficiaryGroup.BEING_IDENTIFIED_ABROAD)
    return GroupAnswer(BeneficiaryGroup.BEING_IDENTIFIED_IN_VIETNAM)


def confirmed_on(case: Case) -> datetime.date | None:
    """The day the person was first confirmed as a victim: the date of the first approved victim decision."""
    from trove.verification.models import DecisionStatus, IdentificationDecision, Outcome

    return (IdentificationDecision.objects.filter(case=case, outcome=Outcome.VICTIM, status=DecisionStatus.APPROVED)
            .order_by("decision_date").values_list("decision_date", flat=True).first())


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def given(case: Case, child: AccompanyingChild | None):
    """The entries given to the person (or ``child``) that count: those not cancelled."""
    return SupportEntry.objects.filter(case=case, child=child, cancelled_at__isnull=True)


def item_name(item: dict) -> str:
    from django.utils.translation import get_language

    if (get_language() or "vi").startswith("en") and item.get("name_en"):
        return item["name_en"]
    return item.get("name_vi") or item["code"]


# ---------------------------------------------------------------------------------------------------------------
# Checking a proposed entry


@dataclass(frozen=True)
class Problem:
    """One way an entry goes outside the entitlement or over a limit; ``code`` is what the audit log records."""

    code: str
    message: str


@dataclass
class Proposed:
    support_type: SupportType
    given_on: datetime.date
    amount: int | None = None
    days_covered: int | None = None
    items: list[tuple[str, int]] = field(default_factory=list)
    rate: Rate | None = None
    child: AccompanyingChild | None = None
    # The day the person applied (the hardship allowance): the application window is counted to it.
    applied_on: datetime.date | None = None


@dataclass
class Assessment:
    regime: Regime
    group: GroupAnswer
    entitlement: Entitlement | None
    problems: list[Problem]

    @property
    def codes(self) -> list[str]:
        return [problem.code for problem in self.problems]


def assess(case: Case, proposed: Proposed, *, exclude_entry: int | None = None) -> Assessment:
    """Every way ``proposed`` goes outside the person's entitlement on its date or over a limit. Raises
    ``NoRegimeInForce`` when no regime covers the date."""
    day = proposed.given_on
    regime = regime_for(day)
    circumstances = circumstances_of(case)
    group = group_of(case, day, proposed.child, circumstances)
    support_type = proposed.support_type
    type_name = in_language(support_type, "name")
    if group.group is None:
        return Assessment(regime, group, None, [Problem("not_entitled", group.reason)])
    entitlement = entitlements_for(regime, group.group, day).filter(support_type=support_type).first()
    if entitlement is None:
        return Assessment(regime, group, None, [Problem("not_entitled", _(
            "Under regime %(regime)s (%(citation)s), this group — %(group)s — is not entitled to “%(type)s”.")
            % {"regime": regime.code, "citation": regime.citation, "group": group.label, "type": type_name})])
    citation = entitlement.citation
    problems: list[Problem] = []
    earlier_entries = given(case, proposed.child).filter(support_type=support_type)
    if exclude_entry is not None:
        earlier_entries = earlier_entries.exclude(pk=exclude_entry)
    if entitlement.requires_poor_household and not circumstances.poor_household:
        problems.append(Problem("poor_household", _(
            "“%(type)s” is for victims from poor households (%(citation)s), and the case does not record a poor "
            "household. Record it on the needs page if the person has the certificate.")
            % {"type": type_name, "citation": citation}))
    if entitlement.max_age is not None:
        person = proposed.child.person if proposed.child else _person_facts(case)
        age = age_on(person, day)
        if age is not None and age >= entitlement.max_age:
            problems.append(Problem("age", _("“%(type)s” is for persons under %(limit)d (%(citation)s); the person "
                                             "was %(age)d on %(day)s.")
                                    % {"type": type_name, "limit": entitlement.max_age, "citation": citation,
                                       "age": age, "day": day.strftime("%d/%m/%Y")}))
    if entitlement.once_only:
        earlier = earlier_entries.order_by("given_on").values_list("given_on", flat=True).first()
        if earlier is not None:
            problems.append(Problem("once", _("“%(type)s” is given once only (%(citation)s); it was given on "
                                              "%(day)s.") % {"type": type_name, "citation": citation,
                                                             "day": earlier.strftime("%d/%m/%Y")}))
    if entitlement.application_window_months is not None:
        problems += _window_problems(case, proposed, entitlement, type_name)
    if entitlement.max_days is not None and proposed.days_covered:
        used = earlier_entries.filter(regime=regime).aggregate(days=Sum("days_covered"))["days"] or 0
        extended = SupportExtension.objects.filter(case=case, child=proposed.child, regime=regime,
                                                   support_type=support_type).aggregate(days=Sum("days"))["days"] or 0
        limit = entitlement.max_days + extended
        if used + proposed.days_covered > limit:
            message = _("“%(type)s” covers at most %(limit)d days (%(citation)s); %(used)d are already covered and "
                        "this entry adds %(days)d.") % {"type": type_name, "limit": limit, "citation": citation,
                                                        "used": used, "days": proposed.days_covered}
            if entitlement.extendable:
                message += " " + _("An extension must be recorded first: %(who)s.") % {
                    "who": entitlement.extension_citation}
            problems.append(Problem("max_days", message))
    if proposed.items:
        problems += _item_problems(earlier_entries.filter(regime=regime), proposed, entitlement, type_name)
    problems += _rate_problems(regime, proposed, type_name)
    return Assessment(regime, group, entitlement, problems)


def _window_problems(case: Case, proposed: Proposed, entitlement: Entitlement, type_name: str) -> list[Problem]:
    months = entitlement.application_window_months
    confirmed = confirmed_on(case)
    if confirmed is None:
        return [Problem("window", _("“%(type)s” must be applied for within %(months)d months of being confirmed as a "
                                    "victim (%(citation)s), and no approved decision confirming the person as a "
                                    "victim is recorded.") % {"type": type_name, "months": months,
                                                              "citation": entitlement.citation})]
    applied = proposed.applied_on or proposed.given_on
    last_day = add_months(confirmed, months)
    if applied > last_day:
        return [Problem("window", _("“%(type)s” must be applied for within %(months)d months of being confirmed as a "
                                    "victim (%(citation)s): confirmed on %(confirmed)s, so by %(last)s; the "
                                    "application is dated %(applied)s.")
                        % {"type": type_name, "months": months, "citation": entitlement.citation,
                           "confirmed": confirmed.strftime("%d/%m/%Y"), "last": last_day.strftime("%d/%m/%Y"),
                           "applied": applied.strftime("%d/%m/%Y")})]
    return []


def _item_problems(earlier_entries, proposed: Proposed, entitlement: Entitlement, type_name: str) -> list[Problem]:
    problems = []
    already = dict(SupportItem.objects.filter(entry__in=earlier_entries).values("code").annotate(q=Sum("quantity"))
                   .order_by().values_list("code", "q"))
    for code, quantity in proposed.items:
        if not entitlement.in_kind_items:
            continue  # any item may be given
        item = entitlement.item(code)
        if item is None:
            problems.append(Problem("item_not_listed", _(
                "“%(item)s” is not among the items in kind of “%(type)s” (%(citation)s).")
                % {"item": code, "type": type_name, "citation": entitlement.citation}))
            continue
        limit = item.get("max_quantity")
        if limit is not None and already.get(code, 0) + quantity > limit:
            problems.append(Problem("item_quantity", _(
                "At most %(limit)d × “%(item)s” (%(citation)s); %(given)d already given, this entry adds "
                "%(quantity)d.") % {"limit": limit, "item": item_name(item), "citation": entitlement.citation,
                                    "given": already.get(code, 0), "quantity": quantity}))
    return problems


def _rate_problems(regime: Regime, proposed: Proposed, type_name: str) -> list[Problem]:
    """A minimum per day of the type applies to every entry with days and money; a named rate caps the amount."""
    if not proposed.amount:
        return []
    problems = []
    minimum = next((rate for rate in rates_for(regime, proposed.given_on, proposed.support_type)
                    if rate.is_minimum and rate.amount is not None and rate.unit == RateUnit.PER_DAY), None)
    if minimum is not None and proposed.days_covered:
        rate = minimum
        if proposed.amount < rate.amount * proposed.days_covered:
            problems.append(Problem("below_minimum", _(
                "%(rate)s are at least %(amount)s per day (%(citation)s): %(days)d days need at least %(total)s; "
                "the entry gives %(given)s.") % {
                "rate": in_language(rate, "name"), "amount": format_vnd(rate.amount), "citation": rate.citation,
                "days": proposed.days_covered, "total": format_vnd(rate.amount * proposed.days_covered),
                "given": format_vnd(proposed.amount)}))
    rate = proposed.rate
    if rate is not None and rate.amount is not None and not rate.is_minimum:
        if rate.unit == RateUnit.PER_DAY:
            ceiling = rate.amount * (proposed.days_covered or 1)
        elif rate.unit == RateUnit.PER_MONTH:
            ceiling = rate.amount * max(1, -(-(proposed.days_covered or 30) // 30))
        else:
            ceiling = rate.amount
        if proposed.amount > ceiling:
            problems.append(Problem("over_rate", _(
                "%(rate)s is %(amount)s %(unit)s (%(citation)s): at most %(total)s here; the entry gives %(given)s.")
                % {"rate": in_language(rate, "name"), "amount": format_vnd(rate.amount),
                   "unit": rate.get_unit_display(), "citation": rate.citation, "total": format_vnd(ceiling),
                   "given": format_vnd(proposed.amount)}))
    return problems
