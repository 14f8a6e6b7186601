"""Auditing API calls (DESIGN §4): every call that changes data or reads identity leaves, besides the entries the
actions and ``policy.reveal_identity`` write, one ``api.call`` entry per record that names the token used (its number
and prefix) or "session". A call that changes data runs in one transaction with its entries: all or nothing."""

from __future__ import annotations

import functools

from django.db import transaction
from django.http import HttpRequest

from trove.api.auth import SAFE_METHODS
from trove.core import audit, policy


def caller_label(request: HttpRequest) -> str:
    token = getattr(request, "api_token", None)
    return token.label if token is not None else "session"


def touched(request: HttpRequest, obj=None, *, object_type: str = "", object_id: str = "") -> None:
    """Note that this call read identity of, or changed, ``obj``; the ``api.call`` entry is written when it ends."""
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
    records = request.__dict__.setdefault("_api_touched", [])
    if (object_type, object_id) not in records:
        records.append((object_type, object_id))


def reveal(request: HttpRequest, obj) -> bool:
    """Whether to include who the person behind ``obj`` is; each yes is audited (identity.view and api.call)."""
    if not policy.reveal_identity(request.user, obj, request=request):
        return False
    touched(request, obj)
    return True


def _operation(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return f"{request.method} {match.route if match else request.path}"


def _write_entries(request: HttpRequest, *, writes: bool) -> None:
    records = request.__dict__.pop("_api_touched", [])
    if writes and not records:
        records = [("", "")]
    for object_type, object_id in records:
        audit.record("api.call", actor=request.user, request=request, object_type=object_type,
                     object_id=object_id,
                     changes={"token": [None, caller_label(request)], "operation": [None, _operation(request)]})


def audited_call(view):
    """Wraps every operation: changes run in one transaction with their audit entries."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        request._api_touched = []
        if request.method in SAFE_METHODS:
            result = view(request, *args, **kwargs)
            _write_entries(request, writes=False)
            return result
        with transaction.atomic():
            result = view(request, *args, **kwargs)
            _write_entries(request, writes=True)
        return result

    return wrapper
