"""The background job of an import: a run (or its resumption) or a dry run, with its progress and its report."""

from __future__ import annotations

from django.utils import translation

from trove.core import jobs
from trove.core.models import Job
from trove.imports import engine
from trove.imports.models import ImportBatch


@jobs.handler("imports.run")
def run_import(job: Job, progress: jobs.Progress) -> None:
    batch = ImportBatch.objects.select_related("owner_agency__unit").get(pk=job.params["batch"])
    language = job.params.get("language") or batch.language
    with translation.override(language):
        if job.params.get("dry_run"):
            engine.check(batch=batch, acting_user=job.created_by, progress=progress)
        else:
            engine.execute(batch=batch, acting_user=job.created_by, token=job.params["token"], progress=progress)
