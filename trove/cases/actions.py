"""Receiving a person (tiếp nhận): one intake creates or links a person and opens a case (DESIGN §2 point 1).

``receive_person`` validates everything before it writes anything, then writes the person, the case, the intake, its
documents and the accompanying children in one transaction, with a timeline event and an audit entry.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.agencies.models import Agency
from trove.cases.codes import new_pseudonym, next_case_code
from trove.cases.models import (
    FROM_ABROAD,
    AccompanyingChild,
    Case,
    CaseEvent,
    CaseStatus,
    HandoverDocument,
    Intake,
    IntakeChannel,
    IntakeDraft,
    PlaceKind,
)
from trove.core import audit, policy
from trove.people import validation
from trove.people.actions import PersonData, person_create
from trove.people.models import Person
from trove.verification.actions import open_verification


@dataclass
class DocumentData:
    title: str
    number: str = ""
    issued_by: str = ""
    issued_on: datetime.date | None = None


@dataclass
class ChildData:
    person: PersonData
    relation: str = ""


@dataclass
class IntakeData:
    channel: str
    received_at: datetime.datetime
    place_kind: str
    place_unit: object  # AdminUnit valid on the day of intake
    place_name: str = ""
    country_returned_from: object = None
    source_reference: str = ""
    immediate_needs: str = ""
    first_support: str = ""
    consent_given: bool = False
    notes: str = ""
    documents: list[DocumentData] = field(default_factory=list)
    children: list[ChildData] = field(default_factory=list)


def check_intake(data: IntakeData) -> None:
    """Every rule the channel and the calendar impose; raises one ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if data.channel not in IntakeChannel.values:
        add("channel", _("Choose how the person came from the list."))
    if data.place_kind not in PlaceKind.values:
        add("place_kind", _("Choose the kind of place from the list."))
    try:
        validation.clean_moment_not_future(data.received_at, field_label=_("The time of receiving"))
    except ValidationError as error:
        add("received_at", error.messages[0])
    if data.place_unit is None:
        add("place_unit", _("Choose the commune or province where the person was received."))
    elif not data.place_unit.is_valid_on(timezone.localdate(data.received_at)):
        add("place_unit", _("%(unit)s did not exist on the day of receiving; use the unit valid on that day.")
            % {"unit": data.place_unit.name})
    if data.channel in FROM_ABROAD and data.country_returned_from is None:
        add("country_returned_from", _("Say which country the person came back from."))
    if data.channel == IntakeChannel.HANDOVER_OFFICIAL:
        if data.place_kind not in (PlaceKind.BORDER_GATE, PlaceKind.BORDER_POST):
            add("place_kind", _("An official handover takes place at a border gate or border post."))
        if not data.documents:
            add("documents", _("List the handover record (biên bản bàn giao) received from the foreign side."))
    if data.channel in (IntakeChannel.REFERRED, IntakeChannel.HOTLINE) and not data.source_reference.strip():
        add("source_reference", _("Say which body referred the person, or give the hotline call reference."))
    for index, document in enumerate(data.documents, start=1):
        if not document.title.strip():
            add("documents", _("Document %(number)d has no title.") % {"number": index})
        if document.issued_on and document.issued_on > timezone.localdate():
            add("documents", _("Document %(number)d is dated in the future.") % {"number": index})
    if errors:
        raise ValidationError(errors)


def receive_person(
    *,
    acting_user,
    agency: Agency,
    intake: IntakeData,
    person: PersonData | None = None,
    existing_person: Person | None = None,
    request=None,
) -> Case:
    """Open a case for a person received by ``agency``. Give ``person`` for someone new or ``existing_person`` when
    the duplicate check found them already in the registry."""
    if not any(m.agency_id == agency.pk for m in policy.memberships_with(acting_user, "case.create")):
        raise PermissionDenied
    if (person is None) == (existing_person is None):
        raise ValueError("Give either the new person's data or the existing person, not both.")
    received_on = timezone.localdate(intake.received_at)
    errors: dict[str, list] = {}
    try:
        check_intake(intake)
    except ValidationError as error:
        errors.update(error.message_dict)
    cleaned_person = None
    if person is not None:
        try:
            cleaned_person = person.cleaned(received_on=received_on)
        except ValidationError as error:
            errors.update({f"person.{name}": messages for name, messages in error.message_dict.items()})
    cleaned_children = []
    for index, child in enumerate(intake.children, start=1):
        try:
            cleaned_children.append((child.person.cleaned(received_on=received_on), child.relation))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(f"children.{index}.{name}", []).extend(messages)
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    with transaction.atomic():
        subject = existing_person or person_create(acting_user=acting_user, data=cleaned_person,
                                                   received_on=received_on, request=request)
        case = Case.objects.create(
            code=next_case_code(intake.place_unit, received_on.year), pseudonym=new_pseudonym(), person=subject,
            status=CaseStatus.RECEIVED, opened_at=now, owner_agency=agency, unit=intake.place_unit,
            created_by=acting_user,
        )
        record = Intake.objects.create(
            case=case, channel=intake.channel, received_at=intake.received_at, receiving_officer=acting_user,
            place_kind=intake.place_kind, place_name=intake.place_name.strip(),
            country_returned_from=intake.country_returned_from, source_reference=intake.source_reference.strip(),
            immediate_needs=intake.immediate_needs, first_support=intake.first_support,
            consent_given=intake.consent_given, consent_recorded_by=acting_user, consent_recorded_at=now,
            notes=intake.notes,
        )
        HandoverDocument.objects.bulk_create([
            HandoverDocument(intake=record, title=d.title.strip(), number=d.number.strip(),
                             issued_by=d.issued_by.strip(), issued_on=d.issued_on)
            for d in intake.documents
        ])
        for child_data, relation in cleaned_children:
            child = person_create(acting_user=acting_user, data=child_data, received_on=received_on, request=request)
            AccompanyingChild.objects.create(case=case, person=child, relation=relation.strip())
        CaseEvent.objects.create(case=case, at=intake.received_at, actor=acting_user, agency=agency,
                                 kind="case.received",
                                 details={"channel": intake.channel, "linked_existing_person": bool(existing_person),
                                          "children": len(cleaned_children)})
        audit.record("case.receive", actor=acting_user, request=request, agency=agency, obj=case,
                     changes={"status": [None, CaseStatus.RECEIVED], "channel": [None, intake.channel]})
        IntakeDraft.objects.filter(user=acting_user).delete()
        # The steps of the law in force on the intake date, with their deadlines (issue 5): opened with the case, so
        # that no case exists without its procedure.
        open_verification(case=case, acting_user=acting_user, request=request)
    return case
