"""Background Excel exports (erp/core/exportjobs.py): small exports stay immediate, large ones become a job whose
file holds exactly what the requesting user may see with their filters, built in chunks with progress published to
the cache; only the owner sees the progress and downloads the file; a duplicate delivery does nothing twice."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core import exportjobs
from erp.core.models import ExportJob
from erp.core.testing.exportcheck import download, sheet_rows
from erp.customers.tests import factories as customer_factories

pytestmark = pytest.mark.django_db


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def small_threshold(settings: Any) -> int:
    settings.EXPORT_BACKGROUND_THRESHOLD = 5
    return 5


@pytest.fixture
def two_branches(branch_a: Branch, branch_b: Branch) -> tuple[list[Any], list[Any]]:
    here = customer_factories.bulk_customers(count=8, branch=branch_a)
    there = customer_factories.bulk_customers(count=4, branch=branch_b)
    return here, there


def _start_large_export(client: Client, query: str, django_capture_on_commit_callbacks: Any) -> tuple[Any, ExportJob]:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/customers/?export=xlsx{query}")
    assert response.status_code == 302, response.status_code
    job = ExportJob.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/"
    job.refresh_from_db()
    return response, job


def test_a_small_export_is_immediate(manager_a: User, two_branches: Any, small_threshold: int, settings: Any) -> None:
    settings.EXPORT_BACKGROUND_THRESHOLD = 100
    response = login(manager_a).get("/customers/?export=xlsx")
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    assert len(rows) == 1 + 8  # the header and branch A's customers only
    assert not ExportJob.objects.exists()


def test_a_large_export_becomes_a_job_holding_only_what_the_user_may_see(
    manager_a: User, two_branches: Any, small_threshold: int, django_capture_on_commit_callbacks: Any
) -> None:
    here, there = two_branches
    client = login(manager_a)
    _response, job = _start_large_export(client, "", django_capture_on_commit_callbacks)
    assert job.status == ExportJob.Status.DONE and job.user == manager_a
    assert (job.total, job.done, job.percent) == (8, 8, 100)
    rows = download(client, job)
    codes = [r[0] for r in rows[1:]]
    assert codes == sorted(c.code for c in here)  # branch A only, in code order
    assert not {c.code for c in there} & set(codes)
    page = client.get(f"/exports/{job.pk}/")
    assert page.status_code == 200
    assert f"/exports/{job.pk}/download/" in page.content.decode()
    assert "hx-get" not in page.content.decode()  # finished: no more polling


def test_the_job_keeps_the_users_filters(
    admin_user: User, two_branches: Any, small_threshold: int, branch_b: Branch, django_capture_on_commit_callbacks: Any
) -> None:
    _here, there = two_branches
    customer_factories.bulk_customers(count=3, branch=branch_b)
    client = login(admin_user)
    _response, job = _start_large_export(client, f"&branch={branch_b.pk}", django_capture_on_commit_callbacks)
    assert job.params == {"branch": [str(branch_b.pk)]}
    rows = download(client, job)
    assert len(rows) == 1 + 7
    assert {c.code for c in there} <= {r[0] for r in rows}


def test_progress_is_published_after_each_chunk(
    manager_a: User, two_branches: Any, small_threshold: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exportjobs, "CHUNK", 3)
    seen: list[tuple[str, int, int]] = []
    real = exportjobs.publish

    def spy(job: ExportJob) -> dict[str, Any]:
        state = real(job)
        seen.append((state["status"], state["done"], state["total"]))
        return state

    monkeypatch.setattr(exportjobs, "publish", spy)
    job = ExportJob.objects.create(kind="customers", user=manager_a, params={})
    exportjobs.export_job_run(job_id=job.pk)
    assert seen == [
        ("running", 0, 0),
        ("running", 0, 8),
        ("running", 3, 8),
        ("running", 6, 8),
        ("done", 8, 8),
    ]
    state = exportjobs.progress(job.pk)
    assert state is not None and state["percent"] == 100


def test_the_status_poll_is_answered_from_the_cache(manager_a: User, two_branches: Any) -> None:
    job = ExportJob.objects.create(kind="customers", user=manager_a, params={}, status="running", total=10, done=4)
    client = login(manager_a)
    first = client.get(f"/exports/{job.pk}/status/")  # not yet published: read once, then published
    assert first.status_code == 200 and "hx-trigger" in first.content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(f"/exports/{job.pk}/status/")
    assert again.status_code == 200
    assert "4" in again.content.decode() and "40%" in again.content.decode()
    assert not [q for q in ctx.captured_queries if "core_exportjob" in q["sql"]]
    assert len(ctx.captured_queries) <= 2  # the session's user, nothing else


def test_only_the_owner_sees_progress_and_downloads(
    manager_a: User,
    make_user: Callable[..., User],
    branch_a: Branch,
    two_branches: Any,
    small_threshold: int,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _response, job = _start_large_export(login(manager_a), "", django_capture_on_commit_callbacks)
    other = login(make_user(RoleKey.BRANCH_MANAGER, branch=branch_a))
    for suffix in ("", "status/", "download/"):
        assert other.get(f"/exports/{job.pk}/{suffix}").status_code == 404
    assert Client().get(f"/exports/{job.pk}/download/").status_code == 302  # to the login page


def test_exporting_needs_the_permission(seller_a: User, two_branches: Any, small_threshold: int) -> None:
    assert login(seller_a).get("/customers/?export=xlsx").status_code == 403
    assert not ExportJob.objects.exists()


def test_a_user_who_lost_the_permission_gets_a_failed_job_and_no_file(
    manager_a: User, two_branches: Any, make_user: Callable[..., User], branch_a: Branch
) -> None:
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    job = ExportJob.objects.create(kind="customers", user=seller, params={})
    exportjobs.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and not job.file
    assert job.error
    assert login(seller).get(f"/exports/{job.pk}/download/").status_code == 404
    page = login(seller).get(f"/exports/{job.pk}/")
    assert page.status_code == 200 and "alert-danger" in page.content.decode()


def test_a_duplicate_delivery_does_nothing_and_a_dead_run_is_claimed_again(manager_a: User, two_branches: Any) -> None:
    job = ExportJob.objects.create(kind="customers", user=manager_a, params={})
    first = exportjobs.export_job_run(job_id=job.pk)
    name = first.file.name
    again = exportjobs.export_job_run(job_id=job.pk)
    assert again.status == "done" and again.file.name == name
    # A job "running" for longer than the hard time limit lost its worker: the re-delivered task builds it.
    stuck = ExportJob.objects.create(
        kind="customers",
        user=manager_a,
        params={},
        status="running",
        started_at=timezone.now() - exportjobs.STALE_AFTER - timedelta(seconds=1),
    )
    assert exportjobs.export_job_run(job_id=stuck.pk).status == "done"
    # One that is running now is left alone.
    busy = ExportJob.objects.create(
        kind="customers", user=manager_a, params={}, status="running", started_at=timezone.now()
    )
    assert exportjobs.export_job_run(job_id=busy.pk).status == "running"


def test_an_unknown_kind_fails_cleanly(manager_a: User) -> None:
    job = ExportJob.objects.create(kind="nothing", user=manager_a, params={})
    assert exportjobs.export_job_run(job_id=job.pk).status == "failed"
