from django.db import models
from django.utils.translation import gettext_lazy as _


class Installation(models.Model):
    """Facts about this installation as a whole; there is one row.

    ``demo_seeded_at`` is set only when ``seed_demo`` filled an empty database with synthetic people and the demo
    sign-ins; the header then shows a banner so that nobody mistakes the demo for a live system.
    """

    demo_seeded_at = models.DateTimeField(_("demo data loaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("installation")
        verbose_name_plural = _("installation")

    @classmethod
    def current(cls) -> "Installation":
        installation, _created = cls.objects.get_or_create(pk=1)
        return installation

    @classmethod
    def is_demo(cls) -> bool:
        return cls.objects.filter(pk=1, demo_seeded_at__isnull=False).exists()
