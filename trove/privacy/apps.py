from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "trove.privacy"
    label = "privacy"
    verbose_name = _("Retention and the rights of data subjects")

    def ready(self) -> None:
        from trove.privacy import retention

        retention.guard_archived_cases()
