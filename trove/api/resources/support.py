"""Support of a case: what the person (or an accompanying child) is entitled to on a day, the ledger of support
given, recording an entry and cancelling one. The entitlement sheet is the support page's (``trove.support.sheet``);
an entry is checked and written by ``trove.support.ledger_actions`` — refused, with the entitlement rule's messages,
when the rules refuse it, unless a member who may approve support gives an ``override_reason``. An entry carries a
``version``: a cancellation sent with the version read earlier is refused with 409 if the entry changed since."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from trove.api.auditing import reveal, touched
from trove.api.errors import ERRORS, WRITE_ERRORS
from trove.api.lookups import case_of, chosen, support_type
from trove.api.pagination import paginate
from trove.api.schemas import AgencyRef, CaseCode, Day, Error, Id, Listing, Page, PageSize, Text, agency_ref
from trove.cases.models import AccompanyingChild, Case
from trove.core import policy
from trove.rules.models import NoRegimeInForce, Rate, in_language
from trove.rules.selectors import rates_for, regime_for
from trove.support import ledger_actions
from trove.support.models import SupportEntry
from trove.support.selectors import agency_choices, members_who_can, usable_sources
from trove.support.sheet import entitlement_sheet

router = Router(tags=["support"])
REVEAL = Query(False, alias="reveal", description="Include free text that may say who the person is (notes, reasons), "
                                                 "for a caller who may see identity (audited).")
ON_DAY = Query(None, description="The day; today by default.")
CHILD = Query(None, description="An accompanying child's id (from the case): the child's entitlements instead.")


class SupportItemOut(Schema):
    code: str
    name: str
    quantity: int


class SupportEntryOut(Schema):
    id: int
    case: str
    child: int | None = Field(description="The accompanying child the support was for, or null: the person.")
    support_type: str
    support_type_name: str
    regime: str
    group: str
    given_on: datetime.date
    amount: int | None
    days_covered: int | None
    items: list[SupportItemOut]
    rate: int | None
    funding_source: str | None
    giving_agency: AgencyRef
    overridden: bool
    override_codes: list[str]
    cancelled: bool
    cancelled_at: datetime.datetime | None
    recorded_at: datetime.datetime
    version: int = Field(description="Send it back with a cancellation: a stale version is refused with 409.")
    note: str | None = Field(None, description="Only with reveal=true.")
    override_reason: str | None = Field(None, description="Only with reveal=true.")
    cancel_reason: str | None = Field(None, description="Only with reveal=true.")


class SupportEntryList(Listing):
    results: list[SupportEntryOut]


class EntitledItemOut(Schema):
    code: str
    name: str
    max_quantity: int | None
    given: int
    remaining: int | None


class RateOut(Schema):
    id: int
    code: str
    name: str
    amount: int | None
    unit: str


class TypeRowOut(Schema):
    support_type: str
    letter: str
    name: str
    entitled: bool
    citation: str | None
    day_limit: int | None
    used_days: int
    remaining_days: int | None
    extension_days: int
    entries: int
    last_given: datetime.date | None
    given_once: bool
    refused_on: datetime.date | None
    items: list[EntitledItemOut]
    rates: list[RateOut]


class EntitlementsOut(Schema):
    case: str
    day: datetime.date
    child: int | None
    regime: str | None
    group: str | None
    group_label: str
    reason: str = Field(description="Why no group or no support applies, when so.")
    error: str = Field(description="Why no regime applies on the day, when so.")
    poor_household: bool
    confirmed_on: datetime.date | None
    rows: list[TypeRowOut]


class SupportItemIn(Schema):
    code: Text(40)
    quantity: int = Field(ge=1, le=1_000_000)


class SupportEntryIn(Schema):
    support_type: Text(4) = Field(description="The support type's code (a, b, c, d, dd, e, g, h, i).")
    given_on: Day
    giving_agency: Id
    amount: int | None = Field(None, ge=1, le=10**12, description="VND.")
    days_covered: int | None = Field(None, ge=1, le=3650)
    items: list[SupportItemIn] = Field([], max_length=50)
    child: Id | None = Field(None, description="An accompanying child of the case, or null for the person.")
    funding_source: Id | None = None
    approved_by: Id | None = Field(None, description="The id of a member who may approve support on the case.")
    rate: Id | None = None
    note: Text(2000) = ""
    override_reason: Text(2000) = Field("", description="Only for a member who may approve support: records support "
                                                        "the rules refuse, with this reason (audited).")


class SupportCancelIn(Schema):
    reason: Text(2000)
    version: int | None = Field(None, ge=1, le=2**31 - 1,
                                description="The entry's version when you read it; stale: 409.")


def entry_out(entry: SupportEntry, *, revealed: bool = False) -> dict:
    return {
        "id": entry.pk, "case": entry.case.code, "child": entry.child_id, "support_type": entry.support_type.code,
        "support_type_name": in_language(entry.support_type, "name"), "regime": entry.regime.code,
        "group": entry.group, "given_on": entry.given_on, "amount": entry.amount, "days_covered": entry.days_covered,
        "items": [{"code": i.code, "name": i.name, "quantity": i.quantity} for i in entry.items.all()],
        "rate": entry.rate_id, "funding_source": entry.funding_source.name if entry.funding_source else None,
        "giving_agency": agency_ref(entry.giving_agency), "overridden": bool(entry.override_codes),
        "override_codes": list(entry.override_codes or []), "cancelled": entry.cancelled_at is not None,
        "cancelled_at": entry.cancelled_at, "recorded_at": entry.recorded_at, "version": entry.version,
        "note": entry.note if revealed else None,
        "override_reason": entry.override_reason if revealed else None,
        "cancel_reason": entry.cancel_reason if revealed else None,
    }


ENTRY_RELATED = ("case", "support_type", "regime", "funding_source", "giving_agency")


def _revealed(request, case: Case, permissions: frozenset[str], wanted: bool) -> bool:
    return wanted and "case.view_identity" in permissions and reveal(request, case)


def _child(case: Case, child_id: int | None) -> AccompanyingChild | None:
    if child_id is None:
        return None
    child = case.children.filter(pk=child_id).first()
    if child is None:
        raise Http404
    return child


def _entry(request, entry_id: int, action: str = "case.view") -> tuple[SupportEntry, frozenset[str]]:
    entry = SupportEntry.objects.select_related(*ENTRY_RELATED).prefetch_related("items").filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    _case, permissions = case_of(request, entry.case.code, action, section="support")
    return entry, permissions


@router.get("/cases/{code}/support/entitlements", response={200: EntitlementsOut, ERRORS: Error},
            summary="What the person (or a child) is entitled to on a day")
def entitlements(request, code: CaseCode, on: Day | None = ON_DAY,
                 child: Id | None = CHILD):
    case, _permissions = case_of(request, code, section="support")
    sheet = entitlement_sheet(case, on or timezone.localdate(), _child(case, child))
    rows = [
        {
            "support_type": row.support_type.code, "letter": row.support_type.letter, "name": str(row.name),
            "entitled": row.entitled, "citation": row.entitlement.citation if row.entitlement else None,
            "day_limit": row.day_limit, "used_days": row.used_days, "remaining_days": row.remaining_days,
            "extension_days": row.extension_days, "entries": row.entries, "last_given": row.last_given,
            "given_once": row.given_once, "refused_on": row.refused_on,
            "items": [{"code": i.code, "name": str(i.name), "max_quantity": i.max_quantity, "given": i.given,
                       "remaining": i.remaining} for i in row.items],
            "rates": [{"id": r.pk, "code": r.code, "name": in_language(r, "name"), "amount": r.amount,
                       "unit": r.unit} for r in row.rates],
        }
        for row in sheet.rows
    ]
    return {"case": case.code, "day": sheet.day, "child": sheet.child.pk if sheet.child else None,
            "regime": sheet.regime.code if sheet.regime else None, "group": sheet.group.group,
            "group_label": sheet.group.label, "reason": str(sheet.group.reason or ""), "error": sheet.error,
            "poor_household": sheet.poor_household, "confirmed_on": sheet.confirmed_on, "rows": rows}


@router.get("/cases/{code}/support/entries", response={200: SupportEntryList, ERRORS: Error},
            summary="The ledger of a case, latest first")
def support_entry_list(request, code: CaseCode, include_cancelled: bool = True, page: Page = 1,
                       page_size: PageSize = 50, reveal_text: bool = REVEAL):
    case, permissions = case_of(request, code, section="support")
    entries = (case.support_entries.select_related(*ENTRY_RELATED).prefetch_related("items")
               .order_by("-given_on", "-pk"))
    if not include_cancelled:
        entries = entries.filter(cancelled_at__isnull=True)
    revealed = _revealed(request, case, permissions, reveal_text)
    found = paginate(request, entries, page, page_size)
    return found.frame([entry_out(entry, revealed=revealed) for entry in found.rows])


@router.get("/support/entries/{entry_id}", response={200: SupportEntryOut, ERRORS: Error}, summary="One ledger entry")
def support_entry_detail(request, entry_id: Id, reveal_text: bool = REVEAL):
    entry, permissions = _entry(request, entry_id)
    return entry_out(entry, revealed=_revealed(request, entry.case, permissions, reveal_text))


def _rate(rate_id: int | None, day: datetime.date):
    if rate_id is None:
        return None
    try:
        return chosen(rates_for(regime_for(day), day), rate_id)
    except NoRegimeInForce:
        return Rate.objects.filter(pk=rate_id).first()


@router.post("/cases/{code}/support/entries", response={201: SupportEntryOut, WRITE_ERRORS: Error},
             summary="Record support given")
def support_entry_record(request, code: CaseCode, payload: SupportEntryIn):
    """Checked against the entitlement on ``given_on``; refused (422) with the rule's messages when it lies outside
    it, unless ``override_reason`` is given by a member who may approve support (403 for another)."""
    case, _permissions = case_of(request, code, "support.record", section="support")
    user = request.user
    approvers = {member.pk: member for member in members_who_can(case, "support.approve")}
    entry = ledger_actions.record_support(
        case=case, acting_user=user, support_type=support_type(payload.support_type), given_on=payload.given_on,
        giving_agency=chosen(agency_choices(user, case, "support.record"), payload.giving_agency),
        amount=payload.amount, days_covered=payload.days_covered,
        items=[(item.code, item.quantity) for item in payload.items], child=_child(case, payload.child),
        funding_source=chosen(usable_sources(case, agencies=policy.agencies_of(user, "support.record")),
                              payload.funding_source),
        approved_by=approvers.get(payload.approved_by) if payload.approved_by else None,
        rate=_rate(payload.rate, payload.given_on), note=payload.note, override_reason=payload.override_reason,
        request=request)
    touched(request, entry)
    entry, _permissions = _entry(request, entry.pk)
    return Status(201, entry_out(entry))


@router.post("/support/entries/{entry_id}/cancel", response={200: SupportEntryOut, WRITE_ERRORS: Error},
             summary="Cancel a wrong entry (it stays in the ledger, out of the totals)")
def support_entry_cancel(request, entry_id: Id, payload: SupportCancelIn):
    entry, _permissions = _entry(request, entry_id, "support.approve")
    # A stale version raises StaleEdit in the action: 409 with the current version.
    ledger_actions.cancel_entry(entry=entry, acting_user=request.user, reason=payload.reason,
                                expected_version=payload.version, request=request)
    touched(request, entry)
    entry, _permissions = _entry(request, entry_id)
    return entry_out(entry)
