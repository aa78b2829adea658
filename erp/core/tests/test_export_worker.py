"""A background export end to end with a real Celery worker (subprocess) and a real Redis broker: the request only
queues the job; the worker builds the file, which the owner then downloads."""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook

from erp.accounts.models import Branch, User
from erp.core import exportjobs
from erp.core.models import ExportJob
from erp.customers.tests import factories as customer_factories
from erp.integrations.whatsapp.tests.conftest import (  # noqa: F401 - fixtures
    RedisServer,
    Worker,
    broker_for_tests,
    private_broker,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(broker_for_tests: RedisServer, tmp_path: Path) -> Iterator[Worker]:  # noqa: F811 - fixture
    import os

    # The worker publishes progress to the cache this test process reads (the broker is a private Redis).
    env = {"CELERY_BROKER_URL": broker_for_tests.url, "REDIS_URL": os.environ["REDIS_URL"]}
    started = Worker(broker_url=broker_for_tests.url, tmp=tmp_path, env=env).start()
    try:
        yield started
    finally:
        started.stop()


def test_a_real_worker_builds_the_export(
    worker: Worker, manager_a: User, branch_a: Branch, branch_b: Branch, settings: Any
) -> None:
    settings.EXPORT_BACKGROUND_THRESHOLD = 3
    here = customer_factories.bulk_customers(count=6, branch=branch_a)
    customer_factories.bulk_customers(count=2, branch=branch_b)
    client = Client()
    client.force_login(manager_a)
    response = client.get("/customers/?export=xlsx")  # autocommit: the job is queued when the request commits
    assert response.status_code == 302
    job = ExportJob.objects.get()

    def finished() -> bool:
        job.refresh_from_db()
        return job.status in ("done", "failed")

    wait_for(finished, timeout=90, what="the worker to build the export")
    assert job.status == "done", job.error
    assert (job.total, job.done) == (6, 6)
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == sorted(c.code for c in here)
    # The status poll is answered from the progress the worker published, and stops polling.
    status = client.get(f"/exports/{job.pk}/status/")
    assert status.status_code == 200 and "hx-get" not in status.content.decode()
    with transaction.atomic():
        assert exportjobs.export_job_run(job_id=job.pk).status == "done"  # a duplicate delivery changes nothing
