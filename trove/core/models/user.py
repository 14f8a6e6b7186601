import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships in agencies, not from this row."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Part of every session's authentication hash: renewing it signs the user out everywhere (when a membership is
    # removed, for example), without touching their password.
    security_stamp = models.CharField(max_length=32, default="", blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @staticmethod
    def new_security_stamp() -> str:
        return secrets.token_hex(16)

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django checks this hash on every request; a session made before the stamp changed no longer matches.
        return salted_hmac(
            "trove.core.User.session_auth_hash", f"{self.password}:{self.security_stamp}", secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username
