"""Sign-in protection: lockout after repeated failures, and the second factor (DESIGN §4, docs/security.md).

Failed attempts, wrong passwords and wrong two-factor codes alike, are stored as ``SignInFailure`` rows per username
tried and per network address. Sign-in is locked once an account, or an address, reaches its limit within the
window; the lock then lasts ``LOGIN_LOCKOUT_MINUTES`` from the failure that reached the limit. Attempts made while
locked are refused before the password is checked and are not counted, so that someone hammering a locked account
cannot keep its owner out for ever.

Roles that can see identity data must sign in with a TOTP code (``user_needs_two_factor``); ``TwoFactorMiddleware``
keeps such a user on the two-factor pages until ``request.user.is_verified()``.
"""

from __future__ import annotations

import base64
import datetime
import io
import math
from dataclasses import dataclass

import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from trove.core import audit
from trove.core.models import Installation, SignInFailure, User
from trove.core.net import client_address
from trove.core.permissions import TWO_FACTOR_ROLES

RECOVERY_CODE_COUNT = 10
# Failure rows older than this are no longer needed for any lockout and are deleted as new ones arrive.
FAILURE_RETENTION = datetime.timedelta(days=1)
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"


def normalise_username(username: str | None) -> str:
    return (username or "").strip().lower()[:150]


# Lockout ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    until: datetime.datetime

    @property
    def minutes(self) -> int:
        """Whole minutes left, rounded up, so that the message never says 0."""
        return max(1, math.ceil((self.until - timezone.now()).total_seconds() / 60))

    @property
    def message(self) -> str:
        # The same words whether the account exists or not, and whether the account or the address is locked.
        return ngettext(
            "Sign-in is locked for %(minutes)d minute after too many failed attempts. "
            "Try again later, or contact your administrator.",
            "Sign-in is locked for %(minutes)d minutes after too many failed attempts. "
            "Try again later, or contact your administrator.",
            self.minutes,
        ) % {"minutes": self.minutes}


def _locked_until(failures: QuerySet[SignInFailure], limit: int, now: datetime.datetime) -> datetime.datetime | None:
    """When the latest lock on these failures ends, or None if they are not locked now.

    A lock starts at a failure that is the ``limit``-th within one window, and lasts the lockout period from there.
    """
    window = datetime.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    lockout = datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    times = list(
        failures.filter(attempted_at__gt=now - window - lockout)
        .order_by("attempted_at")
        .values_list("attempted_at", flat=True)
    )
    limit = max(1, limit)
    for last in range(len(times) - 1, limit - 2, -1):
        if times[last] - times[last - limit + 1] <= window:
            # The newest lock found is the one that ends last; older ones ended earlier.
            until = times[last] + lockout
            return until if until > now else None
    return None


def current_lockout(username: str | None, address: str | None) -> Lockout | None:
    """The lock on this username or this address, whichever ends later."""
    now = timezone.now()
    ends = []
    name = normalise_username(username)
    if name:
        ends.append(_locked_until(SignInFailure.objects.filter(username=name), settings.LOGIN_FAILURE_LIMIT, now))
    if address:
        ends.append(
            _locked_until(
                SignInFailure.objects.filter(ip_address=address), settings.LOGIN_ADDRESS_FAILURE_LIMIT, now
            )
        )
    ends = [end for end in ends if end is not None]
    return Lockout(until=max(ends)) if ends else None


def record_failure(username: str | None, request: HttpRequest | None) -> Lockout | None:
    """Count one failed attempt; audit the lockout when this attempt is the one that starts it."""
    name = normalise_username(username)
    address = client_address(request)
    before = current_lockout(name, address)
    now = timezone.now()
    SignInFailure.objects.create(username=name, ip_address=address, attempted_at=now)
    SignInFailure.objects.filter(attempted_at__lt=now - FAILURE_RETENTION).delete()
    after = current_lockout(name, address)
    if after is not None and before is None:
        audit_attempt("auth.lockout", request, username=name, reason=f"locked until {after.until.isoformat()}")
    return after


def clear_failures(username: str) -> None:
    """A complete sign-in forgives the account's earlier failures (the address keeps its count)."""
    SignInFailure.objects.filter(username=normalise_username(username)).delete()


def audit_attempt(action: str, request: HttpRequest | None, *, username: str, reason: str = "") -> None:
    """Audit an attempt to sign in under the username that was typed, whether or not such an account exists."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and normalise_username(user.get_username()) == username:
        actor = user
    else:
        actor = _AttemptedUsername(username)
    audit.record(action, actor=actor, request=request, reason=reason)


@dataclass(frozen=True)
class _AttemptedUsername:
    """Stands in for the actor of an attempt by someone not signed in: no user id, only the name they typed."""

    username: str
    pk = None

    def get_username(self) -> str:
        return self.username


# Signals from django.contrib.auth ---------------------------------------------------------------------------------


@receiver(user_login_failed, dispatch_uid="trove.core.signin.login_failed")
def _on_login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    # Django has already masked the password in ``credentials``; only the username is read here.
    username = normalise_username(credentials.get(User.USERNAME_FIELD))
    audit_attempt("auth.login_failed", request, username=username, reason="wrong password")
    record_failure(username, request)


@receiver(user_logged_in, dispatch_uid="trove.core.signin.logged_in")
def _on_logged_in(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    audit.record("auth.login", actor=user, request=request)
    # Someone who still owes a second factor has not finished signing in: forgiving their failures now would give a
    # password holder a fresh set of code guesses each time they sign in again.
    if not user_needs_two_factor(user):
        clear_failures(user.get_username())


@receiver(user_logged_out, dispatch_uid="trove.core.signin.logged_out")
def _on_logged_out(sender, request: HttpRequest | None, user: User | None, **kwargs) -> None:
    if user is not None and user.is_authenticated:
        audit.record("auth.logout", actor=user, request=request)


# Two-factor -------------------------------------------------------------------------------------------------------


def user_needs_two_factor(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if settings.DEMO_SKIP_TWO_FACTOR and Installation.is_demo():
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.memberships.current().filter(role__in=TWO_FACTOR_ROLES).exists()


def needs_verification(request: HttpRequest) -> bool:
    """Is this request from someone signed in with a password who still owes their second factor?"""
    user = request.user
    return user.is_authenticated and not user.is_verified() and user_needs_two_factor(user)


def confirmed_authenticator(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_authenticator(user: User) -> TOTPDevice:
    """The device being enrolled; the same one on every visit, so the QR code stays valid until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def authenticator_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def authenticator_qr_data_uri(device: TOTPDevice) -> str:
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=5, border=4, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _clean_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def is_totp_code(code: str) -> bool:
    code = _clean_code(code)
    return len(code) == 6 and code.isdigit()


def confirm_enrolment(request: HttpRequest, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it; return new recovery codes, or None if the code is wrong.

    On success the user counts as verified for this session, every other authenticator and the old recovery codes
    are removed, and the new recovery codes are returned to be shown once.
    """
    user = request.user
    codes: list[str] = []
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        )
        if device is None or not is_totp_code(code) or not device.verify_token(_clean_code(code)):
            verified = False
        else:
            verified = True
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = _replace_recovery_codes(user)
    if not verified:
        _two_factor_failed(request)
        return None
    _verified(request, device)
    audit.record("auth.two_factor_enrolled", actor=user, request=request)
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@dataclass(frozen=True)
class Verification:
    verified: bool
    used_recovery_code: bool = False
    recovery_codes_left: int = 0
    lockout: Lockout | None = None


def verify_second_factor(request: HttpRequest, code: str) -> Verification:
    """Check a code from the authenticator, or a recovery code, for the signed-in user."""
    user = request.user
    device_class = TOTPDevice if is_totp_code(code) else StaticDevice
    with transaction.atomic():
        # Locking the device rows means two requests cannot both use the same code.
        device = None
        for candidate in device_class.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"):
            if candidate.verify_token(_clean_code(code)):
                device = candidate
                break
    if device is None:
        return Verification(verified=False, lockout=_two_factor_failed(request))
    _verified(request, device)
    if isinstance(device, StaticDevice):
        audit.record("auth.recovery_code_used", actor=user, request=request)
        return Verification(verified=True, used_recovery_code=True, recovery_codes_left=device.token_set.count())
    return Verification(verified=True)


def _two_factor_failed(request: HttpRequest) -> Lockout | None:
    audit.record("auth.two_factor_failed", actor=request.user, request=request)
    return record_failure(request.user.get_username(), request)


def _verified(request: HttpRequest, device: TOTPDevice | StaticDevice) -> None:
    otp_login(request, device)
    # The session now carries more trust than it did: give it a new key, as django.contrib.auth.login does.
    request.session.cycle_key()
    clear_failures(request.user.get_username())
