"""The registries of suspected victims and missing persons: adding an entry, moving it along, making it a case
(DESIGN §2 point 2).

An entry belongs to the agency that recorded it and is guarded by the access policy like a case: adding one needs
``case.create`` in that agency, changing one ``case.edit`` on it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.agencies.models import Agency
from trove.core import audit, policy
from trove.people.actions import PersonData, person_create
from trove.people.models import MissingPerson, MissingStatus, SuspectedStatus, SuspectedVictim

SUSPECTED_TRANSITIONS: dict[str, frozenset[str]] = {
    SuspectedStatus.MONITORING: frozenset({SuspectedStatus.LOCATED, SuspectedStatus.CLOSED,
                                           SuspectedStatus.BECAME_CASE}),
    SuspectedStatus.LOCATED: frozenset({SuspectedStatus.CLOSED, SuspectedStatus.BECAME_CASE}),
}
MISSING_TRANSITIONS: dict[str, frozenset[str]] = {
    MissingStatus.MISSING: frozenset({MissingStatus.LOCATED, MissingStatus.RETURNED, MissingStatus.CLOSED,
                                      MissingStatus.BECAME_CASE}),
    MissingStatus.LOCATED: frozenset({MissingStatus.RETURNED, MissingStatus.CLOSED, MissingStatus.BECAME_CASE}),
    MissingStatus.RETURNED: frozenset({MissingStatus.BECAME_CASE, MissingStatus.CLOSED}),
}
BECAME_CASE = "became_case"

RegistryEntry = SuspectedVictim | MissingPerson


def transitions_for(entry: RegistryEntry) -> frozenset[str]:
    table = SUSPECTED_TRANSITIONS if isinstance(entry, SuspectedVictim) else MISSING_TRANSITIONS
    return table.get(entry.status, frozenset())


def _status_label(entry: RegistryEntry, status: str) -> str:
    choices = SuspectedStatus if isinstance(entry, SuspectedVictim) else MissingStatus
    return str(choices(status).label) if status in choices.values else status


def _check_agency(acting_user, agency: Agency) -> None:
    if not any(m.agency_id == agency.pk for m in policy.memberships_with(acting_user, "case.create")):
        raise PermissionDenied


def _check_reported_on(reported_on: datetime.date, errors: dict) -> None:
    if reported_on is None:
        errors.setdefault("reported_on", []).append(_("Give the day the report was made."))
    elif reported_on > timezone.localdate():
        errors.setdefault("reported_on", []).append(_("The day of the report cannot be in the future."))


def _check_subject(person: PersonData | None, existing_person) -> None:
    if (person is None) == (existing_person is None):
        raise ValueError("Give either the new person's data or the existing person, not both.")
    if existing_person is not None and existing_person.merged_into_id:
        raise ValidationError(_("This person's record was merged into another one; use the other record."))


def _person(acting_user, person: PersonData, errors: dict):
    try:
        return person.cleaned()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(f"person.{name}", []).extend(messages)
    return None


def suspected_create(
    *,
    acting_user,
    agency: Agency,
    person: PersonData | None = None,
    existing_person=None,
    risk_channel: str,
    reported_on: datetime.date,
    reported_by: str = "",
    destination_country=None,
    notes: str = "",
    request=None,
) -> SuspectedVictim:
    """Record someone who may be a victim, followed by the risk channel through which they may be trafficked. Give
    ``person`` for someone new, or ``existing_person`` when the duplicate check found them already registered (the
    entry is then made for that person, without a copy)."""
    from trove.people.models import RiskChannel

    _check_agency(acting_user, agency)
    _check_subject(person, existing_person)
    errors: dict[str, list[str]] = {}
    if risk_channel not in RiskChannel.values:
        errors["risk_channel"] = [_("Choose the risk channel from the list.")]
    _check_reported_on(reported_on, errors)
    cleaned = _person(acting_user, person, errors) if existing_person is None else None
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        subject = existing_person or person_create(acting_user=acting_user, data=cleaned, request=request)
        entry = SuspectedVictim.objects.create(
            owner_agency=agency, unit=agency.unit, person=subject, reported_on=reported_on,
            reported_by=reported_by.strip(), notes=notes.strip(), risk_channel=risk_channel,
            destination_country=destination_country, created_by=acting_user,
        )
        audit.record("registry.suspected.create", actor=acting_user, request=request, agency=agency, obj=entry,
                     changes={"status": [None, entry.status], "risk_channel": [None, risk_channel]})
    return entry


def missing_create(
    *,
    acting_user,
    agency: Agency,
    person: PersonData | None = None,
    existing_person=None,
    reported_on: datetime.date,
    reported_by: str = "",
    last_known_place: str = "",
    last_known_country=None,
    missing_since: datetime.date | None = None,
    notes: str = "",
    request=None,
) -> MissingPerson:
    """Record a person reported missing or not yet rescued, usually by their family. Give ``person`` for someone new,
    or ``existing_person`` when the duplicate check found them already registered."""
    _check_agency(acting_user, agency)
    _check_subject(person, existing_person)
    errors: dict[str, list[str]] = {}
    _check_reported_on(reported_on, errors)
    if missing_since and missing_since > timezone.localdate():
        errors["missing_since"] = [_("The day the person went missing cannot be in the future.")]
    elif missing_since and reported_on and missing_since > reported_on:
        errors["missing_since"] = [_("The person cannot have gone missing after the day of the report.")]
    cleaned = _person(acting_user, person, errors) if existing_person is None else None
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        subject = existing_person or person_create(acting_user=acting_user, data=cleaned, request=request)
        entry = MissingPerson.objects.create(
            owner_agency=agency, unit=agency.unit, person=subject, reported_on=reported_on,
            reported_by=reported_by.strip(), notes=notes.strip(), last_known_place=last_known_place.strip(),
            last_known_country=last_known_country, missing_since=missing_since, created_by=acting_user,
        )
        audit.record("registry.missing.create", actor=acting_user, request=request, agency=agency, obj=entry,
                     changes={"status": [None, entry.status]})
    return entry


def registry_entry_transition(*, acting_user, entry: RegistryEntry, status: str, reason: str = "",
                              request=None) -> RegistryEntry:
    """Move an entry to ``status``. Becoming a case goes through ``registry_entry_to_case``, which opens the case."""
    policy.require(acting_user, "case.edit", entry)
    if status == BECAME_CASE:
        raise ValidationError({"status": [_("To make this entry a case, use “Open a case”: it records the intake.")]})
    with transaction.atomic():
        entry = type(entry).objects.select_for_update().get(pk=entry.pk)
        if status not in transitions_for(entry):
            raise ValidationError({"status": [
                _("An entry that is “%(current)s” cannot become “%(wanted)s”.")
                % {"current": _status_label(entry, entry.status), "wanted": _status_label(entry, status)}
            ]})
        before = entry.status
        entry.status = status
        entry.save(update_fields=["status"])
        audit.record(f"registry.{_kind(entry)}.status", actor=acting_user, request=request,
                     agency=entry.owner_agency, obj=entry, changes={"status": [before, status]},
                     reason=reason.strip())
    return entry


def registry_entry_to_case(*, acting_user, entry: RegistryEntry, intake, request=None):
    """Open a case for the entry's person (the same person record, no copy), owned by the entry's agency, and keep
    the link from the entry to the case. ``intake`` is a ``trove.cases.actions.IntakeData``."""
    from trove.cases.actions import receive_person
    from trove.cases.models import CaseEvent

    policy.require(acting_user, "case.edit", entry)
    _check_agency(acting_user, entry.owner_agency)
    if BECAME_CASE not in transitions_for(entry):
        raise ValidationError({"status": [
            _("An entry that is “%(current)s” cannot become a case.")
            % {"current": _status_label(entry, entry.status)}
        ]})
    with transaction.atomic():
        locked = type(entry).objects.select_for_update().get(pk=entry.pk)
        if BECAME_CASE not in transitions_for(locked):
            raise ValidationError({"status": [_("This entry has just been changed by someone else; reload it.")]})
        case = receive_person(acting_user=acting_user, agency=entry.owner_agency, intake=intake,
                              existing_person=locked.person, request=request)
        before = locked.status
        locked.status = BECAME_CASE
        locked.case = case
        locked.save(update_fields=["status", "case"])
        CaseEvent.objects.create(case=case, actor=acting_user, agency=entry.owner_agency, kind="case.from_registry",
                                 details={"registry": _kind(locked), "entry": locked.pk})
        audit.record(f"registry.{_kind(locked)}.became_case", actor=acting_user, request=request,
                     agency=entry.owner_agency, obj=locked,
                     changes={"status": [before, BECAME_CASE], "case": [None, case.code]})
    entry.status, entry.case = locked.status, case
    return case


def _kind(entry: RegistryEntry) -> str:
    return "suspected" if isinstance(entry, SuspectedVictim) else "missing"
