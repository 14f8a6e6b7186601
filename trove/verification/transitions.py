"""The case statuses a case may move between, as one table (shared/domain/categories.md, "Case status").

Each row says from which status to which, by what means (``via``) and which rule allows it, and which conditions
(``guards``) the case must also meet. ``check_transition`` is the one function that refuses every other move; the
actions in ``actions.py`` call it before they change a status.

A guard is named in the table and checked by a function that the app owning the condition registers with
``register_guard`` from its ``AppConfig.ready`` (the referrals app checks ``child_protection``: a child's case moves
past identification only with a child-protection referral or a recorded reason).
"""

from __future__ import annotations

from collections.abc import Callable
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
    guards: tuple[str, ...] = ()  # conditions on the case, checked by the registered guard functions


_VERIFY_A = gettext_lazy("Regime A: verification starts when the case is received.")
_VERIFY_B = gettext_lazy("Regime B (Law 53/2024, Art. 27): the person is being identified from intake until the "
                         "decision.")
_DECIDE = gettext_lazy("Only an approved identification decision settles whether the person is a victim.")
_SUPPORT = gettext_lazy("Support follows identification as a victim.")
_REINTEGRATE = gettext_lazy("Reintegration follow-up comes after support.")
_CLOSE = gettext_lazy("A case is closed after the decision or the support, with a reason for closing.")
_CHILD = gettext_lazy("The case of a child (as the law in force on the intake date defines one) moves past "
                      "identification only with a child-protection referral or a recorded reason.")
_REOPEN = gettext_lazy("A closed case, or one decided not to be a victim, may be reopened with a written reason.")

# The condition named in the rows that move a case past identification (see _CHILD).
CHILD_PROTECTION = "child_protection"
GUARD_RULES = {CHILD_PROTECTION: _CHILD}

TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.RECEIVED, S.VERIFYING, Via.INTAKE, _VERIFY_A),
    Transition(S.RECEIVED, S.BEING_IDENTIFIED, Via.INTAKE, _VERIFY_B),
    Transition(S.VERIFYING, S.IDENTIFIED_VICTIM, Via.DECISION, _DECIDE, (CHILD_PROTECTION,)),
    Transition(S.VERIFYING, S.NOT_VICTIM, Via.DECISION, _DECIDE, (CHILD_PROTECTION,)),
    Transition(S.BEING_IDENTIFIED, S.IDENTIFIED_VICTIM, Via.DECISION, _DECIDE, (CHILD_PROTECTION,)),
    Transition(S.BEING_IDENTIFIED, S.NOT_VICTIM, Via.DECISION, _DECIDE, (CHILD_PROTECTION,)),
    Transition(S.IDENTIFIED_VICTIM, S.SUPPORTING, Via.MANUAL, _SUPPORT, (CHILD_PROTECTION,)),
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


_GUARDS: dict[str, Callable[[object], str | None]] = {}


def register_guard(name: str, check: Callable[[object], str | None]) -> None:
    """Let ``check(case)`` decide the condition ``name`` of the table: it returns a sentence refusing the move (what
    to do, which law) or None when the case meets the condition."""
    _GUARDS[name] = check


def guard_errors(transition: Transition, case) -> list[str]:
    """The refusals of the transition's conditions for this case (empty when it meets them all). A condition whose
    check was never registered refuses too: a missing app must not open a way around the law."""
    errors = []
    for name in transition.guards:
        check = _GUARDS.get(name)
        if check is None:
            errors.append(_("The condition “%(name)s” cannot be checked: %(rule)s")
                          % {"name": name, "rule": GUARD_RULES.get(name, "")})
        elif (message := check(case)) is not None:
            errors.append(message)
    return errors


def allowed_from(source: str, via: str | None = None) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source and (via is None or t.via == via)]


def check_transition(source: str, target: str, via: str, *, case=None) -> Transition:
    """The row that allows moving a case from ``source`` to ``target`` by ``via``; a ValidationError naming the rule
    and the moves that are allowed otherwise. With ``case``, the row's conditions are checked on it too."""
    for transition in TRANSITIONS:
        if (transition.source, transition.target, transition.via) == (source, target, via):
            if case is not None and (errors := guard_errors(transition, case)):
                raise ValidationError(errors, code="guard")
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
