"""Stale writes (409). A record's ``ETag`` is a hash of the fields that say what state it is in (a step's status, a
case's status…); a write that sends ``If-Match`` with an ETag the record no longer has is refused with 409, so that a
script does not, say, close a request that someone answered after the script read it.

The records have no version column yet: true optimistic locking, with a version number kept by every change,
comes with issue 14, and these ETags will then be that number. Until then a change to a field outside the hashed
state does not change the ETag.
"""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext as _

from trove.api.errors import ApiError

IF_MATCH_DESCRIPTION = ("The ETag the record had when you read it; if it changed since, the call is refused "
                        "with 409.")


def etag_of(*state) -> str:
    digest = hashlib.sha256(repr(state).encode("utf-8")).hexdigest()[:20]
    return f'"{digest}"'


def check_if_match(if_match: str | None, current: str) -> None:
    """Refuse with 409 when the caller read an older state of the record."""
    if not if_match:
        return
    wanted = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" in wanted or current in wanted:
        return
    raise ApiError(409, _("The record changed since you read it (its ETag is now %(etag)s). Read it again, then "
                          "decide whether to repeat your change.") % {"etag": current},
                   headers={"ETag": current})

