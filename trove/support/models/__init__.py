"""The records of protection and support (DESIGN §2 points 4–5, issue 6).

Case-side records hang off ``cases.Case`` and are reached only through the case, after the access policy let the user
see it; the ledger entries and the budget records are ``AgencyOwned`` so that lists (indicator drill-downs, the finance
pages) go through ``policy.visible``.
"""

from trove.support.models.budget import (
    BudgetEstimate,
    BudgetLevel,
    EstimateLine,
    EstimateStatus,
    FundingKind,
    FundingSource,
)
from trove.support.models.ledger import (
    ExtensionAuthority,
    HardshipApplication,
    HardshipStatus,
    SupportEntry,
    SupportExtension,
    SupportItem,
    SupportRefusal,
)
from trove.support.models.protection import (
    Answer,
    MeasureStatus,
    NeedsAssessment,
    PlannedService,
    ProtectedParty,
    RiskAssessment,
    RiskLevel,
    SafetyMeasure,
    SafetyMeasureKind,
    ServiceStatus,
    SupportCircumstances,
    SupportPlan,
)

__all__ = [
    "Answer", "BudgetEstimate", "BudgetLevel", "EstimateLine", "EstimateStatus", "ExtensionAuthority",
    "FundingKind", "FundingSource", "HardshipApplication", "HardshipStatus", "MeasureStatus", "NeedsAssessment",
    "PlannedService", "ProtectedParty", "RiskAssessment", "RiskLevel", "SafetyMeasure", "SafetyMeasureKind",
    "ServiceStatus", "SupportCircumstances", "SupportEntry", "SupportExtension", "SupportItem", "SupportPlan",
    "SupportRefusal",
]
