"""The indicators of tips and proceedings that plans measure (trove.core.indicators).

- ``intel.tips_classified_on_time``: of the tips received in the period and place, the share classified within
  the time limit in force when they were received (a tip whose limit was not set counts once it is classified).
- ``intel.tips_handled_on_time``: of the same tips, the share handled to an outcome within the time limit.
- ``intel.cases_initiated`` / ``intel.cases_prosecuted`` / ``intel.cases_tried``: proceedings in the place whose
  criminal case was initiated, whose indictment was issued, or whose first-instance trial was held in the period.
- ``intel.mobile_trials``: proceedings in the place whose first-instance trial in the period was a mobile trial.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.indicators import IndicatorDefinition, Kind, Scope, register
from trove.intel.models import Proceeding, ProceedingStage, Stage, Tip


def _start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def tips_received(scope: Scope) -> models.QuerySet[Tip]:
    return Tip.objects.filter(scope.place(), received_at__gte=_start(scope.start),
                              received_at__lt=_start(scope.end + datetime.timedelta(days=1)))


def classified_on_time(scope: Scope, base: models.QuerySet[Tip]) -> models.QuerySet[Tip]:
    return base.filter(classified_on__isnull=False).filter(
        models.Q(classification_due__isnull=True) | models.Q(classified_on__lte=models.F("classification_due")))


def handled_on_time(scope: Scope, base: models.QuerySet[Tip]) -> models.QuerySet[Tip]:
    return base.filter(concluded_on__isnull=False).filter(
        models.Q(handling_due__isnull=True) | models.Q(concluded_on__lte=models.F("handling_due")))


def proceedings_reaching(stage: str, **extra):
    def base(scope: Scope) -> models.QuerySet[Proceeding]:
        reached = ProceedingStage.objects.filter(stage=stage, date__range=scope.dates(), **extra)
        return Proceeding.objects.filter(scope.place(), pk__in=reached.values("proceeding_id"))
    return base


register(IndicatorDefinition(
    code="intel.tips_classified_on_time", kind=Kind.SHARE, model="intel.Tip",
    name=_("Tips classified within the time limit"),
    description=_("Of the tips received in the period, the share classified within the time limit in force on the "
                  "day they were received."),
    base=tips_received, numerator=classified_on_time,
))
register(IndicatorDefinition(
    code="intel.tips_handled_on_time", kind=Kind.SHARE, model="intel.Tip",
    name=_("Tips handled within the time limit"),
    description=_("Of the tips received in the period, the share that reached an outcome (passed to investigation, "
                  "became a case, persons rescued, closed) within the time limit."),
    base=tips_received, numerator=handled_on_time,
))
register(IndicatorDefinition(
    code="intel.cases_initiated", kind=Kind.COUNT, model="intel.Proceeding",
    name=_("Criminal cases initiated"),
    description=_("Proceedings whose criminal case was initiated (khởi tố vụ án) in the period."),
    base=proceedings_reaching(Stage.INITIATED),
))
register(IndicatorDefinition(
    code="intel.cases_prosecuted", kind=Kind.COUNT, model="intel.Proceeding",
    name=_("Cases prosecuted"),
    description=_("Proceedings whose indictment (truy tố) was issued in the period."),
    base=proceedings_reaching(Stage.PROSECUTED),
))
register(IndicatorDefinition(
    code="intel.cases_tried", kind=Kind.COUNT, model="intel.Proceeding",
    name=_("Cases tried at first instance"),
    description=_("Proceedings whose first-instance trial (xét xử sơ thẩm) was held in the period."),
    base=proceedings_reaching(Stage.FIRST_INSTANCE),
))
register(IndicatorDefinition(
    code="intel.mobile_trials", kind=Kind.COUNT, model="intel.Proceeding",
    name=_("Mobile trials held"),
    description=_("Proceedings whose first-instance trial in the period was a mobile trial (xét xử lưu động)."),
    base=proceedings_reaching(Stage.FIRST_INSTANCE, mobile=True),
))
