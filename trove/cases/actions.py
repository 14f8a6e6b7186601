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
from trove.cases.codes import code_prefix, new_pseudonym, next_case_code
from trove.cases.models import (
    FROM_ABROAD,
    AccompanyingChild,
    Case,
    CaseCounter,
    CaseEvent,
    CaseStatus,
    HandoverDocument,
    Intake,
    IntakeChannel,
    IntakeDraft,
    PlaceKind,
)
from trove.core import audit, bulk, policy
from trove.people import validation
from trove.people.actions import PersonData, new_person, person_create
from trove.people.identity import name_token, name_words
from trove.people.matching import UnitResolver
from trove.people.matching.keys import person_match_keys
from trove.people.models import NameToken, Person
from trove.people.models_matching import MatchKey
from trove.rules.models import NoRegimeInForce, ProcedureStep, Regime
from trove.rules.selectors import regime_for
from trove.rules.workdays import VIETNAM, deadline_for
from trove.verification.actions import open_verification, verification_status
from trove.verification.models import VerificationStep
from trove.verification.transitions import Via, check_transition


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


def check_intake(data: IntakeData, *, received_on: datetime.date | None = None) -> None:
    """Every rule the channel and the calendar impose; raises one ValidationError naming each bad field.
    ``received_on``: the local day of ``data.received_at``, when the caller has worked it out already."""
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
    elif not data.place_unit.is_valid_on(received_on or timezone.localdate(data.received_at)):
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
            status=CaseStatus.RECEIVED, opened_at=now, received_at=intake.received_at, owner_agency=agency,
            unit=intake.place_unit, created_by=acting_user,
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


# ---------------------------------------------------------------------------------------------------------------
# Receiving many persons at once (the import of offices' lists, issue 12)


@dataclass
class BulkIntake:
    """One person received, in a call to ``receive_persons_bulk``. Give ``person`` for someone new, or
    ``existing_person`` when the duplicate check found them in the registry. ``same_person_as`` is the position of an
    earlier item of the same call that is the same person (a list that names someone twice): this item then opens a
    case for the person that item creates or links, or, if that item is refused, creates ``person`` itself."""

    intake: IntakeData
    person: PersonData | None = None
    existing_person: Person | None = None
    same_person_as: int | None = None


def receive_persons_bulk(*, acting_user, agency: Agency, items: list[BulkIntake], request=None,
                         unit_resolver=None) -> list[Case | ValidationError]:
    """``receive_person`` for many persons in one transaction, with bulk inserts (``trove.core.bulk``: ``COPY`` on
    PostgreSQL): for each item its case, or the ``ValidationError`` that refuses it (the same messages as
    ``receive_person``; nothing is written for it).

    Every item is checked as ``receive_person`` checks it, and the verification is opened as ``open_verification``
    opens it (the steps of the regime in force on the intake day for the channel, their deadlines, the case moved to
    verification, the timeline events), but the rows are inserted together, the case numbers of each series are
    reserved with one counter update, and ONE audit entry lists the cases and persons made (ids only). Children and
    the intake draft are not part of a bulk intake. ``unit_resolver`` (``people.matching.UnitResolver``) may be given
    to reuse the units it has resolved across calls; the import passes the one its duplicate check uses."""
    if not any(m.agency_id == agency.pk for m in policy.memberships_with(acting_user, "case.create")):
        raise PermissionDenied
    results: list[Case | ValidationError | None] = [None] * len(items)
    cleaned: dict[int, PersonData] = {}
    procedures: dict[int, tuple] = {}  # item -> (regime, rules)
    # The regimes and their steps, read once: a list spans years of intake days, and asking for each day's regime and
    # steps would take two queries a row. The same validity rules as regime_for() and steps_for().
    all_regimes = list(Regime.objects.all())
    all_rules = list(ProcedureStep.objects.order_by("order"))

    def valid(record, day: datetime.date) -> bool:
        return (record.valid_from is None or record.valid_from <= day) and (
            record.valid_to is None or record.valid_to >= day)

    regimes: dict[datetime.date, object] = {}
    rules_of: dict[tuple, list] = {}
    # Each item's day of receiving, in the current time zone and in Vietnam's (the regime's), worked out once.
    here = timezone.get_current_timezone()
    local_days = [timezone.localdate(item.intake.received_at, here) for item in items]
    today = timezone.localdate(timezone=here)
    vietnam_days = [timezone.localdate(item.intake.received_at, VIETNAM) for item in items]
    for index, item in enumerate(items):
        if item.intake.children:
            raise ValueError("A bulk intake takes no accompanying children: receive such a person on their own.")
        if item.person is None and item.existing_person is None and item.same_person_as is None:
            raise ValueError("Give the new person's data, the existing person or the earlier item.")
        received_on = local_days[index]
        errors: dict[str, list] = {}
        try:
            check_intake(item.intake, received_on=received_on)
        except ValidationError as error:
            errors.update(error.message_dict)
        if item.person is not None and item.existing_person is None:
            try:
                cleaned[index] = item.person.cleaned(received_on=received_on, today=today)
            except ValidationError as error:
                # An item that repeats an earlier one needs its own person only if the earlier one is refused.
                if item.same_person_as is None:
                    errors.update({f"person.{name}": messages for name, messages in error.message_dict.items()})
        if not errors:
            # What open_verification would refuse, refused before anything is written.
            day = vietnam_days[index]
            try:
                if day not in regimes:
                    covering = [regime for regime in all_regimes if valid(regime, day)]
                    # None or several in force: regime_for() says what is wrong.
                    regimes[day] = covering[0] if len(covering) == 1 else regime_for(day)
                regime = regimes[day]
            except NoRegimeInForce as error:
                errors["__all__"] = [str(error)]
            else:
                key = (regime.pk, item.intake.channel, day)
                if key not in rules_of:
                    rules_of[key] = [rule for rule in all_rules if rule.regime_id == regime.pk
                                     and rule.channel == item.intake.channel and valid(rule, day)]
                if not rules_of[key]:
                    errors["__all__"] = [_("Regime %(regime)s has no procedure steps for this intake channel; an "
                                           "administrator must add them.") % {"regime": regime.code}]
                else:
                    procedures[index] = (regime, rules_of[key])
        if errors:
            results[index] = ValidationError(errors)

    # Whose case each accepted item opens: an existing person, a new one, or the one an earlier item makes.
    subjects: dict[int, int] = {}  # item -> the item whose new person it is (itself when it creates one)
    for index, item in enumerate(items):
        if results[index] is not None or item.existing_person is not None:
            continue
        earlier = item.same_person_as
        if earlier is not None and 0 <= earlier < index and results[earlier] is None:
            subjects[index] = subjects.get(earlier, earlier)
        elif index in cleaned:
            subjects[index] = index
        else:
            results[index] = ValidationError(_("The person this row repeats could not be received; give their "
                                               "details on this row."))
    accepted = [index for index in range(len(items)) if results[index] is None]
    if not accepted:
        return results

    now = timezone.now()
    with transaction.atomic():
        # Persons, their blind indexes, name tokens and matching keys. The rows go in with trove.core.bulk (COPY on
        # PostgreSQL); those no one needs back (tokens, keys, steps, events) as plain values, without model objects.
        new_persons: dict[int, Person] = {}
        for index in accepted:
            if subjects.get(index) != index:
                continue
            new_persons[index] = new_person(cleaned[index], acting_user)
        bulk.insert(list(new_persons.values()))
        resolver = unit_resolver or UnitResolver()
        resolver.prefetch(p.home_unit_id for p in new_persons.values() if p.home_unit_id)
        tokens, keys = [], []
        for person in new_persons.values():
            words = name_words(person.full_name, *(person.other_names or []))
            tokens += [(person.pk, token) for token in {name_token(word) for word in words}]
            keys += [(person.pk, key) for key in person_match_keys(person, resolver)]
        bulk.insert_values(NameToken, ("person_id", "token"), tokens)
        bulk.insert_values(MatchKey, ("person_id", "key"), keys)

        # Case codes: each series (province initials, year) reserves its numbers with one counter update.
        prefixes: dict[int, str] = {}
        series: dict[tuple[str, int], list[int]] = {}
        for index in accepted:
            unit = items[index].intake.place_unit
            if unit.pk not in prefixes:
                prefixes[unit.pk] = code_prefix(unit)
            year = local_days[index].year
            series.setdefault((prefixes[unit.pk], year), []).append(index)
        codes: dict[int, str] = {}
        for (prefix, year), members in sorted(series.items()):
            counter, _created = CaseCounter.objects.select_for_update().get_or_create(prefix=prefix, year=year)
            first = counter.last + 1
            CaseCounter.objects.filter(pk=counter.pk).update(last=counter.last + len(members))
            codes.update({index: f"{prefix}-{year}-{first + offset:05d}" for offset, index in enumerate(members)})

        statuses = {regime.code: verification_status(regime) for regime, _rules in procedures.values()}
        for status in set(statuses.values()):
            check_transition(CaseStatus.RECEIVED, status, Via.INTAKE)
        cases: dict[int, Case] = {}
        for index in accepted:
            item, (regime, _rules) = items[index], procedures[index]
            subject = item.existing_person or new_persons[subjects[index]]
            cases[index] = Case(code=codes[index], pseudonym=new_pseudonym(), person=subject,
                                status=statuses[regime.code], opened_at=now, received_at=item.intake.received_at,
                                owner_agency=agency, unit=item.intake.place_unit, created_by=acting_user)
        bulk.insert(list(cases.values()))
        intakes: dict[int, Intake] = {}
        for index, case in cases.items():
            data = items[index].intake
            intakes[index] = Intake(
                case=case, channel=data.channel, received_at=data.received_at, receiving_officer=acting_user,
                place_kind=data.place_kind, place_name=data.place_name.strip(),
                country_returned_from=data.country_returned_from, source_reference=data.source_reference.strip(),
                immediate_needs=data.immediate_needs, first_support=data.first_support,
                consent_given=data.consent_given, consent_recorded_by=acting_user, consent_recorded_at=now,
                notes=data.notes,
            )
        bulk.insert(list(intakes.values()))
        bulk.insert([
            HandoverDocument(intake=intakes[index], title=d.title.strip(), number=d.number.strip(),
                             issued_by=d.issued_by.strip(), issued_on=d.issued_on)
            for index in cases for d in items[index].intake.documents
        ])
        steps, events, deadlines = [], [], {}
        for index, case in cases.items():
            item, (regime, rules) = items[index], procedures[index]
            received_at = item.intake.received_at
            for rule in rules:
                key = (rule.pk, vietnam_days[index])
                if key not in deadlines:
                    deadlines[key] = deadline_for(rule, received_at)
                steps.append((case.pk, rule.pk, regime.code, rule.order, received_at, deadlines[key]))
            linked = item.existing_person is not None or subjects[index] != index
            events += [
                (case.pk, received_at, acting_user.pk, agency.pk, "case.received",
                 {"channel": item.intake.channel, "linked_existing_person": linked, "children": 0}),
                (case.pk, now, acting_user.pk, agency.pk, "verification.opened",
                 {"regime": regime.code, "steps": len(rules)}),
                (case.pk, now, acting_user.pk, agency.pk, "case.status_changed",
                 {"source": CaseStatus.RECEIVED, "target": case.status, "via": Via.INTAKE, "closed_reason": ""}),
            ]
        bulk.insert_values(VerificationStep, ("case_id", "rule_id", "regime_code", "order", "started_at", "deadline"),
                           steps)
        bulk.insert_values(CaseEvent, ("case_id", "at", "actor_id", "agency_id", "kind", "details"), events)
        audit.record("case.receive_bulk", actor=acting_user, request=request, agency=agency, object_type="cases.case",
                     changes={"cases": [None, sorted(case.pk for case in cases.values())],
                              "persons created": [None, sorted(person.pk for person in new_persons.values())],
                              "persons linked": [None, sorted({cases[i].person_id for i in cases
                                                               if items[i].existing_person is not None})],
                              "verification steps": [None, len(steps)]})
        from trove.reports.freshness import bump

        bump()  # bulk inserts send no signals: the statistics must still know the data changed
    for index, case in cases.items():
        results[index] = case
    return results


# ---------------------------------------------------------------------------------------------------------------
# The type of exploitation (issue 10): several types per case, counted by the statistics and the HTCDS export.


def case_set_exploitation(*, acting_user, case: Case, types, expected_version: int | None, request=None) -> Case:
    """Replace the types of exploitation recorded on ``case`` with ``types`` (codes of ``ExploitationType``; an empty
    list clears them, and the statistics then fall back to the decision's grounds). Needs ``case.edit`` on the case
    and its intake section; ``expected_version`` is the case's version the form was opened on (None: no check)."""
    from trove.cases.models import CaseExploitation, ExploitationType
    from trove.core.versioning import lock_current

    policy.require(acting_user, "case.edit", case)  # 404 to an outsider, 403 to a reader
    shown = policy.sections_on(acting_user, case)
    if shown is not None and "intake" not in shown:
        raise PermissionDenied
    wanted = sorted(set(types or []))
    unknown = [value for value in wanted if value not in ExploitationType.values]
    if unknown:
        raise ValidationError({"types": [_("Choose the types of exploitation from the list.")]})
    if case.archived_at is not None:
        raise ValidationError(_("The case is archived and can no longer be changed."))
    with transaction.atomic():
        current = lock_current(case, expected_version)
        before = sorted(CaseExploitation.objects.filter(case=current).values_list("type", flat=True))
        if before == wanted:
            return current
        now = timezone.now()
        CaseExploitation.objects.filter(case=current).exclude(type__in=wanted).delete()
        for value in wanted:
            if value not in before:
                CaseExploitation.objects.create(case=current, type=value, recorded_at=now, recorded_by=acting_user)
        current.version += 1
        current.save(update_fields=["version"])
        audit.record("case.set_exploitation", actor=acting_user, request=request, agency=current.owner_agency,
                     obj=current, changes={"exploitation": [before, wanted]})
    case.version = current.version
    return current
