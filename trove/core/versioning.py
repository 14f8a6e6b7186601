"""Optimistic locking: an edit says which version it started from; if someone saved in between, it is refused.

A form carries the record's ``version`` in a hidden field. The action locks the row, compares, and either saves with
``version + 1`` or raises ``StaleEdit``, whose ``changes`` lists what the other person changed (from the audit log,
identity fields masked) so the page can show it next to the user's own input. Nothing is overwritten silently.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


class Versioned(models.Model):
    """Adds the lock column. A model whose ``version`` already means something else (a plan's numbered versions)
    sets ``LOCK_FIELD`` to the name of its own column instead."""

    LOCK_FIELD = "version"
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def lock_value(instance) -> int:
    return getattr(instance, type(instance).LOCK_FIELD)


class StaleEdit(ValidationError):
    """The record changed since the user opened the form. ``current`` is the record as saved now; ``changes`` the
    audit entries written since (who, when, which fields)."""

    def __init__(self, current: Versioned, changes: list) -> None:
        super().__init__(_("Someone else changed this record while you were editing it. Your changes were not saved: "
                           "look at what they changed below, then make your changes again on the current version."),
                         code="stale")
        self.current = current
        self.changes = changes


def lock_current(instance: Versioned, expected_version: int | None):
    """Lock the row (inside the caller's transaction) and return it; raise StaleEdit if its version is not the one
    the edit started from. ``expected_version`` None means the caller does not know it (a script): no check."""
    from trove.core.models.audit import AuditEntry

    model = type(instance)
    current = model._base_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and lock_value(current) != expected_version:
        label = model._meta.label_lower
        missed = max(1, lock_value(current) - expected_version)
        since = (AuditEntry.objects.filter(object_type=label, object_id=str(instance.pk))
                 .exclude(changes={}).select_related("actor").order_by("-pk")[:missed])
        raise StaleEdit(current, list(reversed(since)))
    return current


def stale_changes(error: StaleEdit) -> list[tuple]:
    """What the other users changed, for the page: (audit entry, the changed fields' names as the model labels
    them). Never the values: the log keeps identity masked and the page shows only who, when and which fields."""
    fields = type(error.current)._meta.fields
    labels = {field.name: str(field.verbose_name) for field in fields}
    return [(entry, [labels.get(name, name) for name in entry.changes]) for entry in error.changes]
