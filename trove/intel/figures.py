"""Tips and criminal proceedings as figures of the periodic statistics (``trove.reports.registry``).

Tips (placed where they were recorded, ``unit``):
- ``intel.tips.received``: tips received in the period, by source, and in a table of their own by classification
  (tips not yet classified counted as "not yet classified");
- ``intel.tips.handled``: tips handled to an outcome in the period (the day recorded as handled), by outcome.

Criminal proceedings (placed where the matter is, ``unit``), by the stage reached in the period — the date recorded
with the stage (``ProceedingStage``), so a proceeding counts in every period in which it moved on:
- ``intel.proceedings.initiated`` / ``intel.persons.initiated``: criminal cases initiated (khởi tố vụ án) and the
  suspects recorded in them;
- ``intel.proceedings.indicted`` / ``intel.persons.indicted``: cases indicted (truy tố) and their accused;
- ``intel.proceedings.tried`` / ``intel.persons.tried``: cases tried at first instance (xét xử sơ thẩm) and their
  defendants;
- ``intel.persons.convicted``: defendants convicted, by the day of the sentence.
Persons are counted once per proceeding they are a defendant in, by sex.
"""

from __future__ import annotations

from django.db.models import F, Value
from django.db.models.functions import NullIf
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from trove.intel.models import Classification, Proceeding, ProceedingStage, Stage, Tip, TipOutcome, TipSource
from trove.intel.models.proceedings import Defendant, Verdict
from trove.reports import freshness
from trove.reports.periods import Period
from trove.reports.registry import UNKNOWN, Dimension, Figure, RecordRow, register, register_dimension


def _coded(name: str):
    # Empty codes (a tip not yet classified or not yet handled) count as unknown, like NULL.
    return lambda paths, prefix: NullIf(F(f"{prefix}{paths[name]}"), Value(""))


register_dimension(Dimension(
    code="tip_source", label=_("Source"), needs=("tip_source",), expression=_coded("tip_source"),
    choices=lambda: list(TipSource.choices)))
register_dimension(Dimension(
    code="tip_classification", label=_("Classification"), needs=("tip_classification",),
    expression=_coded("tip_classification"),
    choices=lambda: [*Classification.choices, (UNKNOWN, _("Not yet classified"))]))
register_dimension(Dimension(
    code="tip_outcome", label=_("Outcome"), needs=("tip_outcome",), expression=_coded("tip_outcome"),
    choices=lambda: list(TipOutcome.choices)))


def tip_row(tip: Tip) -> RecordRow:
    facts = (tip.get_source_display(), tip.get_status_display(), tip.get_classification_display() or "—",
             date_format(tip.received_on, "SHORT_DATE_FORMAT"), tip.owner_agency.name)
    return RecordRow(title=tip.code, url=tip.get_absolute_url(), facts=facts)


def proceeding_row(proceeding: Proceeding) -> RecordRow:
    facts = (proceeding.get_stage_display(), date_format(proceeding.stage_on, "SHORT_DATE_FORMAT"),
             proceeding.owner_agency.name)
    return RecordRow(title=proceeding.code, url=proceeding.get_absolute_url(), facts=facts)


def tips_received(period: Period):
    return Tip.objects.filter(received_at__gte=period.start_moment(), received_at__lt=period.end_moment())


def tips_handled(period: Period):
    return Tip.objects.filter(concluded_on__range=period.dates())


TIP_PATHS = {"date": "received_at", "tip_source": "source", "tip_classification": "classification",
             "tip_outcome": "outcome"}
TIP = {"section": "intel", "model": Tip, "row": tip_row, "row_related": ("owner_agency",),
       "dimensions": ("unit", "month", "tip_source", "tip_classification", "tip_outcome"),
       "cross_by": "tip_classification"}

register(Figure(code="intel.tips.received", order=10, label=_("Tips received"), records=tips_received,
                description=_("Tips about trafficking received in the period, by source."), paths=TIP_PATHS,
                split_by="tip_source", **TIP))
register(Figure(code="intel.tips.handled", order=20, label=_("Tips handled"), records=tips_handled,
                description=_("Tips handled to an outcome in the period, by outcome."),
                paths=dict(TIP_PATHS, date="concluded_on"), split_by="tip_outcome", by_unit=False, **TIP))


def reaching(stage: str):
    def records(period: Period):
        reached = ProceedingStage.objects.filter(stage=stage, date__range=period.dates())
        return Proceeding.objects.filter(pk__in=reached.values("proceeding_id"))
    return records


def convicted(period: Period):
    # One filter() call: the count of defendants (``count_field``) reuses this join, so only the defendants
    # convicted in the period are counted, not every defendant of the proceeding.
    return Proceeding.objects.filter(defendants__verdict=Verdict.CONVICTED,
                                     defendants__sentenced_on__range=period.dates()).distinct()


CASES = {"section": "intel", "model": Proceeding, "row": proceeding_row, "row_related": ("owner_agency",),
         "dimensions": ("unit",)}
PERSONS = {**CASES, "dimensions": ("sex", "unit"), "paths": {"sex": "defendants__sex"}, "count_field": "defendants",
           "by_unit": False}

for order, stage, code, label, persons_label, description in (
    (30, Stage.INITIATED, "initiated", _("Criminal cases initiated"), _("Suspects in the cases initiated"),
     _("Proceedings whose criminal case was initiated (khởi tố vụ án) in the period.")),
    (50, Stage.PROSECUTED, "indicted", _("Cases indicted"), _("Accused in the cases indicted"),
     _("Proceedings whose indictment (truy tố) was issued in the period.")),
    (70, Stage.FIRST_INSTANCE, "tried", _("Cases tried at first instance"), _("Defendants tried at first instance"),
     _("Proceedings whose first-instance trial (xét xử sơ thẩm) was held in the period.")),
):
    register(Figure(code=f"intel.proceedings.{code}", order=order, label=label, records=reaching(stage),
                    description=description, by_unit=code == "initiated", **CASES))
    register(Figure(code=f"intel.persons.{code}", order=order + 10, label=persons_label, records=reaching(stage),
                    description=_("The suspects, accused or defendants recorded in those proceedings."), **PERSONS))

# The figures read the stages' dates and the defendants: a change to either makes cached statistics stale.
freshness.watch(ProceedingStage, Defendant)

register(Figure(code="intel.persons.convicted", order=90, label=_("Persons convicted"), records=convicted,
                description=_("Defendants convicted by a judgment given in the period."), **PERSONS))
