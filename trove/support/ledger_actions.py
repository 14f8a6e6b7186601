"""The support ledger (issue 6, part 4): entries, cancellations, refusals by the person and extensions of essential
needs. The initial hardship allowance's flow is in ``hardship_actions``; its payment goes through ``write_entry`` too.

An entry outside the person's entitlement or over a limit (``entitlements.assess``) is refused with the reasons,
unless a member holding ``support.approve`` on the case records it anyway with a written reason: the entry keeps the
checks it failed and the reason (encrypted), and the audit log gets its own ``support.entry_override`` entry.
Bad input — a negative or non-whole amount, a date before intake, an item given zero times, a closed case — is refused
whoever asks, and nothing is written.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.agencies.models import Agency
from trove.cases.attachment_actions import attachment_add
from trove.cases.attachments import check_upload
from trove.cases.models import AccompanyingChild, Case
from trove.core import audit, policy
from trove.core.versioning import lock_current
from trove.rules.models import NoRegimeInForce, Rate, SupportType
from trove.rules.selectors import entitlements_for, regime_for
from trove.support.common import (
    MIN_REASON_LENGTH,
    Errors,
    acting_agency,
    check_agency,
    check_amount,
    check_day,
    check_open,
    check_reason,
    event,
)
from trove.support.entitlements import Assessment, Proposed, assess, group_of
from trove.support.models import (
    ExtensionAuthority,
    FundingSource,
    HardshipApplication,
    HardshipStatus,
    SupportEntry,
    SupportExtension,
    SupportItem,
    SupportRefusal,
)
from trove.support.selectors import usable_sources

HARDSHIP_TYPE = "k"  # the initial hardship allowance's letter (Law 53/2024/QH15 Art. 37(1)(k); regime A maps onto it)


@dataclass(frozen=True)
class Receipt:
    """An uploaded receipt: stored as a case attachment (encrypted) and linked to the entry."""

    name: str
    content: bytes


@dataclass(frozen=True)
class Override:
    reason: str
    by: object  # User


def _check_days(errors: Errors, name: str, days) -> None:
    if days is None:
        return
    if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
        errors.add(name, _("The days covered must be a whole number of at least 1."))


def _check_items(errors: Errors, items) -> list[tuple[str, int]]:
    cleaned, seen = [], set()
    for code, quantity in items or ():
        code = (code or "").strip()
        if not code:
            errors.add("items", _("Choose each item given in kind."))
            continue
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            errors.add("items", _("The quantity of “%(item)s” must be a whole number of at least 1: an item given "
                                  "zero times is not given.") % {"item": code})
            continue
        if code in seen:
            errors.add("items", _("“%(item)s” is listed twice: give it once with the total quantity.")
                       % {"item": code})
            continue
        seen.add(code)
        cleaned.append((code, quantity))
    return cleaned


def _check_child(errors: Errors, case: Case, child: AccompanyingChild | None) -> None:
    if child is not None and child.case_id != case.pk:
        errors.add("child", _("The child must be one who came with the person of this case."))


def refusal_error(assessment: Assessment, may_override: bool) -> ValidationError:
    messages = [problem.message for problem in assessment.problems]
    if may_override:
        messages.append(_("To record it anyway, write the reason for the override; it is kept with the entry and "
                          "the override is audited."))
    else:
        messages.append(_("A member who may approve support can record it anyway, with a written reason."))
    return ValidationError({"__all__": [ValidationError(message, code="not_entitled") for message in messages]})


def assess_or_refuse(case: Case, proposed: Proposed) -> Assessment:
    try:
        return assess(case, proposed)
    except NoRegimeInForce as error:
        raise ValidationError({"given_on": [str(error)]}) from error


def write_entry(*, case: Case, acting_user, support_type: SupportType | None, given_on: datetime.date,
                  giving_agency: Agency | None, amount=None, days_covered=None, items=(), child=None,
                  funding_source: FundingSource | None = None, approved_by=None, rate: Rate | None = None,
                  note: str = "", receipt: Receipt | None = None, override_reason: str = "",
                  inherited: Override | None = None, applied_on: datetime.date | None = None,
                  amount_required: bool = False, request=None) -> SupportEntry:
    """What ``record_support`` and ``hardship_actions.hardship_pay`` share: check, then write one entry. Call those."""
    permissions = policy.require(acting_user, "support.record", case)
    errors = Errors()
    check_open(errors, case)
    check_day(errors, "given_on", given_on, case)
    check_amount(errors, "amount", amount, required=amount_required)
    _check_days(errors, "days_covered", days_covered)
    items = _check_items(errors, items)
    _check_child(errors, case, child)
    note = (note or "").strip()
    if support_type is None:
        errors.add("support_type", _("Choose the type of support."))
    if amount in (None, "") and not items and not note:
        errors.add("__all__", _("Give the amount paid, the items given in kind, or describe the service given."))
    check_agency(errors, "giving_agency", giving_agency, given_on)
    if funding_source is not None and given_on is not None and giving_agency is not None and not usable_sources(
            case, given_on, [giving_agency]).filter(pk=funding_source.pk).exists():
        errors.add("funding_source", _("This funding source does not cover the case's place, or was not open on "
                                       "that date."))
    if rate is not None and support_type is not None and rate.support_type_id != support_type.pk:
        errors.add("rate", _("This rate belongs to another type of support."))
    if approved_by is not None and not policy.can(approved_by, "support.approve", case):
        errors.add("approved_by", _("The approving officer must be a member who may approve support on this case."))
    if receipt is not None:
        try:
            check_upload(receipt.content)
        except ValidationError as error:
            errors.add("receipt", " ".join(error.messages))
    errors.raise_any()
    amount = int(amount) if amount not in (None, "") else None

    assessment = assess_or_refuse(case, Proposed(support_type=support_type, given_on=given_on, amount=amount,
                                        days_covered=days_covered, items=items, rate=rate, child=child,
                                        applied_on=applied_on))
    if rate is not None and rate.regime_id != assessment.regime.pk:
        Errors({"rate": [_("This rate belongs to regime %(regime)s; the support is given under regime %(given)s.")
                         % {"regime": rate.regime.code, "given": assessment.regime.code}]}).raise_any()
    override = None
    if assessment.problems:
        override_reason = (override_reason or "").strip()
        if inherited is not None:
            override = inherited
        elif not override_reason:
            raise refusal_error(assessment, "support.approve" in permissions)
        elif "support.approve" not in permissions:
            raise PermissionDenied(_("Only a member who may approve support can record support outside the "
                                     "entitlement."))
        elif len(override_reason) < MIN_REASON_LENGTH:
            Errors({"override_reason": [_("Write the reason for the override (at least %(count)d characters).")
                                        % {"count": MIN_REASON_LENGTH}]}).raise_any()
        else:
            override = Override(override_reason, acting_user)

    agency = acting_agency(acting_user, case, "support.record")
    items_by_code = {item["code"]: item for item in (assessment.entitlement.in_kind_items
                                                     if assessment.entitlement else [])}
    attachment = None
    try:
        with transaction.atomic():
            if receipt is not None:
                attachment = attachment_add(acting_user=acting_user, case=case, name=receipt.name,
                                            content=receipt.content, description=_("Receipt for support given"),
                                            request=request)
            entry = SupportEntry.objects.create(
                owner_agency_id=case.owner_agency_id, unit_id=case.unit_id, case=case, child=child,
                support_type=support_type, regime=assessment.regime, entitlement=assessment.entitlement,
                group=assessment.group.group or "", given_on=given_on, amount=amount,
                days_covered=days_covered, rate=rate, funding_source=funding_source, giving_agency=giving_agency,
                approved_by=approved_by, receipt=attachment, note=note, recorded_by=acting_user,
                override_codes=assessment.codes if override else [],
                override_reason=override.reason if override else "",
                overridden_by=override.by if override else None,
            )
            SupportItem.objects.bulk_create([
                SupportItem(entry=entry, code=code, quantity=quantity,
                            name=(items_by_code.get(code) or {}).get("name_vi", code)[:200])
                for code, quantity in items
            ])
            event(case, acting_user, agency, "support.entry_recorded", entry=entry.pk, support_type=support_type.code,
                  amount=entry.amount, days=days_covered, items=sum(q for _code, q in items),
                  overridden=bool(override))
            audit.record("support.entry_record", actor=acting_user, request=request, agency=agency, obj=entry,
                         changes={"case": [None, case.code], "support_type": [None, support_type.code],
                                  "regime": [None, assessment.regime.code], "group": [None, entry.group],
                                  "given_on": [None, given_on], "amount": [None, entry.amount],
                                  "days_covered": [None, days_covered], "items": [None, dict(items)],
                                  "funding_source": [None, getattr(funding_source, "pk", None)],
                                  "giving_agency": [None, giving_agency.pk],
                                  "approved_by": [None, getattr(approved_by, "pk", None)],
                                  "receipt": [None, getattr(attachment, "pk", None)], "note": [None, note]})
            if override:
                audit.record("support.entry_override", actor=override.by, request=request, agency=agency, obj=entry,
                             changes={"checks": [None, entry.override_codes],
                                      "override_reason": [None, override.reason]})
    except BaseException:
        if attachment is not None:
            attachment.file.delete(save=False)
        raise
    return entry


def record_support(*, case: Case, acting_user, support_type: SupportType | None, given_on: datetime.date,
                   giving_agency: Agency | None, amount: int | None = None, days_covered: int | None = None,
                   items: list[tuple[str, int]] = (), child: AccompanyingChild | None = None,
                   funding_source: FundingSource | None = None, approved_by=None, rate: Rate | None = None,
                   note: str = "", receipt: Receipt | None = None, override_reason: str = "",
                   request=None) -> SupportEntry:
    """Record one support given: checked against the entitlement of the person (or the accompanying ``child``) on
    ``given_on``; see the module docstring for the override. The initial hardship allowance is paid through
    ``hardship_pay``, not here."""
    if support_type is not None and support_type.code == HARDSHIP_TYPE:
        raise ValidationError({"support_type": [_("The initial hardship allowance is paid through its application: "
                                                  "record the application, its forwarding and the decision, then "
                                                  "the payment.")]})
    return write_entry(case=case, acting_user=acting_user, support_type=support_type, given_on=given_on,
                         giving_agency=giving_agency, amount=amount, days_covered=days_covered, items=items,
                         child=child, funding_source=funding_source, approved_by=approved_by, rate=rate, note=note,
                         receipt=receipt, override_reason=override_reason, request=request)


def cancel_entry(*, entry: SupportEntry, acting_user, reason: str, expected_version: int | None = None,
                 request=None) -> SupportEntry:
    """Cancel a wrong entry (it stays in the ledger, out of totals and limits); only a member who may approve
    support. ``expected_version`` is the entry's version the page showed: an entry changed since is refused with
    ``StaleEdit`` (None, from a script: no check)."""
    case = entry.case
    policy.require(acting_user, "support.approve", case)
    errors = Errors()
    reason = check_reason(errors, "reason", reason, _("cancelling the entry"))
    errors.raise_any()
    agency = acting_agency(acting_user, case, "support.approve")
    with transaction.atomic():
        locked = lock_current(entry, expected_version)
        if locked.cancelled_at is not None:
            Errors({"__all__": [_("This entry is already cancelled.")]}).raise_any()
        locked.cancelled_at, locked.cancelled_by, locked.cancel_reason = timezone.now(), acting_user, reason
        locked.version += 1
        locked.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason", "version"])
        # A cancelled payment of the hardship allowance leaves the application approved, to be paid again.
        HardshipApplication.objects.filter(entry=locked).update(entry=None, status=HardshipStatus.APPROVED)
        event(case, acting_user, agency, "support.entry_cancelled", entry=locked.pk,
              support_type=locked.support_type.code)
        audit.record("support.entry_cancel", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"cancelled": [False, True], "cancel_reason": [None, reason]})
    entry.cancelled_at, entry.version = locked.cancelled_at, locked.version
    return locked


def record_refusal(*, case: Case, acting_user, refused_on: datetime.date, support_type: SupportType | None = None,
                   child: AccompanyingChild | None = None, note: str = "", request=None) -> SupportRefusal:
    """The person refused support (one type, or all of it when ``support_type`` is None) on ``refused_on``."""
    policy.require(acting_user, "support.record", case)
    errors = Errors()
    check_open(errors, case)
    check_day(errors, "refused_on", refused_on, case)
    _check_child(errors, case, child)
    errors.raise_any()
    agency = acting_agency(acting_user, case, "support.record")
    code = support_type.code if support_type else None
    with transaction.atomic():
        refusal = SupportRefusal.objects.create(case=case, child=child, support_type=support_type,
                                                refused_on=refused_on, note=(note or "").strip(),
                                                recorded_by=acting_user)
        event(case, acting_user, agency, "support.refused", refusal=refusal.pk, support_type=code,
              refused_on=refused_on.isoformat())
        audit.record("support.refusal_record", actor=acting_user, request=request, agency=agency, obj=refusal,
                     changes={"case": [None, case.code], "support_type": [None, code],
                              "refused_on": [None, refused_on], "note": [None, refusal.note]})
    return refusal


def record_extension(*, case: Case, acting_user, support_type: SupportType, days: int, decided_on: datetime.date,
                     decided_by: str, decision_reference: str, child: AccompanyingChild | None = None,
                     request=None) -> SupportExtension:
    """Record a decision extending the days of a support type, where the entitlement allows it (regime B's essential
    needs: by the facility director or the provincial Health Department, Decree 162/2025 Art. 17)."""
    policy.require(acting_user, "support.approve", case)
    errors = Errors()
    check_open(errors, case)
    check_day(errors, "decided_on", decided_on, case)
    _check_days(errors, "days", days)
    if days is None:
        errors.add("days", _("Give the number of days added."))
    if decided_by not in ExtensionAuthority.values:
        errors.add("decided_by", _("Choose who decided the extension."))
    decision_reference = (decision_reference or "").strip()
    if not decision_reference:
        errors.add("decision_reference", _("Give the number of the decision."))
    _check_child(errors, case, child)
    errors.raise_any()
    try:
        regime = regime_for(decided_on)
    except NoRegimeInForce as error:
        raise ValidationError({"decided_on": [str(error)]}) from error
    group = group_of(case, decided_on, child)
    entitlement = (entitlements_for(regime, group.group, decided_on).filter(support_type=support_type).first()
                   if group.group else None)
    if entitlement is None or not entitlement.extendable:
        Errors({"support_type": [_("Under regime %(regime)s this support cannot be extended (%(citation)s).")
                                 % {"regime": regime.code,
                                    "citation": entitlement.citation if entitlement else regime.citation}]}
               ).raise_any()
    agency = acting_agency(acting_user, case, "support.approve")
    with transaction.atomic():
        extension = SupportExtension.objects.create(
            case=case, child=child, support_type=support_type, regime=regime, days=days, decided_on=decided_on,
            decided_by=decided_by, decision_reference=decision_reference[:60], recorded_by=acting_user)
        event(case, acting_user, agency, "support.extended", extension=extension.pk, support_type=support_type.code,
              days=days)
        audit.record("support.extension_record", actor=acting_user, request=request, agency=agency, obj=extension,
                     changes={"case": [None, case.code], "support_type": [None, support_type.code],
                              "days": [None, days], "decided_by": [None, decided_by],
                              "decision_reference": [None, extension.decision_reference]})
    return extension
