"""One check for a list's Excel export: below the threshold the file comes at once; above it the same request
starts a background job (a redirect to its progress page) whose file holds exactly the same rows, so the job keeps
the user's scope and filters."""

import io
from typing import Any

from django.test import Client
from django.test.utils import override_settings
from openpyxl import load_workbook

from erp.core.models import ExportJob


def sheet_rows(content: bytes) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for r in workbook.active.iter_rows(values_only=True)]


def download(client: Client, job: ExportJob) -> list[list[Any]]:
    """The rows of a finished job's file, downloaded as its owner (private, never cached)."""
    response = client.get(f"/exports/{job.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "private, no-store"
    return sheet_rows(b"".join(response.streaming_content))  # type: ignore[attr-defined]


def export_job_matches_immediate(client: Client, url: str, capture_on_commit: Any) -> list[list[Any]]:
    """Export `url` at once, then as a background job (threshold 1); assert both files are the same and the job
    is done. Returns the rows (the header first). `capture_on_commit` is pytest-django's
    `django_capture_on_commit_callbacks` fixture: the job runs after the request's commit, as on a worker."""
    immediate = client.get(url)
    assert immediate.status_code == 200, immediate.status_code
    content = b"".join(immediate.streaming_content) if immediate.streaming else immediate.content  # type: ignore[attr-defined]
    rows = sheet_rows(content)
    assert len(rows) >= 3, f"the check needs at least two data rows: {rows}"
    before = set(ExportJob.objects.values_list("pk", flat=True))
    with override_settings(EXPORT_BACKGROUND_THRESHOLD=1), capture_on_commit(execute=True):
        response = client.get(url)
    job = ExportJob.objects.exclude(pk__in=before).get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.total == len(rows) - 1, (job.status, job.error, job.total)
    assert download(client, job) == rows
    return rows
