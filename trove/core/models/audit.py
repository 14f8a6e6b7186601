"""The append-only, hash-chained audit log (DESIGN §4).

Every entry stores the hash of the entry before it; its own hash covers that link and its whole content, so changing
or removing an entry breaks the chain at that point and ``manage.py audit_verify`` names it. Entries are written only
by ``trove.core.audit.record``, which numbers them 1, 2, 3… under a lock. Python refuses to update or delete an
entry, and on PostgreSQL a trigger (migration 0002; since 0008 on the partitioned table, so on every partition)
refuses it in the database too.

The actor and agency are kept as plain ids without a database constraint: deleting a user or an agency must neither
fail because of old entries nor change them (``SET NULL`` would be an UPDATE and would break the chain). The username
is copied so that the entry still says who acted.

On PostgreSQL the table is partitioned by year of ``at`` (migration 0008, ``trove.core.audit_partitions``), so that
old years can leave the database whole (``manage.py audit_archive``): a partitioned table accepts a unique constraint
only if it contains the partition key. The primary key is therefore ``(id, at)`` in the database (Django still knows
the entry by ``id``), and ``entry_hash`` is indexed, not unique. Neither uniqueness was what protects the log: the
numbers are given by ``record()`` one after the other under a lock, and ``audit_verify`` checks that they run 1, 2,
3… without a gap or a repeat and that every hash matches its entry and the next entry's link. A duplicated number or
hash, however it got there, breaks that check.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64
USER_AGENT_LENGTH = 300


class AuditLogIsAppendOnly(Exception):
    pass


class AuditEntryQuerySet(models.QuerySet):
    """Refuses the bulk operations that would change entries or add them outside the chain."""

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly(_("The audit log is append-only: entries cannot be changed."))

    def delete(self):
        raise AuditLogIsAppendOnly(_("The audit log is append-only: entries cannot be deleted."))

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogIsAppendOnly(_("The audit log is append-only: entries cannot be changed."))

    def bulk_create(self, objs, *args, **kwargs):
        raise AuditLogIsAppendOnly("Add audit entries one by one with trove.core.audit.record().")

    delete.queryset_only = True


class AuditEntry(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    actor_username = models.CharField(_("actor's username"), max_length=150, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    role = models.CharField(_("role"), max_length=30, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=USER_AGENT_LENGTH, blank=True)
    prev_hash = models.CharField(_("previous entry's hash"), max_length=64)
    # Indexed, not unique: see the module's docstring (partitioning).
    entry_hash = models.CharField(_("hash"), max_length=64, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["id"]
        # Related look-ups and deletions go through the base manager; make it the one that refuses changes.
        base_manager_name = "objects"
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type} {self.object_id}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly(_("The audit log is append-only: entries cannot be changed."))
        if self.pk is None or self.at is None or not self.prev_hash or self.entry_hash != self.compute_hash():
            # Only record() numbers an entry and links it to the chain; anything else would break it.
            raise AuditLogIsAppendOnly("Add audit entries with trove.core.audit.record().")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly(_("The audit log is append-only: entries cannot be deleted."))

    def canonical_content(self) -> str:
        """Every field except ``entry_hash`` as JSON with sorted keys: what the hash covers."""
        content = {
            "id": _text(self.pk),
            "at": _instant(self.at),
            "actor": _text(self.actor_id),
            "actor_username": self.actor_username,
            "agency": _text(self.agency_id),
            "role": self.role,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "changes": self.changes,
            "reason": self.reason,
            "ip_address": self.ip_address,
            "user_agent": self.user_agent,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical_content()).encode()).hexdigest()


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _instant(value: datetime.datetime) -> str:
    # The same instant reads back from SQLite and PostgreSQL with different time zones attached; hash it in UTC.
    return value.astimezone(datetime.UTC).isoformat()


class AuditArchive(models.Model):
    """A year of the audit log that left the database for a file (``manage.py audit_archive``): the checkpoint.

    Archives are taken oldest year first, so they are a prefix of the chain: entries ``first_id`` to ``last_id``,
    linked to the previous archive's ``last_hash`` (the first archive to the genesis hash). ``audit_verify`` starts
    the live chain from the newest checkpoint, and ``audit_verify --archive FILE`` checks a file against its row. On
    PostgreSQL a trigger (migration 0009) refuses to change or delete a checkpoint, as it does for entries.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    first_id = models.BigIntegerField(_("first entry"))
    last_id = models.BigIntegerField(_("last entry"))
    entry_count = models.BigIntegerField(_("number of entries"))
    first_prev_hash = models.CharField(_("hash before the first entry"), max_length=64)
    last_hash = models.CharField(_("last entry's hash"), max_length=64)
    file_name = models.CharField(_("file name"), max_length=200)
    file_sha256 = models.CharField(_("file's SHA-256"), max_length=64)
    archived_at = models.DateTimeField(_("archived at"))
    archived_by = models.CharField(_("archived by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("audit log archive")
        verbose_name_plural = _("audit log archives")
        ordering = ["first_id"]

    def __str__(self) -> str:
        return f"{self.year}: {self.first_id}–{self.last_id}"
