"""Personal API tokens and the rate-limit windows of API callers (issue 11).

A token is shown once, when it is created; only its SHA-256 hash is stored, with a short prefix in the clear so that
its owner can tell tokens apart. SHA-256 is enough (no slow password hash): the token is 256 random bits, so nothing
can be guessed from its hash. A token acts as its user, through the same access policy as the pages.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def active(self, at=None) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=at or timezone.now())


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    # The first characters of the token ("trv_" and 8 more), enough to recognise it in a list and in the audit log.
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(_("read only"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    # The user's security stamp when the token was made: removing a member renews the stamp, which ends their
    # sessions and, through this copy, their tokens.
    security_stamp = models.CharField(max_length=32, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def label(self) -> str:
        """How the audit log names the token: its number and prefix, never the secret."""
        return f"#{self.pk} {self.prefix}"

    def is_active(self, at=None) -> bool:
        return self.revoked_at is None and self.expires_at > (at or timezone.now())


class ApiRateWindow(models.Model):
    """The calls one caller (a token, or a signed-in user calling with their session) made in the current minute.

    One row per caller, rewritten in place by a single UPDATE when a new minute starts, so that the count is right
    however many server processes answer calls (docs/api.md, "Rate limits")."""

    caller = models.CharField(max_length=40, unique=True)
    window_start = models.DateTimeField()
    calls = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.caller}: {self.calls} since {self.window_start:%H:%M}"
