"""The page of a background job: its progress while it runs, its summary and result file when done.

A job belongs to the user who started it; anyone else gets 404, whatever their role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from trove.core import jobs
from trove.core.models import Job


def _own_job(request: HttpRequest, job_id) -> Job:
    job = Job.objects.filter(pk=job_id, created_by=request.user).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
@never_cache
def job_page(request: HttpRequest, job_id) -> HttpResponse:
    return render(request, "core/job.html", {"job": _own_job(request, job_id)})


@login_required
@require_GET
@never_cache
def job_status(request: HttpRequest, job_id) -> JsonResponse:
    job = _own_job(request, job_id)
    return JsonResponse({
        "status": job.status, "status_display": job.get_status_display(), "done": job.done, "total": job.total,
        "percent": job.percent, "message": job.message, "finished": job.finished,
    })


@login_required
@require_GET
def job_download(request: HttpRequest, job_id) -> HttpResponse:
    job = _own_job(request, job_id)
    if not job.result:
        raise Http404
    content = jobs.read_result(acting_user=request.user, job=job, request=request)
    response = HttpResponse(content, content_type=job.result_content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, job.result_name or f"{job.kind}.bin")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
