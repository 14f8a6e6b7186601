from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "trove.verification"
    label = "verification"
    verbose_name = _("Verification and identification")

    def ready(self) -> None:
        from trove.cases.sections import register_event_describer
        from trove.verification.events import describe_event

        register_event_describer(("verification.", "case."), describe_event)
