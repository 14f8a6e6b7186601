"""The caller themself: who they are, their memberships and permissions, and their personal tokens.

A token is created only from a signed-in session (verified with the second factor where the role needs it), never
with another token; a token may list and revoke its owner's tokens."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from trove.agencies.models import Role
from trove.api import actions
from trove.api.auditing import touched
from trove.api.errors import ApiError
from trove.api.models import ApiToken
from trove.api.schemas import AgencyRef, Choice, Error, Id, Text, UnitRef, agency_ref, unit_ref
from trove.core import policy
from trove.core.permissions import role_permissions

router = Router(tags=["account"])


class MembershipOut(Schema):
    agency: AgencyRef
    role: Choice(Role)
    scope: UnitRef
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    read_only: bool
    created_at: datetime.datetime
    expires_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The token itself. It is shown this once and cannot be read again.")


class MeOut(Schema):
    username: str
    name: str
    memberships: list[MembershipOut]
    permissions: list[str]
    token: TokenOut | None = Field(description="The token of this call; null for a session.")


class TokenIn(Schema):
    name: Text(80)
    lifetime_days: int = Field(90, description="7, 30, 90, 180 or 365.")
    read_only: bool = False


def token_out(token: ApiToken) -> dict:
    return {"id": token.pk, "name": token.name, "prefix": token.prefix, "read_only": token.read_only,
            "created_at": token.created_at, "expires_at": token.expires_at, "last_used_at": token.last_used_at,
            "revoked_at": token.revoked_at}


@router.get("/me", response={200: MeOut, (401, 429): Error}, summary="Who is calling")
def me(request):
    memberships = policy.current_memberships(request.user)
    permissions = set()
    for membership in memberships:
        permissions |= role_permissions(membership.role)
    token = getattr(request, "api_token", None)
    return {
        "username": request.user.get_username(), "name": request.user.display_name,
        "memberships": [{"agency": agency_ref(m.agency), "role": m.role, "scope": unit_ref(m.scope_unit),
                         "valid_from": m.valid_from, "valid_to": m.valid_to} for m in memberships],
        "permissions": sorted(permissions), "token": token_out(token) if token else None,
    }


@router.get("/tokens", response={200: list[TokenOut], (401, 429): Error}, summary="Your tokens")
def token_list(request):
    return [token_out(token) for token in ApiToken.objects.filter(user=request.user)]


@router.post("/tokens", response={201: NewTokenOut, (400, 401, 403, 422, 429): Error},
             summary="Create a token (signed-in session only)")
def token_create(request, payload: TokenIn):
    """Only from a signed-in session, with the CSRF token; for roles that see identity, verified with the second
    factor. The answer holds the token itself, once."""
    if getattr(request, "api_token", None) is not None:
        raise ApiError(403, _("A token is created from a signed-in session, not with another token."))
    new = actions.token_create(acting_user=request.user, name=payload.name, lifetime_days=payload.lifetime_days,
                               read_only=payload.read_only, request=request)
    touched(request, new.token)
    return Status(201, {**token_out(new.token), "token": new.secret})


@router.delete("/tokens/{token_id}", response={204: None, (400, 401, 403, 404, 429): Error},
               summary="Revoke one of your tokens")
def token_revoke(request, token_id: Id):
    token = actions.token_revoke(acting_user=request.user, token_id=token_id, request=request)
    touched(request, token)
    return Status(204, None)
