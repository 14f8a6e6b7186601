from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "trove.support"
    label = "support"
    verbose_name = _("Protection and support")

    def ready(self) -> None:
        from trove.cases.sections import register_event_describer
        from trove.support import panels
        from trove.support.events import describe_event

        register_event_describer(("support.",), describe_event)

        panels.register()
