"""Writing the audit log: ``record()`` appends an entry to the hash chain, ``diff()`` describes a change safely.

Every sign-in (failed too), sign-out, lockout, membership change, view of identity data, change made through an
action, export, download and break-the-glass calls ``record()`` (DESIGN §4). Identity values never reach the log in
clear: ``diff()`` masks the fields the caller names as sensitive, and ``record()`` also masks any change to a field
that is encrypted on the recorded object's model.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from trove.core.crypto import mask
from trove.core.fields import encrypted_fields
from trove.core.models.audit import GENESIS_HASH, USER_AGENT_LENGTH, AuditEntry
from trove.core.net import client_address

__all__ = ["diff", "record"]

# Any constant works as long as nothing else in the database takes the same advisory lock: "TROVEAUD" in ASCII.
AUDIT_APPEND_LOCK = 0x54524F5645415544


def record(
    action: str,
    *,
    actor=None,
    request: HttpRequest | None = None,
    agency=None,
    role: str = "",
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    changes: dict | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry to the audit log and return it.

    ``actor`` defaults to the request's user when signed in; the IP address and user agent come from the request.
    ``obj`` fills ``object_type`` ("app_label.model") and ``object_id`` unless they are given. ``agency`` is an
    Agency or its id. Call it inside the action's transaction so that the entry and the change commit together.
    """
    if not action:
        raise ValueError("record() needs an action, e.g. 'case.update'.")
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or ("" if obj.pk is None else str(obj.pk))
    changes = _json_safe(_mask_encrypted(changes or {}, obj))

    entry = AuditEntry(
        actor_id=getattr(actor, "pk", actor),
        actor_username=actor.get_username() if hasattr(actor, "get_username") else "",
        agency_id=getattr(agency, "pk", agency),
        role=str(role or ""),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        changes=changes,
        reason=reason,
        ip_address=client_address(request),
        user_agent=_user_agent(request),
    )
    database = router.db_for_write(AuditEntry)
    with transaction.atomic(using=database):
        _lock_chain(database)
        last = AuditEntry.objects.using(database).order_by("-id").values_list("id", "entry_hash").first()
        last_id, last_hash = last if last else (0, GENESIS_HASH)
        # Numbered here, under the lock, so that the number is part of the hashed content and the numbers have no
        # gaps: a missing number is a deleted entry.
        entry.id = last_id + 1
        entry.prev_hash = last_hash
        entry.at = timezone.now()
        entry.entry_hash = entry.compute_hash()
        entry.save(using=database)
    return entry


def diff(before: dict, after: dict, *, sensitive: set[str]) -> dict:
    """``{field: [old, new]}`` for every field whose value differs, with sensitive fields masked.

    A field missing on one side counts as None. A sensitive field that changed is listed even when both masks look
    the same, so that the log shows that it changed without showing what it is.
    """
    changed = {}
    for field in sorted(before.keys() | after.keys()):
        old, new = before.get(field), after.get(field)
        if old == new:
            continue
        changed[field] = [mask(old), mask(new)] if field in sensitive else [old, new]
    return changed


def _lock_chain(database: str) -> None:
    """Serialise appends until the surrounding transaction ends.

    On PostgreSQL a transaction-level advisory lock; SQLite runs IMMEDIATE transactions (settings), which take the
    database's write lock at BEGIN, so two appends cannot read the same last hash.
    """
    connection = connections[database]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_APPEND_LOCK])
    elif connection.vendor != "sqlite":
        # Other engines: lock the last entry's row. Two first entries cannot both commit: both would be number 1.
        list(AuditEntry.objects.using(database).select_for_update().order_by("-id").values_list("id")[:1])


def _mask_encrypted(changes: dict, obj: Model | None) -> dict:
    if obj is None:
        return dict(changes)
    secret_names = {field.name for field in encrypted_fields(type(obj))}
    masked = {}
    for name, values in changes.items():
        if name not in secret_names:
            masked[name] = values
        elif isinstance(values, list | tuple) and len(values) == 2:
            masked[name] = [mask(values[0]), mask(values[1])]
        else:
            masked[name] = mask(values)
    return masked


def _json_safe(changes: dict) -> dict:
    # Dates, decimals and UUIDs become text now, so the hashed content is exactly what the database gives back.
    return json.loads(json.dumps(changes, cls=DjangoJSONEncoder, ensure_ascii=False))


def _user_agent(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]
