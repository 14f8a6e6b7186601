from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "trove.referrals"
    label = "referrals"
    verbose_name = _("Referrals and reintegration")

    def ready(self) -> None:
        from trove.cases.lifecycle import ClosingHook, register_closing_hook
        from trove.cases.sections import CasePanel, register_event_describer, register_panel
        from trove.referrals import actions, panels, selectors
        from trove.referrals.children import child_protection_missing
        from trove.referrals.events import describe_event
        from trove.verification.transitions import CHILD_PROTECTION, register_guard

        register_event_describer(("referral.", "followup.", "childprotection."), describe_event)
        # A child's case moves past identification only with a child-protection referral or a recorded reason.
        register_guard(CHILD_PROTECTION, child_protection_missing)
        # A case with open referrals stays open; closing cancels the visits still planned, reopening restores them.
        register_closing_hook(ClosingHook(name="referrals", blocks=actions.open_referrals_block_closing,
                                          on_close=actions.cancel_planned_visits, on_reopen=actions.restore_visits))
        register_panel(CasePanel(section="referrals", order=40, template="referrals/_case_referrals.html",
                                 context=panels.referrals_panel))
        register_panel(CasePanel(section="followup", order=60, template="referrals/_case_followup.html",
                                 context=panels.followup_panel, figures=selectors.followup_figures))
