"""State changes of the privacy app: data subjects' requests, erasure of identity, and the retention run.

Each action checks before it writes, runs in one transaction and writes an audit entry without identity: the log
says which request, which case or person (by id), who and when — never a name, a number or the free-text reason.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.cases.models import Case
from trove.core import audit, policy
from trove.core.versioning import lock_current
from trove.people.models import DatePrecision, MatchKey, NameToken, Person
from trove.privacy import retention
from trove.privacy.models import NoResponseRule, RequestKind, RequestStatus, ResponseRule, SubjectRequest
from trove.privacy.report import AccessReport, build_report
from trove.rules.workdays import add_working_days

MIN_TEXT = 10

# What erasure empties: everything that says who the person is. What stays is what the statistics count (sex, year
# of birth, ethnicity, nationality, education, marital status, home commune), so that no published figure changes.
ERASED_TEXT = ("full_name", "citizen_id", "old_id", "passport", "phone", "home_address", "current_address",
               "father_name", "mother_name")
ERASED_EMPTY = ("other_names", "relatives", "birth_date", "current_unit")
BLIND_INDEXES = ("citizen_id_index", "old_id_index", "passport_index", "phone_index")


def _due(kind: str, received_on: datetime.date) -> tuple[ResponseRule, datetime.date]:
    try:
        rule = ResponseRule.in_force(kind, received_on)
    except NoResponseRule:
        raise ValidationError({"received_on": [_(
            "No time limit for answering this request is recorded for %(day)s: an administrator should add the "
            "rule in force then.") % {"day": received_on.strftime("%d/%m/%Y")}]}) from None
    return rule, add_working_days(received_on, rule.working_days)


def _text(value: str, field: str, what: str, errors: dict) -> str:
    value = (value or "").strip()
    if len(value) < MIN_TEXT:
        errors.setdefault(field, []).append(
            _("Write %(what)s (at least %(count)d characters).") % {"what": what, "count": MIN_TEXT})
    return value


# ---------------------------------------------------------------------------------------------------------------
# Access to one's data


def access_request_receive(*, acting_user, case: Case, received_on: datetime.date, requester: str = "",
                           request=None) -> SubjectRequest:
    """Record a person's request for the data held about them, received through ``case``; the answer is due within
    the working days of the rule in force on ``received_on`` (Decree 356/2025: 2 working days)."""
    permissions = policy.require(acting_user, "privacy.subject_access", case)
    if "case.view_identity" not in permissions:
        # The officer who records the request produces the report, which shows the identity.
        raise PermissionDenied(_("Answering the request shows the person's identity: you need to be allowed to see "
                                 "it on case %(code)s.") % {"code": case.code})
    today = timezone.localdate()
    if received_on is None or received_on > today:
        raise ValidationError({"received_on": [_("Give the day the request was received (today or earlier).")]})
    rule, due_on = _due(RequestKind.ACCESS, received_on)
    with transaction.atomic():
        subject_request = SubjectRequest.objects.create(
            kind=RequestKind.ACCESS, case=case, person_id=case.person_id, owner_agency_id=case.owner_agency_id,
            unit_id=case.unit_id, received_on=received_on, due_on=due_on, rule=rule, requester=requester.strip(),
            received_by=acting_user)
        audit.record("privacy.access_request", actor=acting_user, request=request, agency=case.owner_agency_id,
                     obj=subject_request, changes={"case": [None, case.pk], "due_on": [None, due_on.isoformat()]})
    return subject_request


def access_report_produce(*, acting_user, subject_request: SubjectRequest, request=None) -> AccessReport:
    """The report for the request's person, as the officer may see it; every production is audited, and opening
    the identity is recorded as ``identity.view`` like on any page."""
    permissions = policy.require(acting_user, "privacy.subject_access", subject_request)
    case = subject_request.case
    if "case.view_identity" not in permissions or not policy.reveal_identity(acting_user, case, request=request):
        raise PermissionDenied(_("Producing the report shows the person's identity: you need to be allowed to see "
                                 "it on case %(code)s.") % {"code": case.code})
    report = build_report(acting_user, subject_request.person)
    audit.record("privacy.access_report", actor=acting_user, request=request, agency=subject_request.owner_agency_id,
                 obj=subject_request, changes={"sections": [None, [len(s.rows) for s in report.sections]]})
    return report


def access_request_answer(*, acting_user, subject_request: SubjectRequest, request=None) -> SubjectRequest:
    """Mark the request answered (the report was handed or sent to the person)."""
    policy.require(acting_user, "privacy.subject_access", subject_request)
    with transaction.atomic():
        locked = SubjectRequest.objects.select_for_update().get(pk=subject_request.pk)
        if locked.status == RequestStatus.ANSWERED:
            raise ValidationError(_("This request is already answered."))
        locked.status, locked.answered_by, locked.answered_at = RequestStatus.ANSWERED, acting_user, timezone.now()
        locked.save(update_fields=["status", "answered_by", "answered_at"])
        late = timezone.localdate(locked.answered_at) > locked.due_on
        audit.record("privacy.access_answer", actor=acting_user, request=request, agency=locked.owner_agency_id,
                     obj=locked, changes={"status": [RequestStatus.RECEIVED, RequestStatus.ANSWERED],
                                          "late": [None, late]})
    return locked


# ---------------------------------------------------------------------------------------------------------------
# Erasure


def erasure_case(user, person: Person) -> Case | None:
    """The person's case through which ``user`` may erase: one owned (or reached) with ``privacy.erase``."""
    return (policy.visible(user, Case.objects.filter(person=person), "privacy.erase")
            .select_related("owner_agency").order_by("pk").first())


def erase_identity(*, acting_user, person: Person, reason: str, legal_basis: str, request=None) -> SubjectRequest:
    """Erase who the person is, on a lawful request: the encrypted identity is emptied and the blind indexes, name
    tokens and matching keys are deleted, so no search or duplicate check finds the person again. The cases and
    what statistics count (sex, year of birth…) stay, so every published figure keeps its value. The request is
    recorded with who erased, when, why and on which legal basis. Administrators only (``privacy.erase``)."""
    case = erasure_case(acting_user, person)
    if case is None:
        raise PermissionDenied(_("Only an administrator of the agency that holds the person's case can erase their "
                                 "identity."))
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", _("why the identity is erased"), errors)
    legal_basis = _text(legal_basis, "legal_basis", _("the legal basis (the law and article, or the decision)"),
                        errors)
    if person.erased_at is not None:
        errors.setdefault("__all__", []).append(_("This person's identity was already erased."))
    if person.merged_into_id:
        errors.setdefault("__all__", []).append(
            _("This record was merged into another one: erase the identity of the record it was merged into."))
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    rule, due_on = _due(RequestKind.ERASURE, today)
    now = timezone.now()
    with transaction.atomic():
        locked = lock_current(person, None)
        if locked.erased_at is not None:
            raise ValidationError(_("This person's identity was already erased."))
        for name in ERASED_TEXT:
            setattr(locked, name, "")
        for name in ERASED_EMPTY:
            setattr(locked, name, None)
        for name in BLIND_INDEXES:
            setattr(locked, name, "")
        if locked.birth_year:
            locked.birth_precision = DatePrecision.YEAR
        locked.erased_at = now
        locked.version += 1
        locked.save()
        tokens = NameToken.objects.filter(person=locked).delete()[0]
        keys = MatchKey.objects.filter(person=locked).delete()[0]
        erasure = SubjectRequest.objects.create(
            kind=RequestKind.ERASURE, case=case, person=locked, owner_agency_id=case.owner_agency_id,
            unit_id=case.unit_id, received_on=today, due_on=due_on, rule=rule, legal_basis=legal_basis[:300],
            reason=reason, status=RequestStatus.ANSWERED, received_by=acting_user, received_at=now,
            answered_by=acting_user, answered_at=now)
        audit.record("person.erase", actor=acting_user, request=request, agency=case.owner_agency_id, obj=locked,
                     changes={"erased_at": [None, now.isoformat()], "request": [None, erasure.pk],
                              "fields": [None, list(ERASED_TEXT + ERASED_EMPTY)],
                              "name_tokens": [tokens, 0], "match_keys": [keys, 0]})
    person.erased_at, person.version = locked.erased_at, locked.version
    return erasure


# ---------------------------------------------------------------------------------------------------------------
# Retention


def archive_closed_cases(*, batch_size: int = 200, dry_run: bool = False, now: datetime.datetime | None = None,
                         max_batches: int | None = None) -> dict[str, int]:
    """Archive the closed cases whose retention period has passed, ``batch_size`` cases per committed transaction,
    each audited ("case.archive", by the system). A run stopped half-way leaves whole batches archived; the next
    run picks up the rest. ``dry_run`` counts without writing."""
    if batch_size < 1:
        raise ValueError("batch_size must be 1 or more")
    now = now or timezone.now()
    due = retention.due_for_archiving(now)
    counts = {"due": due.count(), "archived": 0, "batches": 0, "closed_without_date": retention.closed_without_date()}
    if dry_run:
        return counts
    while max_batches is None or counts["batches"] < max_batches:
        with transaction.atomic():
            ids = list(retention.due_for_archiving(now).select_for_update().values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            Case.objects.filter(pk__in=ids, archived_at__isnull=True).update(archived_at=now)
            for case_id, agency_id in Case.objects.filter(pk__in=ids).values_list("pk", "owner_agency_id"):
                audit.record("case.archive", agency=agency_id, object_type="cases.case", object_id=str(case_id),
                             changes={"archived_at": [None, now.isoformat()]},
                             reason=f"CASE_ARCHIVE_AFTER_DAYS={retention.archive_after().days}")
        counts["archived"] += len(ids)
        counts["batches"] += 1
    return counts
