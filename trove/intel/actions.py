"""Every change of a tip (DESIGN §2 point 8): receiving it, assigning it to another agency, classifying it once,
recording the steps of its handling, its outcome, its links to other records, and each look at the informant.

Each action takes keyword-only arguments and the acting user, checks everything before it writes, runs in one
transaction and writes an audit entry with codes and ids only (never what was reported or who reported it). A refusal
is a ``ValidationError`` (a dict of field -> message, something the user can put right), a ``PermissionDenied`` (they
may not do this) or ``Http404`` (they may not know the tip exists).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trove.agencies.models import Agency
from trove.cases.models import Case
from trove.core import audit, policy
from trove.geo.models import AdminUnit
from trove.intel.codes import TIP_PREFIX, next_code, tip_deadline
from trove.intel.models import (
    RECORDED_STEP_KINDS,
    Classification,
    LinkKind,
    Priority,
    Proceeding,
    Tip,
    TipLimitKind,
    TipLink,
    TipOutcome,
    TipSource,
    TipStatus,
    TipStep,
    TipStepKind,
)
from trove.intel.notices import notify_agency
from trove.people.models import MissingPerson, Person, SuspectedVictim
from trove.rules.workdays import VIETNAM

MAX_SUBJECT_LINES = 50
MAX_SUBJECT_LENGTH = 200
SUBJECT_KINDS = ("persons", "places", "phones", "accounts")


def _today() -> datetime.date:
    return timezone.localdate(timezone.now(), VIETNAM)


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _add(errors: dict, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def require_on_tip(user, tip: Tip, permission: str) -> frozenset[str]:
    """404 when the user may not see the tip, 403 (with the reason) when they may see it but not do this."""
    permissions = policy.permissions_on(user, tip)
    if "tip.view" not in permissions:
        raise Http404
    if permission not in permissions:
        raise PermissionDenied(_("Your role does not let you do this on tip %(code)s.") % {"code": tip.code})
    return permissions


def acting_agency(user, tip: Tip, permission: str) -> Agency | None:
    """The agency the user acts for: the handling agency if they belong to it with ``permission``, otherwise the
    first of their agencies that holds it (a supervisor of the province, say)."""
    memberships = policy.memberships_with(user, permission)
    for membership in memberships:
        if membership.agency_id == tip.owner_agency_id:
            return membership.agency
    return memberships[0].agency if memberships else None


def _step(tip: Tip, kind: str, done_on: datetime.date, user, agency, note: str = "", **details) -> TipStep:
    return TipStep.objects.create(tip=tip, kind=kind, done_on=done_on, by=user, agency=agency, note=note,
                                  details=details)


def _sync(tip: Tip, saved: Tip, *fields: str) -> None:
    """Bring the caller's copy of the tip up to date with what the action saved."""
    for name in fields:
        setattr(tip, name, getattr(saved, name))


def _lines(values) -> list[str]:
    if isinstance(values, str):
        values = values.splitlines()
    return [line.strip()[:MAX_SUBJECT_LENGTH] for line in values or () if line and line.strip()]


# ---------------------------------------------------------------------------------------------------------------
# Receiving and assigning


@dataclass
class TipData:
    """What a tip says, as the officer recorded it."""

    source: str
    received_at: datetime.datetime | None
    content: str
    unit: AdminUnit | None
    place_text: str = ""
    incident_on: datetime.date | None = None
    persons: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    informant_name: str = ""
    informant_contact: str = ""
    informant_anonymous: bool = False
    priority: str = Priority.NORMAL

    def cleaned(self) -> TipData:
        errors: dict[str, list[str]] = {}
        if self.source not in TipSource.values:
            _add(errors, "source", _("Choose where the tip came from."))
        if self.priority not in Priority.values:
            _add(errors, "priority", _("Choose the priority from the list."))
        received_on = None
        if self.received_at is None:
            _add(errors, "received_at", _("Give the day and hour the tip was received."))
        elif timezone.is_naive(self.received_at):
            _add(errors, "received_at", _("Give the hour with its time zone."))
        elif self.received_at > timezone.now() + datetime.timedelta(minutes=10):
            _add(errors, "received_at", _("The tip cannot be received in the future."))
        else:
            received_on = timezone.localdate(self.received_at, VIETNAM)
        if not (self.content or "").strip():
            _add(errors, "content", _("Write what was reported."))
        if self.unit is None:
            _add(errors, "unit", _("Say in which commune or province it happened."))
        elif received_on is not None and not self.unit.is_valid_on(received_on):
            _add(errors, "unit", _("%(unit)s did not exist on %(day)s: choose the unit valid on the day the tip was "
                                   "received (the units changed on 1 July 2025).")
                 % {"unit": self.unit.name, "day": _day(received_on)})
        if self.incident_on and received_on and self.incident_on > received_on:
            _add(errors, "incident_on", _("What was reported cannot have happened after the tip was received."))
        if self.informant_anonymous and (self.informant_name or "").strip():
            _add(errors, "informant_name", _("You ticked that the informant gave no name: leave the name empty."))
        subjects = {kind: _lines(getattr(self, kind)) for kind in SUBJECT_KINDS}
        for kind, lines in subjects.items():
            if len(lines) > MAX_SUBJECT_LINES:
                _add(errors, kind, _("Write at most %(count)d lines.") % {"count": MAX_SUBJECT_LINES})
        if errors:
            raise ValidationError(errors)
        return TipData(
            source=self.source, received_at=self.received_at, content=self.content.strip(), unit=self.unit,
            place_text=(self.place_text or "").strip(), incident_on=self.incident_on, **subjects,
            informant_name=(self.informant_name or "").strip(),
            informant_contact=(self.informant_contact or "").strip(),
            informant_anonymous=self.informant_anonymous, priority=self.priority,
        )


def tip_receive(*, acting_user, agency: Agency, tip: TipData, request=None) -> Tip:
    """Record a tip received by ``agency``, which handles it until it is assigned elsewhere. Its deadlines come from
    the time-limit rows in force on the day it was received."""
    if not any(m.agency_id == agency.pk for m in policy.memberships_with(acting_user, "tip.record")):
        raise PermissionDenied(_("Only members of %(agency)s who record tips can record a tip for it.")
                               % {"agency": agency.name})
    data = tip.cleaned()
    received_on = timezone.localdate(data.received_at, VIETNAM)
    classification_due = tip_deadline(TipLimitKind.CLASSIFICATION, received_on)
    handling_due = tip_deadline(TipLimitKind.HANDLING, received_on)
    subjects = {kind: getattr(data, kind) for kind in SUBJECT_KINDS if getattr(data, kind)}
    with transaction.atomic():
        record = Tip.objects.create(
            code=next_code(TIP_PREFIX, received_on.year), owner_agency=agency, unit=data.unit, source=data.source,
            received_at=data.received_at, received_by=acting_user, received_agency=agency, content=data.content,
            place_text=data.place_text, incident_on=data.incident_on, subjects=subjects or None,
            informant_name=data.informant_name, informant_contact=data.informant_contact,
            informant_anonymous=data.informant_anonymous, priority=data.priority,
            classification_due=classification_due, handling_due=handling_due, next_due=classification_due,
        )
        _step(record, TipStepKind.RECEIVED, received_on, acting_user, agency, source=data.source)
        audit.record("tip.receive", actor=acting_user, request=request, agency=agency, obj=record,
                     changes={"code": [None, record.code], "source": [None, data.source],
                              "unit": [None, data.unit.key], "informant_recorded": [None, bool(data.informant_name)],
                              "classification_due": [None, classification_due], "handling_due": [None, handling_due]})
    return record


def tip_assign(*, tip: Tip, acting_user, to_agency: Agency, request=None) -> Tip:
    """Give the tip to another agency to handle: it becomes the tip's owner, and the agency that gave it away no
    longer sees it (unless a supervisor's scope covers it)."""
    require_on_tip(acting_user, tip, "tip.record")
    errors: dict[str, list[str]] = {}
    if to_agency is None or not to_agency.is_valid_on(_today()):
        _add(errors, "to_agency", _("Choose an agency that exists today."))
    elif to_agency.pk == tip.owner_agency_id:
        _add(errors, "to_agency", _("The tip is already handled by %(agency)s.") % {"agency": to_agency.name})
    if errors:
        raise ValidationError(errors)
    agency = acting_agency(acting_user, tip, "tip.record")
    with transaction.atomic():
        locked = Tip.objects.select_for_update().get(pk=tip.pk)
        if locked.status == TipStatus.CONCLUDED:
            raise ValidationError({"to_agency": [_("This tip was handled on %(day)s: it can no longer be assigned.")
                                                 % {"day": _day(locked.concluded_on)}]})
        source = locked.owner_agency_id
        locked.owner_agency = to_agency
        locked.save(update_fields=["owner_agency"])
        _step(locked, TipStepKind.ASSIGNED, _today(), acting_user, agency, from_agency=source, to_agency=to_agency.pk,
              to_agency_name=to_agency.name)
        audit.record("tip.assign", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"owner_agency": [source, to_agency.pk]})
        code, link = locked.code, reverse("intel:tip", args=[locked.code])
        with translation.override("vi"):
            message = _("Tip %(code)s was assigned to your agency (%(agency)s) to handle.") % {
                "code": code, "agency": to_agency.name}
        transaction.on_commit(lambda: notify_agency(to_agency, "tip.record", key=f"tip-assigned-{locked.pk}-"
                                                    f"{to_agency.pk}", message=message, link=link), robust=True)
    tip.owner_agency = to_agency
    return locked


# ---------------------------------------------------------------------------------------------------------------
# Classification, steps and outcome


def _check_day(errors: dict, name: str, day: datetime.date | None, tip: Tip, what: str) -> None:
    if day is None:
        _add(errors, name, _("Give the date."))
    elif day > _today():
        _add(errors, name, _("The date cannot be in the future."))
    elif day < tip.received_on:
        _add(errors, name, _("%(what)s cannot be dated before the tip was received (%(day)s).")
             % {"what": what, "day": _day(tip.received_on)})


def tip_classify(*, tip: Tip, acting_user, classification: str, priority: str,
                 classified_on: datetime.date | None = None, note: str = "", request=None) -> Tip:
    """Classify the tip, once: trafficking, a related offence, not related, or not enough information."""
    require_on_tip(acting_user, tip, "tip.record")
    classified_on = classified_on or _today()
    errors: dict[str, list[str]] = {}
    if classification not in Classification.values:
        _add(errors, "classification", _("Choose the classification from the list."))
    if priority not in Priority.values:
        _add(errors, "priority", _("Choose the priority from the list."))
    _check_day(errors, "classified_on", classified_on, tip, _("The classification"))
    if errors:
        raise ValidationError(errors)
    agency = acting_agency(acting_user, tip, "tip.record")
    with transaction.atomic():
        locked = Tip.objects.select_for_update().get(pk=tip.pk)
        if locked.status != TipStatus.RECEIVED:
            raise ValidationError(
                {"classification": [_("Tip %(code)s was already classified on %(day)s as “%(classification)s”: a tip "
                                      "is classified once. Record a step of its handling instead.")
                                    % {"code": locked.code, "day": _day(locked.classified_on),
                                       "classification": locked.get_classification_display()}]},
                code="classified_twice",
            )
        locked.classification, locked.priority, locked.classified_on = classification, priority, classified_on
        locked.classified_by, locked.status, locked.next_due = acting_user, TipStatus.CLASSIFIED, locked.handling_due
        locked.save(update_fields=["classification", "priority", "classified_on", "classified_by", "status",
                                   "next_due"])
        _step(locked, TipStepKind.CLASSIFIED, classified_on, acting_user, agency, (note or "").strip(),
              classification=classification, priority=priority, on_time=locked.classified_on_time)
        audit.record("tip.classify", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"classification": ["", classification], "priority": [tip.priority, priority],
                              "classified_on": [None, classified_on]})
    _sync(tip, locked, "classification", "priority", "classified_on", "classified_by", "status", "next_due")
    return locked


def tip_record_step(*, tip: Tip, acting_user, kind: str, done_on: datetime.date, note: str,
                    request=None) -> TipStep:
    """Record a step of the handling (a check, a visit on the spot, work with another agency)."""
    require_on_tip(acting_user, tip, "tip.record")
    errors: dict[str, list[str]] = {}
    if kind not in RECORDED_STEP_KINDS:
        _add(errors, "kind", _("Choose the kind of step from the list."))
    _check_day(errors, "done_on", done_on, tip, _("The step"))
    if not (note or "").strip():
        _add(errors, "note", _("Say what was done."))
    if tip.status == TipStatus.CONCLUDED:
        _add(errors, "kind", _("This tip was handled on %(day)s: record no more steps, or record a new tip.")
             % {"day": _day(tip.concluded_on)})
    if errors:
        raise ValidationError(errors)
    agency = acting_agency(acting_user, tip, "tip.record")
    with transaction.atomic():
        step = _step(tip, kind, done_on, acting_user, agency, note.strip())
        audit.record("tip.step", actor=acting_user, request=request, agency=agency, obj=tip,
                     changes={"step": [None, kind], "done_on": [None, done_on]})
    return step


def tip_conclude(*, tip: Tip, acting_user, outcome: str, concluded_on: datetime.date, case: Case | None = None,
                 proceeding: Proceeding | None = None, rescued_count: int | None = None, note: str = "",
                 request=None) -> Tip:
    """Record how the tip was handled: passed to investigation, became a case, persons rescued, or closed."""
    require_on_tip(acting_user, tip, "tip.record")
    errors: dict[str, list[str]] = {}
    if outcome not in TipOutcome.values:
        _add(errors, "outcome", _("Choose the outcome from the list."))
    if tip.status == TipStatus.RECEIVED:
        _add(errors, "outcome", _("Classify the tip before recording its outcome."))
    _check_day(errors, "concluded_on", concluded_on, tip, _("The outcome"))
    if concluded_on and tip.classified_on and concluded_on < tip.classified_on:
        _add(errors, "concluded_on", _("The outcome cannot be dated before the classification (%(day)s).")
             % {"day": _day(tip.classified_on)})
    if outcome == TipOutcome.BECAME_CASE and case is None:
        _add(errors, "case", _("Give the code of the case the tip became."))
    if case is not None and not policy.can(acting_user, "case.view", case):
        _add(errors, "case", _("No case with this code is open to you."))
    if proceeding is not None and not policy.can(acting_user, "proceeding.view", proceeding):
        _add(errors, "proceeding", _("No proceeding with this code is open to you."))
    if outcome == TipOutcome.RESCUED and not rescued_count:
        _add(errors, "rescued_count", _("Give how many persons were rescued."))
    if errors:
        raise ValidationError(errors)
    agency = acting_agency(acting_user, tip, "tip.record")
    with transaction.atomic():
        locked = Tip.objects.select_for_update().get(pk=tip.pk)
        if locked.status == TipStatus.CONCLUDED:
            raise ValidationError({"outcome": [_("This tip was already handled on %(day)s (%(outcome)s).")
                                               % {"day": _day(locked.concluded_on),
                                                  "outcome": locked.get_outcome_display()}]})
        if locked.status == TipStatus.RECEIVED:
            raise ValidationError({"outcome": [_("Classify the tip before recording its outcome.")]})
        locked.status, locked.outcome, locked.concluded_on = TipStatus.CONCLUDED, outcome, concluded_on
        locked.rescued_count, locked.next_due = rescued_count or None, None
        locked.save(update_fields=["status", "outcome", "concluded_on", "rescued_count", "next_due"])
        for kind, target in ((LinkKind.CASE, case), (LinkKind.PROCEEDING, proceeding)):
            if target is not None:
                TipLink.objects.get_or_create(tip=locked, kind=kind, **{kind: target},
                                              defaults={"linked_by": acting_user})
        _step(locked, TipStepKind.CONCLUDED, concluded_on, acting_user, agency, (note or "").strip(), outcome=outcome,
              case=getattr(case, "code", None), proceeding=getattr(proceeding, "code", None),
              rescued=rescued_count or None, on_time=locked.handled_on_time)
        audit.record("tip.conclude", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"outcome": ["", outcome], "concluded_on": [None, concluded_on],
                              "case": [None, getattr(case, "pk", None)],
                              "proceeding": [None, getattr(proceeding, "pk", None)],
                              "rescued_count": [None, rescued_count or None]})
    _sync(tip, locked, "status", "outcome", "concluded_on", "rescued_count", "next_due")
    return locked


# ---------------------------------------------------------------------------------------------------------------
# Links


def _person_visible(user, person: Person) -> bool:
    """A person is known to a user only through a case or a registry entry the user may see."""
    for model in (Case, SuspectedVictim, MissingPerson):
        if policy.visible(user, model.objects.filter(person=person)).exists():
            return True
    return False


def _target_visible(user, kind: str, target) -> bool:
    if kind == LinkKind.CASE:
        return isinstance(target, Case) and policy.can(user, "case.view", target)
    if kind == LinkKind.SUSPECTED:
        return isinstance(target, SuspectedVictim) and policy.can(user, "case.view", target)
    if kind == LinkKind.MISSING:
        return isinstance(target, MissingPerson) and policy.can(user, "case.view", target)
    if kind == LinkKind.PROCEEDING:
        return isinstance(target, Proceeding) and policy.can(user, "proceeding.view", target)
    if kind == LinkKind.PERSON:
        return isinstance(target, Person) and _person_visible(user, target)
    return False


def tip_link(*, tip: Tip, acting_user, kind: str, target, request=None) -> TipLink:
    """Link the tip to a record it is about or led to; the user must be able to see that record."""
    require_on_tip(acting_user, tip, "tip.record")
    if kind not in LinkKind.values:
        raise ValidationError({"kind": [_("Choose what to link from the list.")]})
    if target is None or not _target_visible(acting_user, kind, target):
        raise ValidationError({"target": [_("No %(kind)s with this reference is open to you.")
                                          % {"kind": LinkKind(kind).label.lower()}]})
    agency = acting_agency(acting_user, tip, "tip.record")
    with transaction.atomic():
        if TipLink.objects.filter(tip=tip, kind=kind, **{kind: target}).exists():
            raise ValidationError({"target": [_("The tip is already linked to this record.")]})
        link = TipLink.objects.create(tip=tip, kind=kind, linked_by=acting_user, **{kind: target})
        audit.record("tip.link", actor=acting_user, request=request, agency=agency, obj=tip,
                     changes={"link": [None, f"{kind}:{target.pk}"]})
    return link


def tip_unlink(*, link: TipLink, acting_user, request=None) -> None:
    tip = link.tip
    require_on_tip(acting_user, tip, "tip.record")
    agency = acting_agency(acting_user, tip, "tip.record")
    with transaction.atomic():
        deleted, _rows = TipLink.objects.filter(pk=link.pk).delete()
        if not deleted:
            raise ValidationError({"target": [_("This link was already removed.")]})
        audit.record("tip.unlink", actor=acting_user, request=request, agency=agency, obj=tip,
                     changes={"link": [f"{link.kind}:{link.target_id}", None]})


# ---------------------------------------------------------------------------------------------------------------
# The informant


def may_see_informant(user, tip: Tip) -> bool:
    """Only members of the agency handling the tip who hold ``tip.view_informant``: not its supervisors, not the
    agency that received it and passed it on, not those who took part in a linked record."""
    return any(m.agency_id == tip.owner_agency_id for m in policy.memberships_with(user, "tip.view_informant"))


@dataclass(frozen=True)
class Informant:
    name: str
    contact: str
    anonymous: bool


def informant_reveal(*, tip: Tip, acting_user, request=None) -> Informant:
    """Who gave the tip, for a member allowed to know; each look, and each refusal, is written to the audit log."""
    if "tip.view" not in policy.permissions_on(acting_user, tip):
        raise Http404
    if not may_see_informant(acting_user, tip):
        audit.record("tip.informant_refused", actor=acting_user, request=request, obj=tip)
        raise PermissionDenied(
            _("Who gave tip %(code)s is protected: only members of the agency handling it (%(agency)s) who may see "
              "informants can see it. Nothing was shown; your request is recorded in the audit log.")
            % {"code": tip.code, "agency": tip.owner_agency.name})
    audit.record("tip.informant_view", actor=acting_user, request=request, agency=tip.owner_agency, obj=tip)
    return Informant(name=tip.informant_name, contact=tip.informant_contact, anonymous=tip.informant_anonymous)
