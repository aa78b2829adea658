"""The background export's pages: progress (polled by htmx, answered from the cache) and the download."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from erp.accounts.access import require_perm
from erp.core.exportjobs import EXPORT_KINDS, export_job_for, progress, publish
from erp.core.exports import XLSX_CONTENT_TYPE
from erp.core.models import ExportJob

# The progress bar polls every few seconds while the tab is visible and the job is busy; each poll reads the cache.
POLL_SECONDS = 5


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = export_job_for(actor=request.user, pk=pk)
    return render(request, "core/export_job.html", {"job": job, "state": publish(job), "poll_seconds": POLL_SECONDS})


@login_required
@never_cache
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment. From the cache when the task has published it (no database query); otherwise the
    job is read (owner only) and published."""
    state = progress(pk)
    if state is None or state.get("user_id") != request.user.pk:
        state = publish(export_job_for(actor=request.user, pk=pk))
    return render(request, "core/_export_status.html", {"state": state, "poll_seconds": POLL_SECONDS})


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = export_job_for(actor=request.user, pk=pk)
    spec = EXPORT_KINDS.get(job.kind)
    if spec is None or job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    require_perm(request.user, spec.permission)
    name = (job.file.name or "").rsplit("/", 1)[-1]
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = XLSX_CONTENT_TYPE
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
