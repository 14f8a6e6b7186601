"""Referrals, the child-protection checklist and reintegration follow-up (DESIGN §2 points 6–7, issue 7).

``rules`` holds what the law and the administrator set (consent bases, age limits, follow-up intervals), each row with
its citation and validity dates; ``referral``, ``children`` and ``followup`` the records kept about cases.
"""

from trove.referrals.models.children import ChildProtectionChecklist, GuardianStatus, SchoolingStatus
from trove.referrals.models.followup import (
    RISK_ANSWERS,
    ActivityKind,
    Contact,
    FamilyRelations,
    FollowUpPlan,
    FollowUpVisit,
    Health,
    LivingSituation,
    RiskSign,
    Schooling,
    Stigma,
    UnionActivity,
    VisitStatus,
    WorkIncome,
)
from trove.referrals.models.referral import OPEN_STATUSES, Referral, ReferralService, ReferralStatus, ServiceKind
from trove.referrals.models.rules import AgeGroup, AgeLimit, ConsentBasis, FollowUpInterval, in_force

__all__ = [
    "OPEN_STATUSES",
    "RISK_ANSWERS",
    "ActivityKind",
    "AgeGroup",
    "AgeLimit",
    "ChildProtectionChecklist",
    "ConsentBasis",
    "Contact",
    "FamilyRelations",
    "FollowUpInterval",
    "FollowUpPlan",
    "FollowUpVisit",
    "GuardianStatus",
    "Health",
    "LivingSituation",
    "Referral",
    "ReferralService",
    "ReferralStatus",
    "RiskSign",
    "Schooling",
    "SchoolingStatus",
    "ServiceKind",
    "Stigma",
    "UnionActivity",
    "VisitStatus",
    "WorkIncome",
    "in_force",
]
