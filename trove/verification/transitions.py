"""The case statuses a case may move between, as one table (shared/domain/categories.md, "Case status").

Each row says from which status to which, by what means (``via``) and which rule allows it. ``check_transition`` is
the one function that refuses every other move; the actions in ``actions.py`` call it before they change a status.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trove.cases.models import CaseStatus as S


class Via(models.TextChoices):
    INTAKE = "intake", gettext_lazy("opening the verification at intake")
    DECISION = "decision", gettext_lazy("an approved identification decision")
    MANUAL = "manual", gettext_lazy("a change of status")
    CLOSE = "close", gettext_lazy("closing the case with a reason")
    REOPEN = "reopen", gettext_lazy("reopening the case with a reason")


class ClosingReason(models.TextChoices):
    # shared/domain/categories.md
    REINTEGRATED = "reintegrated", gettext_lazy("Reintegrated")
    MOVED = "moved", gettext_lazy("Moved away")
    TRANSFERRED = "transferred", gettext_lazy("Transferred to another agency")
    DECEASED = "deceased", gettext_lazy("Deceased")
    UNREACHABLE = "unreachable", gettext_lazy("Unreachable")
    NOT_VICTIM = "not_victim", gettext_lazy("Not a victim")
    REFUSED = "refused", gettext_lazy("Refused support")


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    via: str
    rule: object  # a lazy translated sentence naming the rule


_VERIFY_A = gettext_lazy("Regime A: verification starts when the case is received.")
_VERIFY_B = gettext_lazy("Regime B (Law 53/2024, Art. 27): the person is being identified from intake until the "
                         "decision.")
_DECIDE = gettext_lazy("Only an approved identification decision settles whether the person is a victim.")
_SUPPORT = gettext_lazy("Support follows identification as a victim.")
_REINTEGRATE = gettext_lazy("Reintegration follow-up comes after support.")
_CLOSE = gettext_lazy("A case is closed after the decision or the support, with a reason for closing.")
_REOPEN = gettext_lazy("A closed case, or one decided not to be a victim, may be reopened with a written reason.")

TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.RECEIVED, S.VERIFYING, Via.INTAKE, _VERIFY_A),
    Transition(S.RECEIVED, S.BEING_IDENTIFIED, Via.INTAKE, _VERIFY_B),
    Transition(S.VERIFYING, S.IDENTIFIED_VICTIM, Via.DECISION, _DECIDE),
    Transition(S.VERIFYING, S.NOT_VICTIM, Via.DECISION, _DECIDE),
    Transition(S.BEING_IDENTIFIED, S.IDENTIFIED_VICTIM, Via.DECISION, _DECIDE),
    Transition(S.BEING_IDENTIFIED, S.NOT_VICTIM, Via.DECISION, _DECIDE),
    Transition(S.IDENTIFIED_VICTIM, S.SUPPORTING, Via.MANUAL, _SUPPORT),
    Transition(S.SUPPORTING, S.REINTEGRATING, Via.MANUAL, _REINTEGRATE),
    Transition(S.IDENTIFIED_VICTIM, S.CLOSED, Via.CLOSE, _CLOSE),
    Transition(S.NOT_VICTIM, S.CLOSED, Via.CLOSE, _CLOSE),
    Transition(S.SUPPORTING, S.CLOSED, Via.CLOSE, _CLOSE),
    Transition(S.REINTEGRATING, S.CLOSED, Via.CLOSE, _CLOSE),
    Transition(S.NOT_VICTIM, S.VERIFYING, Via.REOPEN, _REOPEN),
    Transition(S.NOT_VICTIM, S.BEING_IDENTIFIED, Via.REOPEN, _REOPEN),
    *(Transition(S.CLOSED, target, Via.REOPEN, _REOPEN)
      for target in (S.VERIFYING, S.BEING_IDENTIFIED, S.IDENTIFIED_VICTIM, S.NOT_VICTIM, S.SUPPORTING,
                     S.REINTEGRATING)),
)


def allowed_from(source: str, via: str | None = None) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source and (via is None or t.via == via)]


def check_transition(source: str, target: str, via: str) -> Transition:
    """The row that allows moving a case from ``source`` to ``target`` by ``via``; a ValidationError naming the rule
    and the moves that are allowed otherwise."""
    for transition in TRANSITIONS:
        if (transition.source, transition.target, transition.via) == (source, target, via):
            return transition
    rules = {str(t.rule) for t in TRANSITIONS if t.target == target}
    possible = allowed_from(source)
    allowed = "; ".join(f"{S(t.target).label} ({Via(t.via).label})" for t in possible) or _("none")
    raise ValidationError(
        _("A case cannot go from “%(source)s” to “%(target)s” by %(via)s. Rule: %(rule)s Allowed from “%(source)s”: "
          "%(allowed)s.")
        % {"source": S(source).label, "target": S(target).label, "via": Via(via).label,
           "rule": " ".join(sorted(rules)) or _("the case statuses follow the allowed transitions only."),
           "allowed": allowed},
        code="transition",
    )
