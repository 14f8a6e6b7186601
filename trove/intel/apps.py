from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelConfig(AppConfig):
    name = "trove.intel"
    label = "intel"
    verbose_name = _("Tips and criminal proceedings")

    def ready(self) -> None:
        from trove.cases.sections import CasePanel, register_panel
        from trove.intel.selectors import case_panel_context

        register_panel(CasePanel(section="proceedings", order=70, template="intel/_case_panel.html",
                                 context=case_panel_context))
