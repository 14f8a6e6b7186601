from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignInFailure(models.Model):
    """One failed attempt to sign in: a wrong password or a wrong two-factor code.

    Failures are counted per username tried and per network address to lock sign-in after repeated guessing
    (``trove.core.signin``). The username is stored as typed, lower-cased, whether or not such an account exists, so
    that the lockout behaves the same for real and invented names. The password is never stored.
    """

    username = models.CharField(_("username tried"), max_length=150)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    attempted_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        indexes = [
            models.Index(fields=["username", "attempted_at"]),
            models.Index(fields=["ip_address", "attempted_at"]),
            models.Index(fields=["attempted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.ip_address} {self.attempted_at:%Y-%m-%d %H:%M:%S}"
