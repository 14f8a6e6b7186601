from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "trove.reports"
    label = "reports"
    verbose_name = _("Statistics and reports")

    def ready(self) -> None:
        from trove.reports import freshness

        # Every save or deletion of a record that a figure counts makes cached statistics stale (freshness.py).
        freshness.connect()
