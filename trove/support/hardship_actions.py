"""The initial hardship allowance's own flow (issue 6, part 4): the person applies to the commune, the commune chair
forwards the file within the entitlement's time limit (3 working days under regime A, counted with
``trove.rules.workdays``), a member who may approve support decides, and the payment is a ledger entry of type k.

The entitlement's conditions (once only, poor household, within 12 months of confirmation) are shown on the
application and weighed at the decision: approving despite them needs a written override reason, which the payment
carries over. Same rules as the ledger otherwise (``ledger_actions``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trove.agencies.models import Agency, Membership
from trove.cases.models import Case
from trove.core import audit, policy
from trove.core.models import User
from trove.core.permissions import roles_with
from trove.notifications.actions import notify
from trove.rules.models import LimitKind, NoRegimeInForce, SupportType
from trove.rules.selectors import rates_for, regime_for
from trove.rules.workdays import add_calendar_days, add_working_days
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
from trove.support.entitlements import Assessment, Proposed, assess
from trove.support.ledger_actions import HARDSHIP_TYPE, Override, Receipt, assess_or_refuse, refusal_error, write_entry
from trove.support.models import FundingSource, HardshipApplication, HardshipStatus, SupportEntry


def _hardship_type() -> SupportType:
    return SupportType.objects.get(code=HARDSHIP_TYPE)


def hardship_assessment(application: HardshipApplication, day: datetime.date | None = None, *,
                        support_type: SupportType | None = None) -> Assessment:
    """What the payment of the application would fail, if paid on ``day`` (the decision date, or today).
    ``support_type`` is the hardship allowance's type when the caller has read it already."""
    day = day or application.decided_on or timezone.localdate()
    return assess(application.case, Proposed(support_type=support_type or _hardship_type(), given_on=day,
                                             applied_on=application.applied_on))


def _notify_forwarding(case: Case, application: HardshipApplication, acting_user) -> None:
    """Tell the owner agency's members who handle support that the file must be forwarded (codes and dates only)."""
    users = set(Membership.objects.current().filter(agency_id=case.owner_agency_id,
                                                    role__in=roles_with("support.record"))
                .exclude(user=acting_user).values_list("user_id", flat=True))
    with translation.override("vi"):
        if application.forward_due:
            message = _("Hardship allowance application on case %(code)s: forward the file by %(day)s.") % {
                "code": case.code, "day": application.forward_due.strftime("%d/%m/%Y")}
        else:
            message = _("Hardship allowance application on case %(code)s: forward the file.") % {"code": case.code}
    link = reverse("support:case_support", args=[case.code]) + "#hardship"
    for user in User.objects.filter(pk__in=users):
        notify(user=user, key=f"support.hardship.{application.pk}.forward", message=message, link=link)


def hardship_apply(*, case: Case, acting_user, applied_on: datetime.date, request=None) -> HardshipApplication:
    """The person applies to the commune for the initial hardship allowance. The forwarding time limit comes from the
    entitlement (3 working days under regime A); other conditions are shown and weighed at the decision."""
    policy.require(acting_user, "support.record", case)
    errors = Errors()
    check_open(errors, case)
    check_day(errors, "applied_on", applied_on, case)
    errors.raise_any()
    assessment = assess_or_refuse(case, Proposed(support_type=_hardship_type(), given_on=applied_on,
                                                 applied_on=applied_on))
    if assessment.entitlement is None:
        raise ValidationError({"__all__": [problem.message for problem in assessment.problems]})
    entitlement = assessment.entitlement
    due = None
    if entitlement.forward_limit_days is not None:
        count = add_working_days if entitlement.forward_limit_kind == LimitKind.WORKING else add_calendar_days
        due = count(applied_on, entitlement.forward_limit_days)
    agency = acting_agency(acting_user, case, "support.record")
    with transaction.atomic():
        if HardshipApplication.objects.filter(case=case, status__in=[HardshipStatus.APPLIED, HardshipStatus.FORWARDED,
                                                                      HardshipStatus.APPROVED]).exists():
            Errors({"__all__": [_("An application for the hardship allowance is already under way on this case.")]}
                   ).raise_any()
        application = HardshipApplication.objects.create(case=case, regime=assessment.regime, applied_on=applied_on,
                                                         forward_due=due, created_by=acting_user)
        event(case, acting_user, agency, "support.hardship_applied", application=application.pk,
              forward_due=due.isoformat() if due else None)
        audit.record("support.hardship_apply", actor=acting_user, request=request, agency=agency, obj=application,
                     changes={"case": [None, case.code], "applied_on": [None, applied_on],
                              "forward_due": [None, due], "checks": [None, assessment.codes]})
        transaction.on_commit(lambda: _notify_forwarding(case, application, acting_user))
    return application


def _locked_application(application: HardshipApplication, expected: str) -> HardshipApplication:
    locked = HardshipApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != expected:
        Errors({"__all__": [_("The application is “%(status)s”: this step does not apply now.")
                            % {"status": locked.get_status_display()}]}).raise_any()
    return locked


def hardship_forward(*, application: HardshipApplication, acting_user, forwarded_on: datetime.date,
                     forwarded_to: Agency, request=None) -> HardshipApplication:
    """The commune chair forwarded the file; a forwarding after the time limit is recorded and shown as late."""
    case = application.case
    policy.require(acting_user, "support.record", case)
    errors = Errors()
    check_day(errors, "forwarded_on", forwarded_on, case)
    if forwarded_on is not None and forwarded_on < application.applied_on:
        errors.add("forwarded_on", _("The file cannot be forwarded before the application (%(day)s).")
                   % {"day": application.applied_on.strftime("%d/%m/%Y")})
    check_agency(errors, "forwarded_to", forwarded_to, forwarded_on)
    errors.raise_any()
    agency = acting_agency(acting_user, case, "support.record")
    with transaction.atomic():
        locked = _locked_application(application, HardshipStatus.APPLIED)
        locked.status, locked.forwarded_on, locked.forwarded_to = HardshipStatus.FORWARDED, forwarded_on, forwarded_to
        locked.forwarded_by = acting_user
        locked.save(update_fields=["status", "forwarded_on", "forwarded_to", "forwarded_by"])
        event(case, acting_user, agency, "support.hardship_forwarded", application=locked.pk,
              agency_name=forwarded_to.name, late=locked.forwarded_late)
        audit.record("support.hardship_forward", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"status": [HardshipStatus.APPLIED, HardshipStatus.FORWARDED],
                              "forwarded_on": [None, forwarded_on], "forwarded_to": [None, forwarded_to.pk],
                              "late": [None, locked.forwarded_late]})
    return locked


def hardship_decide(*, application: HardshipApplication, acting_user, approve: bool, decided_on: datetime.date,
                    decision_reference: str, approved_amount: int | None = None, note: str = "",
                    override_reason: str = "", request=None) -> HardshipApplication:
    """Approve or reject a forwarded application. Approving one the entitlement does not cover (not a poor
    household, outside the window, already given) needs a written override reason; rejecting needs a reason."""
    case = application.case
    policy.require(acting_user, "support.approve", case)
    errors = Errors()
    check_day(errors, "decided_on", decided_on, case)
    if decided_on is not None and application.forwarded_on and decided_on < application.forwarded_on:
        errors.add("decided_on", _("The decision cannot come before the file was forwarded (%(day)s).")
                   % {"day": application.forwarded_on.strftime("%d/%m/%Y")})
    decision_reference = (decision_reference or "").strip()
    if not decision_reference:
        errors.add("decision_reference", _("Give the number of the decision."))
    check_amount(errors, "approved_amount", approved_amount)
    note = (note or "").strip()
    if not approve:
        note = check_reason(errors, "note", note, _("rejecting the application"))
    errors.raise_any()
    override = None
    codes: list[str] = []
    if approve:
        try:
            assessment = hardship_assessment(application, decided_on)
        except NoRegimeInForce as error:
            raise ValidationError({"decided_on": [str(error)]}) from error
        codes = assessment.codes
        if codes:
            override_reason = (override_reason or "").strip()
            if not override_reason:
                raise refusal_error(assessment, True)
            if len(override_reason) < MIN_REASON_LENGTH:
                Errors({"override_reason": [_("Write the reason for the override (at least %(count)d characters).")
                                            % {"count": MIN_REASON_LENGTH}]}).raise_any()
            override = Override(override_reason, acting_user)
    agency = acting_agency(acting_user, case, "support.approve")
    target = HardshipStatus.APPROVED if approve else HardshipStatus.REJECTED
    with transaction.atomic():
        locked = _locked_application(application, HardshipStatus.FORWARDED)
        locked.status, locked.decided_on, locked.decided_by = target, decided_on, acting_user
        locked.decision_reference, locked.decision_note = decision_reference[:60], note
        locked.approved_amount = approved_amount if approve else None
        if override:
            locked.override_codes, locked.override_reason, locked.overridden_by = codes, override.reason, acting_user
        locked.save()
        event(case, acting_user, agency, "support.hardship_decided", application=locked.pk, outcome=target,
              overridden=bool(override))
        audit.record("support.hardship_decide", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"status": [HardshipStatus.FORWARDED, target], "decided_on": [None, decided_on],
                              "decision_reference": [None, locked.decision_reference],
                              "approved_amount": [None, locked.approved_amount], "decision_note": [None, note]})
        if override:
            audit.record("support.hardship_override", actor=acting_user, request=request, agency=agency, obj=locked,
                         changes={"checks": [None, codes], "override_reason": [None, override.reason]})
    return locked


def hardship_pay(*, application: HardshipApplication, acting_user, paid_on: datetime.date, amount: int,
                 giving_agency: Agency, funding_source: FundingSource | None = None, receipt: Receipt | None = None,
                 override_reason: str = "", request=None) -> SupportEntry:
    """Pay an approved application: the payment is a ledger entry of type k, checked like any other (an override
    given at the decision carries over), within the amount approved."""
    case = application.case
    policy.require(acting_user, "support.record", case)
    errors = Errors()
    if application.status != HardshipStatus.APPROVED:
        errors.add("__all__", _("Only an approved application is paid."))
    if paid_on is not None and application.decided_on and paid_on < application.decided_on:
        errors.add("paid_on", _("The payment cannot come before the decision (%(day)s).")
                   % {"day": application.decided_on.strftime("%d/%m/%Y")})
    if (application.approved_amount and isinstance(amount, int) and not isinstance(amount, bool)
            and amount > application.approved_amount):
        errors.add("amount", _("The decision approved %(approved)s đồng; the payment cannot be more.")
                   % {"approved": f"{application.approved_amount:,}".replace(",", ".")})
    errors.raise_any()
    inherited = (Override(application.override_reason, application.overridden_by)
                 if application.override_codes else None)
    rate = None
    if paid_on is not None:
        try:
            rate = rates_for(regime_for(paid_on), paid_on, _hardship_type()).filter(is_minimum=False).first()
        except NoRegimeInForce:
            rate = None
    with transaction.atomic():
        locked = _locked_application(application, HardshipStatus.APPROVED)
        try:
            entry = write_entry(case=case, acting_user=acting_user, support_type=_hardship_type(), given_on=paid_on,
                                  giving_agency=giving_agency, amount=amount, funding_source=funding_source,
                                  approved_by=locked.decided_by if locked.decided_by and policy.can(
                                      locked.decided_by, "support.approve", case) else None,
                                  rate=rate, receipt=receipt, override_reason=override_reason, inherited=inherited,
                                  applied_on=locked.applied_on, amount_required=True, request=request)
        except ValidationError as error:
            # The form of the payment calls its date "paid_on".
            if hasattr(error, "error_dict") and "given_on" in error.error_dict:
                error.error_dict["paid_on"] = error.error_dict.pop("given_on")
            raise
        locked.status, locked.entry = HardshipStatus.PAID, entry
        locked.save(update_fields=["status", "entry"])
        event(case, acting_user, entry.giving_agency, "support.hardship_paid", application=locked.pk,
              entry=entry.pk, amount=entry.amount)
        audit.record("support.hardship_pay", actor=acting_user, request=request, obj=locked,
                     changes={"status": [HardshipStatus.APPROVED, HardshipStatus.PAID], "entry": [None, entry.pk]})
    application.status, application.entry = locked.status, entry
    return entry
