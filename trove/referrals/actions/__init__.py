"""Every state change of the referrals app, one function each (``trove.referrals.actions.referral_send`` …).

``referrals`` holds the referral's life (send, accept, decline, services, close, revoke); ``followup`` the
reintegration plan, visits, Women's Union activities and the child-protection checklist. Views, the demo data and the
tests call these functions only.
"""

from trove.referrals.actions.followup import (
    VisitAnswers,
    add_months,
    cancel_planned_visits,
    child_checklist_update,
    followup_plan_create,
    followup_visit_record,
    restore_visits,
    union_activity_record,
    visit_alerts,
)
from trove.referrals.actions.referrals import (
    open_referrals_block_closing,
    referral_accept,
    referral_close,
    referral_decline,
    referral_record_service,
    referral_revoke,
    referral_send,
)

__all__ = [
    "VisitAnswers",
    "add_months",
    "cancel_planned_visits",
    "child_checklist_update",
    "followup_plan_create",
    "followup_visit_record",
    "open_referrals_block_closing",
    "referral_accept",
    "referral_close",
    "referral_decline",
    "referral_record_service",
    "referral_revoke",
    "referral_send",
    "restore_visits",
    "union_activity_record",
    "visit_alerts",
]
