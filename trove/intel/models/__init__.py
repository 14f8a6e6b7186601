from trove.intel.models.proceedings import (
    Charge,
    Defendant,
    Proceeding,
    ProceedingStage,
    ProceedingVictim,
    RoleInProcess,
    SentenceKind,
    Stage,
    Verdict,
)
from trove.intel.models.reference import IntelCounter, PenalArticle, TipLimitKind, TipTimeLimit
from trove.intel.models.tips import (
    RECORDED_STEP_KINDS,
    Classification,
    LinkKind,
    Priority,
    Tip,
    TipLink,
    TipOutcome,
    TipSource,
    TipStatus,
    TipStep,
    TipStepKind,
)

__all__ = [
    "RECORDED_STEP_KINDS", "Charge", "Classification", "Defendant", "IntelCounter", "LinkKind", "PenalArticle",
    "Priority", "Proceeding", "ProceedingStage", "ProceedingVictim", "RoleInProcess", "SentenceKind", "Stage", "Tip",
    "TipLimitKind", "TipLink", "TipOutcome", "TipSource", "TipStatus", "TipStep", "TipStepKind", "TipTimeLimit",
    "Verdict",
]
