"""The one table of the reports app: a counter that says when the data behind the statistics last changed.

Statistics are cached per place, period and unit option (``trove.reports.cache``); the counter is part of every cache
key, so a change to any counted record (a case, an intake, a decision, a registry entry…) makes every cached figure
stale at once, in every process. Nothing about a person is stored here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    value = models.PositiveBigIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("version of the statistics data")
        verbose_name_plural = _("versions of the statistics data")

    def __str__(self) -> str:
        return f"data version {self.value}"
