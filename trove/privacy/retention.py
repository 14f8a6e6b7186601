"""Retention: a case closed longer than ``CASE_ARCHIVE_AFTER_DAYS`` is archived — read-only, out of the daily lists.

The period is a setting (docs/deploy.md): the law in shared/domain/law.md sets none for victim files, so the default
of five years is the project's, not the law's, and an installation sets its own. The day a case closed is the last
"case.status_changed" event into "closed" on its timeline; a case with no such event is left alone (the run reports
how many), because archiving on a guessed date would be worse than keeping a file open to edits.

Archived means no change at all to the case or to any record that hangs off it: the lifecycle actions check it
first with a clear message (``cases.lifecycle.ensure_not_archived``), and ``guard_archived_cases`` refuses a save of
any such row as a last line, so an action another app adds later cannot forget it.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.signals import pre_save
from django.utils import timezone

from trove.cases.lifecycle import ensure_not_archived
from trove.cases.models import Case, CaseEvent, CaseStatus


def archive_after() -> datetime.timedelta:
    return datetime.timedelta(days=settings.CASE_ARCHIVE_AFTER_DAYS)


def closed_at_subquery() -> models.Subquery:
    """When each case last closed: the newest status change into "closed" on its timeline."""
    closings = (CaseEvent.objects.filter(case=models.OuterRef("pk"), kind="case.status_changed",
                                         details__target=CaseStatus.CLOSED).order_by("-at").values("at")[:1])
    return models.Subquery(closings)


def due_for_archiving(now: datetime.datetime | None = None) -> models.QuerySet[Case]:
    """Closed cases not archived yet whose closing is older than the retention period, oldest id first."""
    now = now or timezone.now()
    return (Case.objects.filter(status=CaseStatus.CLOSED, archived_at__isnull=True)
            .annotate(closed_at=closed_at_subquery())
            .filter(closed_at__isnull=False, closed_at__lte=now - archive_after()).order_by("pk"))


def closed_without_date() -> int:
    return (Case.objects.filter(status=CaseStatus.CLOSED, archived_at__isnull=True)
            .annotate(closed_at=closed_at_subquery()).filter(closed_at__isnull=True).count())


def _case_of(instance) -> Case | None:
    if isinstance(instance, Case):
        if instance._state.adding:
            return None
        stored = Case.objects.filter(pk=instance.pk).values_list("archived_at", "code").first()
        if stored is None or stored[0] is None:
            return None
        return Case(pk=instance.pk, code=stored[1], archived_at=stored[0])
    for field in type(instance)._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and field.related_model is Case:
            case_id = getattr(instance, field.attname)
            if case_id is None:
                continue
            case = Case.objects.filter(pk=case_id, archived_at__isnull=False).only("pk", "code", "archived_at").first()
            if case is not None:
                return case
    return None


def _refuse_changes_to_archived(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loading fixtures or restoring a backup writes rows as they were
        return
    case = _case_of(instance)
    if case is not None:
        ensure_not_archived(case)


def guard_archived_cases() -> None:
    """Refuse to save a case that is archived, or a row of any model that points at an archived case. The retention
    run sets ``archived_at`` with a queryset update, which sends no signal; so does the erasure of identity, which
    changes the person, not the case."""
    # A data subject keeps their rights on an archived case: the privacy app's own requests are not refused.
    def points_at_a_case(model) -> bool:
        return any(isinstance(field, models.ForeignKey) and field.related_model is Case
                   for field in model._meta.concrete_fields)

    models_with_case = [Case] + [model for model in apps.get_models()
                                 if model._meta.app_label != "privacy" and points_at_a_case(model)]
    for model in models_with_case:
        pre_save.connect(_refuse_changes_to_archived, sender=model, dispatch_uid=f"archived-guard-{model._meta.label}")
