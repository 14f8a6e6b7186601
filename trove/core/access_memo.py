"""What the access policy has already answered in this request, so that a page asks the database once (issue 13).

A case page used to read the policy for the same case five times (the look-up, the sections, whether to show
identity, the panels): three or four queries each. ``policy.access_on`` now keeps its answer for one record on the
user object — like ``current_memberships`` keeps the memberships — but only inside a request scope
(``AccessMemoMiddleware``, or ``request_scope()`` in a test): outside one (jobs, commands, tests that call the policy
directly) nothing is kept and every call reads the database, as before.

A kept answer is dropped, in the same request and process, when anything it was made of changes:

- a participation, a break-the-glass grant, a confidentiality flag (or the members named in it), a membership or an
  agency is saved or deleted, or any agency-owned record is saved (a case transferred, moved or closed) — through
  model signals, so that no action has to remember to call anything; a change made with ``QuerySet.update`` sends no
  signal, and the action that makes one calls ``access_changed()`` itself;
- the transaction in which such a change was made is rolled back (an answer given while the change was visible must
  not outlive it) or committed (a change committed by another process's transaction is then seen);
- a participation or a grant it relied on ends or starts with time (each answer carries the moment it stops holding);
- the user's memberships are read again (``forget_memberships``, or a new day).

The answer is also keyed on the record's owner and place as the caller holds them, so a record object that was moved
is never answered from what was true of its old owner.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

_ATTR = "_trove_access_memo"


class _Scope:
    """One request. ``facts`` holds answers that do not depend on the user (whether a record carries a
    confidentiality flag), valid for as long as the generation they were read in."""

    __slots__ = ("facts", "facts_generation")

    def __init__(self) -> None:
        self.facts: dict = {}
        self.facts_generation = -1


_scope: ContextVar[_Scope | None] = ContextVar("trove_access_scope", default=None)


@contextlib.contextmanager
def request_scope() -> Iterator[None]:
    """Keep the policy's answers until the block ends (one request)."""
    token = _scope.set(_Scope())
    try:
        yield
    finally:
        _scope.reset(token)


class AccessMemoMiddleware:
    """Opens a ``request_scope`` around each request (views, templates and context processors)."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            return self.get_response(request)


# -- invalidation ------------------------------------------------------------------------------------------------------

_lock = threading.Lock()
_generation = 0


class _Uncommitted:
    """A change made inside a transaction: registered as an on-commit hook, so that whether the transaction committed
    (the hook ran) or was rolled back (Django dropped the hook) can be told afterwards."""

    __slots__ = ("connection", "done")

    def __init__(self, connection) -> None:
        self.connection = connection
        self.done = False

    def __call__(self) -> None:
        self.done = True
        _bump()


_uncommitted: list[_Uncommitted] = []


def _bump() -> None:
    global _generation
    with _lock:
        _generation += 1


def access_changed(using: str | None = None, **_signal) -> None:
    """Forget every kept answer of the policy, in every request of this process. Connected to the model signals
    below; call it after a ``QuerySet.update`` of what the policy reads."""
    _bump()
    connection = transaction.get_connection(using)
    # Only a request keeps answers, so only there can a rolled-back change leave a wrong one behind; outside (the
    # background worker, commands) nothing is tracked, and nothing piles up in a long-running process.
    if connection.in_atomic_block and _scope.get() is not None:
        change = _Uncommitted(connection)
        connection.on_commit(change)
        with _lock:
            _uncommitted.append(change)


def generation() -> int:
    """The current generation, after settling the changes whose transaction ended (a rollback bumps it)."""
    global _generation
    if _uncommitted:
        connection = transaction.get_connection()
        waiting = {id(hook) for _savepoints, hook, _robust in connection.run_on_commit}
        with _lock:
            for change in list(_uncommitted):
                if change.done:
                    _uncommitted.remove(change)
                elif change.connection is connection and id(change) not in waiting:
                    _uncommitted.remove(change)  # rolled back: answers given while it was visible are wrong now
                    _generation += 1
    return _generation


def _watched_models() -> tuple:
    from trove.agencies.models import Agency, Membership
    from trove.core.models.access import BreakGlassGrant, IdentityRestriction, Participation

    return (Participation, BreakGlassGrant, IdentityRestriction, Membership, Agency)


_decided: dict[type, bool] = {}


def _on_save_or_delete(sender, **kwargs) -> None:
    watched = _decided.get(sender)
    if watched is None:
        from trove.core.models.access import AgencyOwned

        watched = _decided[sender] = issubclass(sender, _watched_models()) or issubclass(sender, AgencyOwned)
    if watched:
        access_changed(kwargs.get("using"))


def _on_members_changed(sender, action: str, **kwargs) -> None:
    from trove.core.models.access import IdentityRestriction

    if sender is IdentityRestriction.members.through and action.startswith("post_"):
        access_changed(kwargs.get("using"))


post_save.connect(_on_save_or_delete, dispatch_uid="trove.access_memo.save")
post_delete.connect(_on_save_or_delete, dispatch_uid="trove.access_memo.delete")
m2m_changed.connect(_on_members_changed, dispatch_uid="trove.access_memo.members")


# -- the memo ----------------------------------------------------------------------------------------------------------

def answers(user, memberships: list) -> dict | None:
    """The dict of answers kept for ``user`` in this request (empty after any change), or None outside a request
    scope. ``memberships`` is the list ``current_memberships`` gave: when it is read again, the answers go too."""
    scope = _scope.get()
    if scope is None:
        return None
    now = generation()
    kept = getattr(user, _ATTR, None)
    if kept is None or kept[0] is not scope or kept[1] is not memberships or kept[2] != now:
        kept = (scope, memberships, now, {})
        setattr(user, _ATTR, kept)
    return kept[3]


def facts() -> dict | None:
    """Answers that do not depend on the user, for this request (None outside a request scope)."""
    scope = _scope.get()
    if scope is None:
        return None
    now = generation()
    if scope.facts_generation != now:
        scope.facts, scope.facts_generation = {}, now
    return scope.facts


def forget(user) -> None:
    if hasattr(user, _ATTR):
        delattr(user, _ATTR)
