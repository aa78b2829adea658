"""Excel exports that are too large for a request run as a background job with a progress bar.

A module registers an `ExportKind` (its permission, headers, scoped and filtered queryset, and row) with
`register_export`. A list view calls `export_response(request, kind=…, queryset=…)`: up to
`settings.EXPORT_BACKGROUND_THRESHOLD` rows are streamed at once (xlsx_response); above it an `ExportJob` is created
and the user is sent to its progress page. The Celery task `erp.core.tasks.export_job_run` rebuilds the queryset **as
the requesting user** (the same scoping and filters: the file holds only what they may see), writes the workbook in
chunks from a server-side iterator (openpyxl write-only mode: constant memory) into a temporary file, then stores it
in private storage. Progress goes to the cache after each chunk, so the progress page's polling is answered without
touching the database; only the job's owner sees the page and downloads the file.
"""

import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from erp.accounts.access import access_for, require_perm
from erp.core.exports import _cell, xlsx_response
from erp.core.flags import enqueue_on_commit
from erp.core.models import ExportJob

logger = logging.getLogger(__name__)

CHUNK = 2000
PROGRESS_TTL = 60 * 60 * 6
# A job still "running" after the hard time limit (plus a margin) lost its worker: a re-delivery may claim it again.
STALE_AFTER = timedelta(seconds=int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 660)) + 60)


@dataclass(frozen=True)
class ExportKind:
    key: str
    filename: str
    permission: str
    headers: Callable[[], Sequence[Any]]
    # (actor, filters) → the rows the actor may see, filtered: the same function the list page uses.
    queryset: Callable[[Any, QueryDict], QuerySet[Any]]
    row: Callable[[Any], Sequence[Any]]
    order_by: tuple[str, ...] = ("-id",)


EXPORT_KINDS: dict[str, ExportKind] = {}


def register_export(kind: ExportKind) -> ExportKind:
    EXPORT_KINDS[kind.key] = kind
    return kind


def export_threshold() -> int:
    return int(getattr(settings, "EXPORT_BACKGROUND_THRESHOLD", 2000))


def export_params(query: QueryDict) -> dict[str, list[str]]:
    """The list's filters as stored on the job (without the export switch and the page cursor)."""
    return {k: query.getlist(k) for k in query if k not in ("export", "after", "page")}


def _params_query(params: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in (params or {}).items():
        query.setlist(key, [str(v) for v in values])
    return query


def export_response(
    request: HttpRequest, *, kind: str, queryset: QuerySet[Any], params: dict[str, list[str]] | None = None
) -> HttpResponse:
    """Small exports at once; large ones as a background job (a redirect to its progress page) that rebuilds the
    queryset from `params` (default: the query string). The caller has checked the permission and recorded the
    export."""
    spec = EXPORT_KINDS[kind]
    threshold = export_threshold()
    # A capped count: never COUNT(*) a million rows to decide.
    if queryset.order_by()[: threshold + 1].count() <= threshold:
        rows = (spec.row(obj) for obj in queryset.order_by(*spec.order_by).iterator(chunk_size=CHUNK))
        return xlsx_response(filename=spec.filename, headers=list(spec.headers()), rows=rows)
    job = export_job_start(
        actor=request.user, kind=kind, params=params if params is not None else export_params(request.GET)
    )
    return redirect("exports:job_detail", pk=job.pk)


# ---------------------------------------------------------------------------------------------------------------
# Progress in the cache (what the polling reads)


def progress_key(pk: int) -> str:
    return f"exportjob:{pk}"


def publish(job: ExportJob) -> dict[str, Any]:
    state = {
        "pk": job.pk,
        "user_id": job.user_id,
        "kind": job.kind,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "is_busy": job.is_busy,
        "error": job.error,
    }
    cache.set(progress_key(job.pk), state, PROGRESS_TTL)
    return state


def progress(pk: int) -> dict[str, Any] | None:
    return cache.get(progress_key(pk))  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------------------------
# Services


@transaction.atomic
def export_job_start(*, actor: Any, kind: str, params: dict[str, list[str]]) -> ExportJob:
    spec = EXPORT_KINDS.get(kind)
    if spec is None:
        raise ValidationError({"kind": _("Unknown export.")})
    require_perm(actor, spec.permission)
    job = ExportJob.objects.create(kind=kind, user=actor, params=params)
    transaction.on_commit(lambda: publish(job))
    from erp.core.tasks import export_job_run as task

    enqueue_on_commit(task, job.pk)
    return job


def export_job_run(*, job_id: int) -> ExportJob:
    """Build the job's file. Claimed once (a duplicate delivery does nothing); a job whose worker died is claimed
    again after the hard time limit. Failures are recorded on the job, never raised (nothing to retry)."""
    now = timezone.now()
    claimed = (
        ExportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=ExportJob.Status.PENDING) | Q(status=ExportJob.Status.RUNNING, started_at__lt=now - STALE_AFTER)
        )
        .update(status=ExportJob.Status.RUNNING, started_at=now, done=0, updated_at=now)
    )
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if not claimed:
        return job
    publish(job)
    try:
        _build(job)
    except Exception as exc:  # noqa: BLE001 - recorded on the job for the user
        logger.exception("export job %s failed", job.pk)
        job.status = ExportJob.Status.FAILED
        job.error = (str(exc) or exc.__class__.__name__)[:255]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at", "updated_at"])
    publish(job)
    return job


def _build(job: ExportJob) -> None:
    spec = EXPORT_KINDS.get(job.kind)
    if spec is None:
        raise ValueError(f"unknown export {job.kind!r}")
    if not job.user.is_active or not access_for(job.user).has_perm(spec.permission):
        raise PermissionDenied(_("You may no longer export this list."))
    queryset = spec.queryset(job.user, _params_query(job.params))
    job.total = queryset.order_by().count()
    job.save(update_fields=["total", "updated_at"])
    publish(job)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.sheet_view.rightToLeft = True
    sheet.append([str(h) for h in spec.headers()])
    done = 0
    for obj in queryset.order_by(*spec.order_by).iterator(chunk_size=CHUNK):
        sheet.append([_cell(v) for v in spec.row(obj)])
        done += 1
        if done % CHUNK == 0:
            job.done = done
            ExportJob.objects.filter(pk=job.pk).update(done=done, updated_at=timezone.now())
            publish(job)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        workbook.save(tmp.name)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        with open(tmp.name, "rb") as fh:
            job.file.save(f"{spec.filename}-{job.pk}-{stamp}.xlsx", File(fh), save=False)
    job.done = done
    job.total = max(job.total, done)
    job.status = ExportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "done", "total", "status", "finished_at", "updated_at"])


def export_job_for(*, actor: Any, pk: int) -> ExportJob:
    """The actor's own job (404 for anyone else's)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(ExportJob, pk=pk, user_id=getattr(actor, "pk", None))
