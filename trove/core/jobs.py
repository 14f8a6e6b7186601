"""Background jobs: enqueue long work, run it through Django's task framework, report progress, keep the result.

An app declares a handler in its ``jobs`` module::

    @jobs.handler("imports.run")
    def run_import(job: Job, progress: jobs.Progress) -> None:
        progress.start(total=len(rows))
        for batch in batches:
            with transaction.atomic():
                ...                        # the work commits batch by batch
            progress.advance(len(batch))   # outside the batch's transaction, so the page sees it at once
        progress.attach("report.xlsx", XLSX, content)
        progress.finish(summary={"created": 10})

and starts it with ``jobs.enqueue(kind="imports.run", acting_user=user, params={...})``: a ``Job`` row is written at
once (the user is sent to its page) and the work is queued when the transaction commits. The queue is the database
(``django_tasks_db``; ``manage.py db_worker`` runs it — ``make run`` starts one), so no broker is needed. Tests use
Django's immediate backend. A handler that raises marks the job failed with a general message: the exception's text
may hold data from the file being processed, so it is neither shown nor logged, only its type.

A worker killed in the middle of a job (a signal, the machine restarting) leaves the job "running" for ever:
``requeue_abandoned`` (``manage.py requeue_abandoned_jobs``, run when the worker starts and from the scheduler) puts
jobs running longer than ``JOBS_ABANDONED_AFTER_MINUTES`` back in the queue, where they start again from the
beginning. Handlers are written for that: an export only reads and keeps its file at the end; an import commits
batch by batch and resumes from its own record of them.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from trove.core import audit, crypto
from trove.core.models.jobs import Job, JobStatus

logger = logging.getLogger(__name__)

_HANDLERS: dict[str, Callable[[Job, Progress], None]] = {}
_discovered = False


def handler(kind: str):
    def register(function: Callable[[Job, Progress], None]):
        _HANDLERS[kind] = function
        return function

    return register


def _handler_for(kind: str) -> Callable[[Job, Progress], None]:
    global _discovered
    if kind not in _HANDLERS and not _discovered:
        autodiscover_modules("jobs")
        _discovered = True
    return _HANDLERS[kind]


class Progress:
    """What a handler uses to tell the job page how far it is. Each call writes at once, outside any transaction the
    handler may hold open, by updating the row directly."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def _update(self, **fields) -> None:
        for name, value in fields.items():
            setattr(self.job, name, value)
        Job.objects.filter(pk=self.job.pk).update(**fields)

    def start(self, *, total: int | None = None, message: str = "") -> None:
        self._update(total=total, done=0, message=message[:300])

    def advance(self, count: int = 1, *, message: str | None = None) -> None:
        fields = {"done": self.job.done + count}
        if message is not None:
            fields["message"] = message[:300]
        self._update(**fields)

    def attach(self, name: str, content_type: str, content: bytes) -> None:
        """Keep the job's result file, encrypted; its owner downloads it from the job page."""
        self.job.result.save("result", ContentFile(crypto.encrypt_bytes(content)), save=False)
        self._update(result=self.job.result.name, result_name=name[:200], result_content_type=content_type[:100])

    def finish(self, *, summary: dict | None = None, message: str = "") -> None:
        self._update(status=JobStatus.DONE, finished_at=timezone.now(), summary=summary or {},
                     message=message[:300] or self.job.message)


def enqueue(*, kind: str, acting_user, params: dict | None = None, request=None) -> Job:
    """Record a job for ``acting_user`` and queue it when the current transaction commits."""
    _handler_for(kind)  # an unknown kind fails here, in the request, not later in the worker
    job = Job.objects.create(kind=kind, params=params or {}, created_by=acting_user)
    audit.record("job.enqueue", actor=acting_user, request=request, object_type="core.job", object_id=str(job.pk),
                 changes={"kind": [None, kind]})
    transaction.on_commit(lambda: run_job.enqueue(str(job.pk)))
    return job


def run(job_id: str) -> Job:
    """Run one queued job (the task calls this; tests may call it directly)."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING,
                                                                           started_at=timezone.now())
    job = Job.objects.get(pk=job_id)
    if not claimed:
        return job  # already run, or running elsewhere
    progress = Progress(job)
    try:
        _handler_for(job.kind)(job, progress)
    except Exception as error:  # noqa: BLE001 - a failed job must be recorded, whatever failed
        logger.error("job %s (%s) failed: %s", job.pk, job.kind, type(error).__name__)
        progress._update(status=JobStatus.FAILED, finished_at=timezone.now(),
                         message=_("The job stopped because of an error. Nothing after the last completed step was "
                                   "saved. Try again, or ask an administrator to look at the server log."))
    else:
        if job.status == JobStatus.RUNNING:
            progress.finish()
    return job


def requeue_abandoned(*, now: datetime.datetime | None = None) -> list[Job]:
    """Queue again the jobs whose worker died: "running" for longer than ``JOBS_ABANDONED_AFTER_MINUTES``. Their
    progress and any partial result are dropped; the job starts again from the beginning. Audited per job."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.JOBS_ABANDONED_AFTER_MINUTES)
    requeued = []
    for job in Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=cutoff).order_by("created_at"):
        # Only the job still running since before the cutoff is taken: a worker that finished it meanwhile wins.
        with transaction.atomic():
            taken = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, started_at__lt=cutoff).update(
                status=JobStatus.QUEUED, started_at=None, done=0, total=None, result="", result_name="",
                result_content_type="", message=_("Started again: the worker running it stopped."))
            if not taken:
                continue
            audit.record("job.requeue", object_type="core.job", object_id=str(job.pk),
                         changes={"kind": [None, job.kind], "status": [JobStatus.RUNNING, JobStatus.QUEUED]})
            if job.result:
                job.result.delete(save=False)  # a file of the killed run; the new run writes its own
            transaction.on_commit(lambda pk=str(job.pk): run_job.enqueue(pk))
        requeued.append(job)
    return requeued


@task()
def run_job(job_id: str) -> None:
    run(job_id)


def read_result(*, acting_user, job: Job, request=None) -> bytes:
    """The decrypted result of the user's own job, audited."""
    if job.created_by_id != acting_user.pk:
        raise PermissionError("only the owner reads a job's result")
    with job.result.open("rb") as stored:
        content = crypto.decrypt_bytes(stored.read())
    audit.record("job.download", actor=acting_user, request=request, object_type="core.job", object_id=str(job.pk),
                 changes={"kind": [None, job.kind]})
    return content
