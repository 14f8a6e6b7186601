"""Merging two records of one person, and undoing it (DESIGN §5: "keeping the history of both").

``merge_persons`` keeps both rows: the duplicate points at the survivor (``merged_into``) and its cases, registry
entries and accompanying-child links are re-pointed to the survivor. ``PersonMerge.moved`` records exactly which
rows moved, so that ``undo_merge`` puts those rows — and only those — back.

Who may merge: a member holding ``case.edit`` on at least one case of each person (both files are theirs to change).
Who may undo: an administrator (``admin.users``). Both are audited.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.cases.models import AccompanyingChild, Case
from trove.core import audit, policy
from trove.people.models import MissingPerson, Person, PersonMerge, SuspectedVictim

# The rows that belong to a person and move with it, by the label kept in ``PersonMerge.moved``.
MOVABLE = {
    "cases.case": Case,
    "people.suspectedvictim": SuspectedVictim,
    "people.missingperson": MissingPerson,
    "cases.accompanyingchild": AccompanyingChild,
}


def _may_edit_a_case_of(user, person: Person) -> bool:
    cases = policy.visible(user, Case.objects.filter(person=person), "case.edit")
    return cases.exists()


def _refuse_merged(survivor: Person, duplicate: Person) -> None:
    if survivor.merged_into_id is not None:
        raise ValidationError(_("The person to keep has already been merged into another person: merge into that "
                                "person instead."))
    if duplicate.merged_into_id is not None:
        raise ValidationError(_("This person has already been merged into another person."))


def merge_persons(*, acting_user, survivor: Person, duplicate: Person, reason: str, request=None) -> PersonMerge:
    """Record that ``duplicate`` is ``survivor`` and move the duplicate's rows to the survivor."""
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A person cannot be merged into themselves: choose two different persons."))
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for merging these two persons."))
    _refuse_merged(*Person.objects.filter(pk__in=[survivor.pk, duplicate.pk]).order_by(
        models.Case(models.When(pk=survivor.pk, then=0), default=1)))
    if not (_may_edit_a_case_of(acting_user, survivor) and _may_edit_a_case_of(acting_user, duplicate)):
        raise PermissionDenied(_("You may merge two persons only when you may change a case of each."))
    with transaction.atomic():
        survivor, duplicate = (Person.objects.select_for_update().get(pk=pk) for pk in (survivor.pk, duplicate.pk))
        _refuse_merged(survivor, duplicate)  # again, under the lock
        moved = {}
        for label, model in MOVABLE.items():
            rows = model.objects.filter(person=duplicate)
            ids = sorted(rows.values_list("pk", flat=True))
            if ids:
                model.objects.filter(pk__in=ids).update(person=survivor)
            moved[label] = ids
        duplicate.merged_into = survivor
        duplicate.save(update_fields=["merged_into"])
        merge = PersonMerge.objects.create(survivor=survivor, duplicate=duplicate, reason=reason.strip(),
                                           moved=moved, merged_by=acting_user)
        audit.record("person.merge", actor=acting_user, request=request, obj=duplicate, reason=reason.strip(),
                     changes={"merged_into": [None, survivor.pk], "merge": merge.pk,
                              "moved": {label: ids for label, ids in moved.items() if ids}})
    return merge


def may_undo(user, merge: PersonMerge) -> bool:
    """An administrator (``admin.users``) whose scope covers a case of either person."""
    people = [merge.survivor_id, merge.duplicate_id]
    for membership in policy.memberships_with(user, "admin.users"):
        if Case.objects.filter(person_id__in=people).filter(policy.covered_units(membership.scope_unit)).exists():
            return True
    # The cases were moved to the survivor; after an undo some may point at the duplicate again.
    return False


def undo_merge(*, acting_user, merge: PersonMerge, reason: str, request=None) -> PersonMerge:
    """Put back exactly the rows the merge moved and make the duplicate a person of its own again."""
    if not may_undo(acting_user, merge):
        raise PermissionDenied(_("Only an administrator responsible for where these cases are may undo a merge."))
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for undoing this merge."))
    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at is not None:
            raise ValidationError(_("This merge has already been undone."))
        duplicate = Person.objects.select_for_update().get(pk=merge.duplicate_id)
        for label, ids in merge.moved.items():
            if ids:
                # Rows that left the survivor since (say, merged on again) are not taken from where they are now.
                MOVABLE[label].objects.filter(pk__in=ids, person_id=merge.survivor_id).update(person=duplicate)
        duplicate.merged_into = None
        duplicate.save(update_fields=["merged_into"])
        merge.undone_at = timezone.now()
        merge.undone_by = acting_user
        merge.undo_reason = reason.strip()
        merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        audit.record("person.merge_undone", actor=acting_user, request=request, obj=duplicate, reason=reason.strip(),
                     changes={"merged_into": [merge.survivor_id, None], "merge": merge.pk})
    return merge
