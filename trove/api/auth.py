"""Who calls: a personal token (``Authorization: Bearer trv_…``) or, for the pages' own calls, the signed-in session
with Django's CSRF check on unsafe methods. Either way the caller then acts as a user through the same access policy.

Every call of an authenticated caller is counted against the rate limit; a read-only token may only read.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie

from trove.api.actions import token_hash
from trove.api.errors import ApiError
from trove.api.models import ApiToken
from trove.api.ratelimit import count_call
from trove.core import policy
from trove.core.signin import needs_verification

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# last_used_at is written at most this often, so that a busy script does not turn every read into a write.
LAST_USED_PRECISION_SECONDS = 60


def _invalid(message: str) -> ApiError:
    return ApiError(401, message, headers={"WWW-Authenticate": 'Bearer realm="trove", error="invalid_token"'})


def _admit(request: HttpRequest, user, token: ApiToken | None) -> object:
    """The checks every caller passes once identified: read-only scope, then the rate limit."""
    if token is not None and token.read_only and request.method not in SAFE_METHODS:
        raise ApiError(403, _("This token is read-only: it cannot change anything. Use a token without the "
                              "read-only scope."))
    caller = f"token:{token.pk}" if token is not None else f"user:{user.pk}"
    verdict = count_call(caller)
    if not verdict.allowed:
        raise ApiError(429, _("Too many calls: at most %(limit)d a minute. Try again in %(seconds)d seconds.")
                       % {"limit": verdict.limit, "seconds": verdict.retry_after},
                       headers={"Retry-After": str(verdict.retry_after)})
    request.user = user
    request.api_token = token
    return user


class TokenAuth(HttpBearer):
    """A personal API token, made on the user's token page."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization", "")
        if header and not header.lower().startswith("bearer "):
            raise _invalid(_("Send the token as “Authorization: Bearer <token>”."))
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str):
        token = (token or "").strip()
        found = None
        if token.isascii() and 0 < len(token) <= 200:
            found = ApiToken.objects.select_related("user").filter(token_hash=token_hash(token)).first()
        if found is None:
            raise _invalid(_("This token is not known. Check that you copied all of it."))
        now = timezone.now()
        if found.revoked_at is not None:
            raise _invalid(_("This token was revoked. Create a new one on your token page."))
        if found.expires_at <= now:
            raise _invalid(_("This token expired on %(day)s. Create a new one on your token page.")
                           % {"day": timezone.localtime(found.expires_at).strftime("%d/%m/%Y")})
        user = found.user
        if not user.is_active or found.security_stamp != user.security_stamp:
            raise _invalid(_("This token no longer works: your account or memberships changed. Create a new one."))
        if not policy.current_memberships(user):
            raise _invalid(_("This token no longer works: you are not a member of any agency now."))
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > LAST_USED_PRECISION_SECONDS:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return _admit(request, user, found)


class SessionAuth(APIKeyCookie):
    """The signed-in session of the pages; unsafe methods need Django's CSRF token (X-CSRFToken header)."""

    openapi_description = "The session cookie of a signed-in user, for the pages' own calls."

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # not signed in: 401, not a CSRF complaint
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        if needs_verification(request):
            raise _invalid(_("Finish signing in with your second factor first."))
        return _admit(request, request.user, None)
