from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "trove.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from trove.cases.exploitation_views import exploitation_panel
        from trove.cases.sections import CasePanel, register_panel

        # The type of exploitation sits with the intake: it says what happened to the person before they came.
        register_panel(CasePanel(section="intake", order=25, template="cases/_exploitation_panel.html",
                                 context=exploitation_panel))
