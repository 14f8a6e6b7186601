"""What an undo of an import would delete, and whether anything was built on it since.

An import may be undone while its records are as the import left them. Anything else pointing at them means an
officer has worked on them, and deleting would lose that work:

- on a case: any related row other than its intake, its pending verification steps and the timeline events the
  intake itself wrote (a step done, a request, evidence, a decision, an attachment, a referral, support given…), an
  agency taking part in it, a confidentiality flag or a break-the-glass grant on it;
- on a registry entry: a status changed, a case opened from it, or anything pointing at it;
- on a person the import created: anything pointing at them other than what the import itself made (another case,
  a registry entry, a merge, an accompanying child).

The checks read the models' relations, so that records of apps written later (support, referrals) block an undo
without this module knowing them.
"""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models

from trove.cases.models import Case, CaseStatus
from trove.core.models.access import BreakGlassGrant, IdentityRestriction, Participation
from trove.imports.models import ImportBatch, ImportedRecord, RecordOutcome
from trove.people.models import MissingPerson, MissingStatus, Person, SuspectedStatus, SuspectedVictim

# What receive_person writes on the case's timeline by itself: the intake, the opening of the verification and the
# move into it.
INTAKE_EVENTS = ("case.received", "verification.opened")
FRESH_CASE_STATUSES = (CaseStatus.RECEIVED, CaseStatus.VERIFYING, CaseStatus.BEING_IDENTIFIED)
INITIAL_ENTRY_STATUS = {SuspectedVictim: SuspectedStatus.MONITORING, MissingPerson: MissingStatus.MISSING}
# Kept with a person and deleted with them: derived look-up keys, never work of an officer.
PERSON_INTERNALS = ("people.nametoken", "people.matchkey")


def created_objects(batch: ImportBatch) -> dict[type[models.Model], list[int]]:
    """The records the batch created (not those it linked), by model."""
    found: dict[type[models.Model], list[int]] = defaultdict(list)
    rows = ImportedRecord.objects.filter(batch=batch, outcome=RecordOutcome.CREATED).values_list(
        "content_type_id", "object_id")
    for content_type_id, object_id in rows.iterator(chunk_size=5000):
        found[ContentType.objects.get_for_id(content_type_id).model_class()].append(object_id)
    return found


def _generic_links(model: type[models.Model], ids: list[int]) -> bool:
    content_type = ContentType.objects.get_for_model(model)
    return any(link.objects.filter(content_type=content_type, object_id__in=ids).exists()
               for link in (Participation, IdentityRestriction, BreakGlassGrant))


def _pointing_at(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """Every (model, foreign key) that points at ``model``, including those declared with ``related_name="+"``,
    which ``_meta.related_objects`` leaves out."""
    return [(other, field.name) for other in apps.get_models() for field in other._meta.get_fields()
            if field.concrete and field.is_relation and (field.many_to_one or field.one_to_one)
            and field.related_model is model]


def _made_by(batch: ImportBatch, model: type[models.Model]) -> models.QuerySet:
    """The ids of the ``model`` records the batch created, as a subquery (a batch may hold 100,000 of them)."""
    return ImportedRecord.objects.filter(batch=batch, outcome=RecordOutcome.CREATED,
                                         content_type=ContentType.objects.get_for_model(model)).values("object_id")


def _related_rows(model: type[models.Model], ids: list[int], made: dict[type[models.Model], list[int]],
                  batch: ImportBatch):
    """For each foreign key pointing at ``model``: the rows pointing at ``ids`` that the batch did not make itself."""
    for related, name in _pointing_at(model):
        rows = related._default_manager.filter(**{f"{name}__in": ids})
        if related in made:
            rows = rows.exclude(pk__in=_made_by(batch, related))
        yield related, rows


def _chunks(ids: list[int], size: int = 2000):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _case_blocked(ids: list[int], made, batch: ImportBatch) -> bool:
    if Case.objects.filter(pk__in=ids).exclude(status__in=FRESH_CASE_STATUSES).exists():
        return True
    for related, rows in _related_rows(Case, ids, made, batch):
        label = related._meta.label_lower
        if label == "cases.intake":
            # The handover documents came with the intake; anything else hung on the intake is later work.
            intakes = list(rows.values_list("pk", flat=True))
            if any(later.exists() for kept, later in _related_rows(related, intakes, made, batch)
                   if kept._meta.label_lower != "cases.handoverdocument"):
                return True
            continue
        if label == "verification.verificationstep":
            rows = rows.exclude(status="pending")
        elif label == "cases.caseevent":
            rows = rows.exclude(kind__in=INTAKE_EVENTS).exclude(kind="case.status_changed", details__via="intake")
        if rows.exists():
            return True
    return _generic_links(Case, ids)


def _entry_blocked(model, ids: list[int], made, batch: ImportBatch) -> bool:
    entries = model.objects.filter(pk__in=ids)
    if entries.exclude(status=INITIAL_ENTRY_STATUS[model]).exists() or entries.filter(case__isnull=False).exists():
        return True
    return any(rows.exists() for _related, rows in _related_rows(model, ids, made, batch)) or _generic_links(model, ids)


def _person_blocked(ids: list[int], made, batch: ImportBatch) -> bool:
    if Person.objects.filter(pk__in=ids, merged_into__isnull=False).exists():
        return True
    for related, rows in _related_rows(Person, ids, made, batch):
        if related._meta.label_lower in PERSON_INTERNALS:
            continue
        if rows.exists():
            return True
    return False


def blocked(batch: ImportBatch) -> bool:
    """Whether something was built on the batch's records since it ran."""
    made = created_objects(batch)
    for model, ids in made.items():
        for chunk in _chunks(ids):
            if model is Case and _case_blocked(chunk, made, batch):
                return True
            if model in INITIAL_ENTRY_STATUS and _entry_blocked(model, chunk, made, batch):
                return True
            if model is Person and _person_blocked(chunk, made, batch):
                return True
    return False


def delete_created(batch: ImportBatch) -> dict[str, int]:
    """Delete what the batch created, cases and entries before their persons; the caller holds the transaction."""
    made = created_objects(batch)
    counts: dict[str, int] = {}
    order = [Case, SuspectedVictim, MissingPerson, Person]
    for model in order + [m for m in made if m not in order]:
        ids = made.get(model, [])
        deleted = 0
        for chunk in _chunks(ids):
            deleted += model.objects.filter(pk__in=chunk).count()
            model.objects.filter(pk__in=chunk).delete()
        if ids:
            counts[model._meta.label_lower] = deleted
    return counts
