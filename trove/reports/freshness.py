"""When the data behind the statistics changes: a version counter, bumped after each change commits.

Every save or deletion of a watched model — the records the figures count and those their breakdowns read (cases,
their recorded exploitation types, intakes, persons, decisions and their grounds, verification steps, registry
entries, plans and their indicators, the model of every figure another app registers — referrals, follow-up visits,
tips, proceedings, support entries — and the models those apps watch besides, such as proceeding stages) — adds one
to ``DataVersion`` when its transaction commits. The cache keys
of ``trove.reports.cache`` hold the version, so cached statistics are never served after a change, in any process.

Changes that bypass model signals (``bulk_create``, ``QuerySet.update``, raw SQL, a restored backup) do not bump the
version; cached entries also expire after ``REPORTS_CACHE_SECONDS`` (default 600), and
``manage.py publish_stats`` and the benchmark read fresh data. Imports that write in bulk should call ``bump()``.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

_WATCHED: set[type] = set()
_connected = False


def watch(*models: type) -> None:
    _WATCHED.update(models)


def version() -> int:
    from trove.reports.models import DataVersion

    value = DataVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    return value or 0


def _bump_now() -> None:
    from trove.reports.models import DataVersion

    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The change itself is durable already; the version is only a cache key. Not waiting for the disk saves
            # a write request (or an import batch) a flush; a crash of the database server could lose this bump, and
            # cached figures then show the earlier numbers until they expire (REPORTS_CACHE_SECONDS).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        if not DataVersion.objects.filter(pk=1).update(value=F("value") + 1, changed_at=now):
            DataVersion.objects.get_or_create(pk=1, defaults={"value": 1, "changed_at": now})


def bump() -> None:
    """Mark the statistics stale once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(_bump_now)


def _changed(sender, **kwargs) -> None:
    if sender in _WATCHED:
        bump()


def connect() -> None:
    """Called from ``ReportsConfig.ready``: watch the built-in models and every registered figure's model."""
    global _connected
    if _connected:
        return
    from trove.cases.models import Case, CaseExploitation, Intake
    from trove.people.models import MissingPerson, Person, SuspectedVictim
    from trove.plans.models import Plan, PlanIndicator
    from trove.reports import registry
    from trove.verification.models import IdentificationDecision, VerificationStep

    # The plans' indicators and targets feed the leaders' board (``dashboards.plan_targets``).
    watch(Case, CaseExploitation, Intake, Person, SuspectedVictim, MissingPerson, IdentificationDecision,
          VerificationStep, IdentificationDecision.grounds.through, Plan, PlanIndicator)
    registry.discover()
    post_save.connect(_changed, dispatch_uid="trove.reports.freshness.save")
    post_delete.connect(_changed, dispatch_uid="trove.reports.freshness.delete")
    m2m_changed.connect(_changed, dispatch_uid="trove.reports.freshness.m2m")
    _connected = True
