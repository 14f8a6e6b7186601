"""The questions of the risk assessment (DESIGN §2 point 4): about the person and about their relatives.

They are a practice tool, not a legal list: the answers are stored by code, and the level the assessor sets may differ
from the one the answers suggest, with a note saying why when it is lower.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from trove.support.models import Answer, RiskLevel


@dataclass(frozen=True)
class RiskQuestion:
    code: str
    about: str  # "person" or "relatives"
    text: object  # lazy translated


RISK_QUESTIONS: tuple[RiskQuestion, ...] = (
    RiskQuestion("threatened", "person", _("Has the person been threatened, or are they afraid of the traffickers?")),
    RiskQuestion("traffickers_free", "person", _("Are the traffickers or their associates at large?")),
    RiskQuestion("whereabouts_known", "person", _("Do the traffickers know where the person lives or stays?")),
    RiskQuestion("debt", "person", _("Does the person owe money to the traffickers or to brokers?")),
    RiskQuestion("witness", "person", _("Is the person a witness or a party in criminal proceedings?")),
    RiskQuestion("retrafficking", "person", _("Are there signs that the person could be trafficked again?")),
    RiskQuestion("self_harm", "person", _("Is there a risk of self-harm or of severe distress?")),
    RiskQuestion("relatives_threatened", "relatives",
                 _("Have relatives been threatened or approached by the traffickers?")),
    RiskQuestion("family_involved", "relatives", _("Did a family member take part in the trafficking?")),
    RiskQuestion("dependants_at_risk", "relatives", _("Are children or other dependants at home at risk?")),
    RiskQuestion("rejection", "relatives", _("Do the family or the community reject the person?")),
)
QUESTION_CODES = tuple(question.code for question in RISK_QUESTIONS)
ABOUT = {"person": _("About the person"), "relatives": _("About the relatives")}


def suggested_level(answers: dict[str, str]) -> str:
    """High from three yes answers (or a threat to the person or their relatives), medium from one, else low."""
    yes = [code for code in QUESTION_CODES if answers.get(code) == Answer.YES]
    if len(yes) >= 3 or {"threatened", "relatives_threatened"} & set(yes):
        return RiskLevel.HIGH
    if yes:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW
