from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "trove.plans"
    label = "plans"
    verbose_name = _("Plans, activities and indicators")

    def ready(self) -> None:
        from trove.plans import figures

        # The plan dashboard's figures are cached under the statistics' data version: every record they read moves it.
        figures.watch_inputs()
