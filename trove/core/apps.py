from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "trove.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Connects the sign-in signal handlers (audit and lockout); registers the ``any_of`` lookup.
        from trove.core import lookups, signin  # noqa: F401
