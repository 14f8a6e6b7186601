"""Creating and revoking personal API tokens. Each action checks, writes in one transaction and audits the change;
the audit entry names the token by its number and prefix, never by the secret."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.api.models import ApiToken
from trove.core import audit, policy
from trove.core.signin import user_needs_two_factor

TOKEN_PREFIX = "trv_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
# The lifetimes offered, in days; a token never lives longer than the last one.
LIFETIMES = (7, 30, 90, 180, 365)
MAX_LIFETIME_DAYS = LIFETIMES[-1]
MAX_NAME_LENGTH = 80


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once to its owner, never stored


def token_create(*, acting_user, name: str, lifetime_days: int, read_only: bool = False, request=None) -> NewToken:
    """Make a personal token for ``acting_user``. Only a signed-in session may do it, and for someone whose role can
    see identity only a session verified with the second factor (DESIGN §4): a token must not be a way around it."""
    if request is None or getattr(request, "api_token", None) is not None:
        raise PermissionDenied(_("A token is created from a signed-in session, not with another token."))
    if not policy.current_memberships(acting_user):
        raise PermissionDenied(_("You are not a member of any agency, so a token could do nothing."))
    if user_needs_two_factor(acting_user) and not _verified(request):
        raise PermissionDenied(_("Sign in with your second factor before you create a token."))
    name = " ".join((name or "").split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the token a name that says where it is used, e.g. “hotline import script”.")]
    elif len(name) > MAX_NAME_LENGTH:
        errors["name"] = [_("The name can have at most %(count)d characters.") % {"count": MAX_NAME_LENGTH}]
    if lifetime_days not in LIFETIMES:
        errors["lifetime_days"] = [_("Choose how long the token lasts: %(days)s days.")
                                   % {"days": ", ".join(str(days) for days in LIFETIMES)}]
    if errors:
        raise ValidationError(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=acting_user, name=name, prefix=secret[:PREFIX_LENGTH], token_hash=token_hash(secret),
            read_only=read_only, created_at=now, expires_at=now + datetime.timedelta(days=lifetime_days),
            security_stamp=acting_user.security_stamp,
        )
        audit.record("api.token_create", actor=acting_user, request=request, obj=token,
                     changes={"token": [None, token.label], "read_only": [None, read_only],
                              "expires_at": [None, token.expires_at]})
    return NewToken(token=token, secret=secret)


def demo_token_create(*, username: str, read_only: bool = False, lifetime_days: int = 7) -> NewToken:
    """A token for a demo user, made by a command (``api_demo_tokens``, ``make fuzz``) without a session. Refused
    unless the database holds the demo and the user is one of its invented users: never a way around the second
    factor on real data."""
    from trove.core.demo import DEMO_USERNAMES
    from trove.core.models import Installation, User

    if not Installation.is_demo() or username not in DEMO_USERNAMES:
        raise PermissionDenied("Demo tokens are made only for the demo users of a demo database.")
    user = User.objects.get(username=username)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name="demo", prefix=secret[:PREFIX_LENGTH], token_hash=token_hash(secret), read_only=read_only,
            created_at=now, expires_at=now + datetime.timedelta(days=lifetime_days),
            security_stamp=user.security_stamp,
        )
        audit.record("api.token_create", actor=user, obj=token, reason="demo token made by a command",
                     changes={"token": [None, token.label], "read_only": [None, read_only],
                              "expires_at": [None, token.expires_at]})
    return NewToken(token=token, secret=secret)


def token_revoke(*, acting_user, token_id: int, request=None) -> ApiToken:
    """Revoke one of one's own tokens; it stops working at once. Someone else's token does not exist for the user."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user_id=acting_user.pk).first()
        if token is None:
            raise Http404
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record("api.token_revoke", actor=acting_user, request=request, obj=token,
                         changes={"token": [token.label, None]})
    return token


def _verified(request) -> bool:
    user = getattr(request, "user", None)
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())
