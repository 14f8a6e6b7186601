"""In-app notifications: short messages to one user, with a link, read or not.

A message carries a case code and a step or request name, never who the person is: it is shown in the header of
every page and copied into e-mail, which leaves the system.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="notifications")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    message = models.CharField(_("message"), max_length=500)
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # What the notification is about and for which day ("step:12:2026-03-02"): the same key is never sent to the
    # same user twice, which makes a reminder run that is repeated on one day harmless.
    key = models.CharField(max_length=100)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notifications_unique_key")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"notification {self.pk} to {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
