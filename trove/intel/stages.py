"""The order of a criminal proceeding's stages and which agency records each, as tables (Criminal Procedure Code
101/2015/QH13: the investigation body initiates and investigates, the procuracy prosecutes, the court tries).

``NEXT`` says which stages may follow the current one; ``RECORDED_BY`` which agency types record a stage;
``HOLDER`` which agency types hold the file while the proceeding is at a stage (they may add suspects and charges,
or discontinue it); ``PASS_TO`` to whom the file goes with a stage, and whether naming that agency is required.
``check_next`` is the one function that refuses a stage out of order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from trove.agencies.models import AgencyType
from trove.intel.models import Stage

INVESTIGATORS = frozenset({AgencyType.POLICE, AgencyType.BORDER_GUARD})
PROCURACY = frozenset({AgencyType.PROCURACY})
COURT = frozenset({AgencyType.COURT})

# The stages in the order they happen (discontinuation may end the matter before a trial).
ORDER: tuple[str, ...] = (Stage.REPORTED, Stage.INITIATED, Stage.INVESTIGATED, Stage.PROSECUTED,
                          Stage.FIRST_INSTANCE, Stage.APPEAL, Stage.FINAL)

NEXT: dict[str, tuple[str, ...]] = {
    Stage.REPORTED: (Stage.INITIATED, Stage.DISCONTINUED),
    Stage.INITIATED: (Stage.INVESTIGATED, Stage.DISCONTINUED),
    Stage.INVESTIGATED: (Stage.PROSECUTED, Stage.DISCONTINUED),
    Stage.PROSECUTED: (Stage.FIRST_INSTANCE, Stage.DISCONTINUED),
    # An appeal is optional: without one the first-instance judgment becomes final.
    Stage.FIRST_INSTANCE: (Stage.APPEAL, Stage.FINAL),
    Stage.APPEAL: (Stage.FINAL,),
    Stage.FINAL: (),
    Stage.DISCONTINUED: (),
}

RECORDED_BY: dict[str, frozenset[str]] = {
    Stage.REPORTED: INVESTIGATORS,
    Stage.INITIATED: INVESTIGATORS,
    Stage.INVESTIGATED: INVESTIGATORS,
    Stage.PROSECUTED: PROCURACY,
    Stage.FIRST_INSTANCE: COURT,
    Stage.APPEAL: COURT,
    Stage.FINAL: COURT,
}

HOLDER: dict[str, frozenset[str]] = {
    Stage.REPORTED: INVESTIGATORS,
    Stage.INITIATED: INVESTIGATORS,
    Stage.INVESTIGATED: PROCURACY,
    Stage.PROSECUTED: COURT,
    Stage.FIRST_INSTANCE: COURT,
    Stage.APPEAL: COURT,
    Stage.FINAL: frozenset(),
    Stage.DISCONTINUED: frozenset(),
}


@dataclass(frozen=True)
class PassTo:
    agency_types: frozenset[str]
    required: bool


# The decision to initiate goes to the procuracy, which supervises the investigation; the conclusion of the
# investigation passes the file to it; the indictment passes it to the court; an appeal may go to a higher court.
PASS_TO: dict[str, PassTo] = {
    Stage.INITIATED: PassTo(PROCURACY, required=False),
    Stage.INVESTIGATED: PassTo(PROCURACY, required=True),
    Stage.PROSECUTED: PassTo(COURT, required=True),
    Stage.APPEAL: PassTo(COURT, required=False),
}

# Stages at which suspects and charges may still change (before the indictment is sent to the court).
CHARGING_STAGES = frozenset({Stage.REPORTED, Stage.INITIATED, Stage.INVESTIGATED})
# Stages at which the court records verdicts and sentences.
SENTENCING_STAGES = frozenset({Stage.FIRST_INSTANCE, Stage.APPEAL})
CLOSED_STAGES = frozenset({Stage.FINAL, Stage.DISCONTINUED})


def recorders_of(current: str, target: str) -> frozenset[str]:
    """The agency types that may record ``target`` when the proceeding is at ``current``."""
    if target == Stage.DISCONTINUED:
        return HOLDER.get(current, frozenset())
    return RECORDED_BY.get(target, frozenset())


def label(stage: str) -> str:
    return str(Stage(stage).label) if stage in Stage.values else stage


def check_next(current: str, target: str) -> None:
    """Refuse ``target`` unless it may follow ``current``, naming the stages that may."""
    if target in NEXT.get(current, ()):
        return
    allowed = ", ".join(label(stage) for stage in NEXT.get(current, ())) or _("none: the proceeding is closed")
    raise ValidationError(
        {"stage": _("“%(target)s” cannot follow “%(current)s”: the stages go report, initiation, investigation, "
                    "prosecution, first-instance trial, appeal, final judgment. Next possible: %(allowed)s.")
         % {"target": label(target), "current": label(current), "allowed": allowed}},
        code="out_of_order",
    )


def stages_for_agency_type(current: str, agency_type: str) -> list[str]:
    """The stages a member of an agency of ``agency_type`` may record next."""
    return [stage for stage in NEXT.get(current, ()) if agency_type in recorders_of(current, stage)]
