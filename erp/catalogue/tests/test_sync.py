"""The edge sync against a local fake endpoint: batching, retry/backoff, Retry-After, permanent errors, timeouts,
deletions, in-flight changes, concurrent workers (no loss, no duplicates) and the full re-sync command."""

import random
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from erp.catalogue import sync
from erp.catalogue.models import SyncEntry
from erp.catalogue.tests.conftest import JITTER_SEED, many_products
from erp.catalogue.tests.fakeedge import FakeEdge, Reply
from erp.inventory.models import Product
from erp.inventory.tests import factories

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now() + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now

    def advance_to(self, when: datetime) -> None:
        self.now = when


def entry(code: str) -> SyncEntry:
    return SyncEntry.objects.get(code=code)


def test_product_create_writes_one_outbox_row_and_changes_coalesce() -> None:
    product = factories.product(colours=(("WH", "أبيض"),))
    row = entry(product.code)
    assert (row.operation, row.status, row.version, row.product_id) == ("upsert", "pending", 1, product.pk)

    sync.catalogue_mark_changed(product_ids=[product.pk, product.pk])
    sync.catalogue_mark_changed(product_ids=[product.pk])

    assert SyncEntry.objects.filter(code=product.code).count() == 1
    assert entry(product.code).version == 3


def test_outbox_row_rolls_back_with_the_product() -> None:
    from django.db import transaction

    category = factories.category()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.product(code="ROLLBACK1", category=category)
        raise RuntimeError
    assert not SyncEntry.objects.filter(code="ROLLBACK1").exists()


def test_disabled_sync_sends_nothing_and_keeps_rows_pending(fake_edge: FakeEdge) -> None:
    many_products(3)
    result = sync.catalogue_sync_run()
    assert result.disabled
    assert fake_edge.received == []
    assert SyncEntry.objects.filter(status="pending").count() == 3


def test_batches_of_at_most_fifty_with_the_api_key(sync_on: FakeEdge) -> None:
    products = many_products(120)

    result = sync.catalogue_sync_run()

    sizes = [len(r.payload["items"]) for r in sync_on.received]
    assert sizes == [50, 50, 20]
    assert result.batches == 3 and result.delivered == 120
    assert {r.headers["X-Sync-API-Key"] for r in sync_on.received} == {"test-sync-key"}
    assert sorted(i["code"] for i in sync_on.delivered()) == sorted(p.code for p in products)
    assert not SyncEntry.objects.exclude(status="done").exists()
    item = sync_on.delivered()[0]
    assert item["op"] == "upsert" and item["version"] == 1
    assert item["product"]["price"] == "100.00" and "wholesale_price" not in item["product"]


def test_upsert_carries_the_public_card(sync_on: FakeEdge) -> None:
    product = factories.product(colours=(("WH", "أبيض"), ("BJ", "بيج")), material="كتان")
    sync.catalogue_sync_run()
    (item,) = sync_on.delivered()
    assert item["code"] == product.code
    assert item["product"]["name"] == product.name
    assert item["product"]["material"] == "كتان"
    assert [c["colour"] for c in item["product"]["colours"]] == ["بيج", "أبيض"]
    assert item["product"]["images"] == []


def test_retry_schedule_is_exponential_with_seeded_jitter(sync_on: FakeEdge) -> None:
    product = factories.product()
    sync_on.reply(Reply(503), Reply(502), Reply(500))
    clock = Clock()
    twin = random.Random(JITTER_SEED)  # noqa: S311 - the same jitter sequence as the sender's

    for attempt in (1, 2, 3):
        result = sync.catalogue_sync_run(now=clock)
        row = entry(product.code)
        base = 30 * 2 ** (attempt - 1)
        expected = base / 2 + twin.uniform(0, base / 2)
        assert result.retried == 1 and row.status == "pending" and row.attempts == attempt
        assert row.next_attempt_at == clock.now + timedelta(seconds=expected)
        assert base / 2 <= (row.next_attempt_at - clock.now).total_seconds() <= base
        # Not due yet: nothing is sent before the backoff has passed.
        clock.advance_to(row.next_attempt_at - timedelta(seconds=1))
        assert sync.catalogue_sync_run(now=clock).batches == 0
        clock.advance_to(row.next_attempt_at)

    sync.catalogue_sync_run(now=clock)
    row = entry(product.code)
    assert (row.status, row.attempts, row.sent_version) == ("done", 0, 1)
    assert [r.status for r in sync_on.received] == [503, 502, 500, 200]
    assert "HTTP 500" not in row.last_error


def test_429_honours_retry_after(sync_on: FakeEdge) -> None:
    product = factories.product()
    sync_on.reply(Reply(429, headers={"Retry-After": "120"}))
    clock = Clock()

    sync.catalogue_sync_run(now=clock)

    row = entry(product.code)
    assert row.status == "pending" and row.next_attempt_at == clock.now + timedelta(seconds=120)
    assert row.last_error.startswith("HTTP 429")


def test_retry_after_as_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert sync.parse_retry_after("Thu, 01 Jan 2026 12:01:30 GMT", now=now) == 90.0
    assert sync.parse_retry_after("soon", now=now) is None
    assert sync.parse_retry_after("7", now=now) == 7.0


def test_400_fails_at_once_without_retry_and_the_retry_button_recovers(sync_on: FakeEdge) -> None:
    product = factories.product()
    sync_on.reply(Reply(400, body='{"error": "bad item"}'))
    clock = Clock()

    result = sync.catalogue_sync_run(now=clock)

    row = entry(product.code)
    assert result.failed == 1 and row.status == "failed" and row.attempts == 1
    assert "HTTP 400" in row.last_error and "bad item" in row.last_error
    clock.advance_to(clock.now + timedelta(days=1))
    assert sync.catalogue_sync_run(now=clock).batches == 0  # failed rows are not retried by themselves
    assert len(sync_on.received) == 1

    assert sync.catalogue_retry_failed() == 1
    sync.catalogue_sync_run()
    assert entry(product.code).status == "done"
    assert [i["code"] for i in sync_on.delivered()] == [product.code]


def test_gives_up_after_max_attempts(sync_on: FakeEdge) -> None:
    product = factories.product()
    sync_on.reply(*[Reply(503)] * sync.MAX_ATTEMPTS)
    clock = Clock()
    for _ in range(sync.MAX_ATTEMPTS):
        sync.catalogue_sync_run(now=clock)
        clock.advance_to(clock.now + timedelta(hours=2))
    row = entry(product.code)
    assert (row.status, row.attempts) == ("failed", sync.MAX_ATTEMPTS)


def test_read_timeout_is_retried(sync_on: FakeEdge, settings: Any) -> None:
    settings.CATALOGUE_SYNC_READ_TIMEOUT = 0.3
    product = factories.product()
    sync_on.reply(Reply(200, delay=1.5))
    clock = Clock()

    started = timezone.now()
    sync.catalogue_sync_run(now=clock)
    elapsed = (timezone.now() - started).total_seconds()

    row = entry(product.code)
    assert row.status == "pending" and row.attempts == 1 and "timeout" in row.last_error
    assert elapsed < 1.4  # the client gave up at its read timeout, not when the server answered
    clock.advance_to(row.next_attempt_at)
    sync.catalogue_sync_run(now=clock)
    assert entry(product.code).status == "done"


def test_connection_refused_is_retried(settings: Any) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.CATALOGUE_SYNC_URL = f"http://127.0.0.1:{port}/sync"
    settings.CATALOGUE_SYNC_API_KEY = "k"
    product = factories.product()
    sync.catalogue_sync_run()
    row = entry(product.code)
    assert row.status == "pending" and "connection error" in row.last_error


def test_deactivation_and_deletion_propagate_as_delete(sync_on: FakeEdge) -> None:
    keep, gone = factories.product(), factories.product()
    sync.catalogue_sync_run()
    Product.objects.filter(pk=gone.pk).update(is_active=False)
    sync.catalogue_mark_changed(product_ids=[gone.pk])
    sync.catalogue_mark_deleted(codes=["OLDCODE1"])

    assert entry(gone.code).operation == "delete"
    sync.catalogue_sync_run()

    last = sync_on.received[-1].payload["items"]
    assert sorted((i["op"], i["code"]) for i in last) == sorted([("delete", "OLDCODE1"), ("delete", gone.code)])
    assert entry(keep.code).sent_version == 1 and entry(gone.code).sent_version == 2


def test_change_while_in_flight_is_sent_again_not_lost() -> None:
    product = factories.product()
    now = timezone.now() + timedelta(seconds=1)
    rows = sync._claim(now)
    assert [r.code for r in rows] == [product.code]

    sync.catalogue_mark_changed(product_ids=[product.pk])  # an edit while the batch is on the wire
    assert entry(product.code).status == "sending"  # not claimable by another worker meanwhile
    assert sync._claim(now) == []

    sync._complete(rows, sync.Outcome("ok"), now)

    row = entry(product.code)
    assert (row.status, row.version, row.sent_version) == ("pending", 2, 1)
    (again,) = sync._claim(now)
    assert again.claimed_version == 2
    sync._complete([again], sync.Outcome("ok"), now)
    row = entry(product.code)
    assert (row.status, row.sent_version) == ("done", 2)


def test_a_crashed_workers_lease_expires() -> None:
    product = factories.product()
    now = timezone.now() + timedelta(seconds=1)
    assert len(sync._claim(now)) == 1
    assert sync._claim(now + timedelta(seconds=sync.LEASE_SECONDS - 1)) == []
    (again,) = sync._claim(now + timedelta(seconds=sync.LEASE_SECONDS + 1))
    assert again.code == product.code


def test_resync_command_queues_everything(sync_on: FakeEdge, settings: Any) -> None:
    products = many_products(60)
    settings.CATALOGUE_SYNC_URL = ""  # queue only; sent below
    sync.catalogue_sync_run()
    SyncEntry.objects.update(status="done", sent_version=1)
    SyncEntry.objects.create(code="ORPHAN1", status="done", version=1, sent_version=1)

    call_command("catalogue_resync", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123

    assert SyncEntry.objects.filter(status="pending").count() == 61
    settings.CATALOGUE_SYNC_URL = sync_on.url
    sync.catalogue_sync_run()
    delivered = {(i["op"], i["code"]) for i in sync_on.delivered()}
    assert delivered == {("upsert", p.code) for p in products} | {("delete", "ORPHAN1")}
    assert not SyncEntry.objects.exclude(status="done").exists()


def test_on_commit_kick_sends_after_the_product_commits(
    sync_on: FakeEdge, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        product = factories.product()
        factories.product()
    kicks = [c for c in callbacks if c is sync._kick]
    assert len(kicks) == 1  # one kick per transaction, however many products it changed
    assert product.code in {i["code"] for i in sync_on.delivered()}


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_row_and_nothing_is_lost(
    sync_on: FakeEdge, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CATALOGUE_SYNC_URL = ""  # no on-commit kick while the products are created
    products = many_products(150)
    settings.CATALOGUE_SYNC_URL = sync_on.url
    sync_on.reply(*[Reply(200, delay=0.2)] * 2, Reply(503), Reply(200, delay=0.1))
    monkeypatch.setattr(sync, "BACKOFF_BASE_SECONDS", 0.05)  # the failed batch is due again almost at once
    errors: list[BaseException] = []
    batches: list[int] = []

    def worker() -> None:
        try:
            for _ in range(20):
                batches.append(sync.catalogue_sync_run().batches)
                if not SyncEntry.objects.exclude(status="done").exists():
                    break
                time.sleep(0.05)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert not errors
    # Under SKIP LOCKED a claim racing the other worker's commit may come back short, so the number of batches
    # varies (4 or more); what must hold is that every batch was counted, exactly one failed (503) and only its
    # rows were sent twice.
    assert sum(batches) == len(sync_on.received) >= 4
    failed = [r for r in sync_on.received if r.status == 503]
    assert len(failed) == 1
    sent = sum(len(r.payload["items"]) for r in sync_on.received)
    assert sent == len(products) + len(failed[0].payload["items"])
    delivered = Counter((i["code"], i["version"]) for i in sync_on.delivered())
    assert set(delivered) == {(p.code, 1) for p in products}  # every change delivered
    assert max(delivered.values()) == 1  # and each version once
    assert all(len(r.payload["items"]) <= sync.BATCH_SIZE for r in sync_on.received)
    assert not SyncEntry.objects.exclude(status="done").exists()


def test_task_re_enqueues_itself_while_a_backlog_remains(sync_on: FakeEdge, monkeypatch: pytest.MonkeyPatch) -> None:
    from erp.catalogue.tasks import catalogue_sync_run

    many_products(120)
    monkeypatch.setattr(sync, "MAX_BATCHES_PER_RUN", 1)

    catalogue_sync_run.apply()  # eager in tests: each re-enqueued run executes at once

    assert [len(r.payload["items"]) for r in sync_on.received] == [50, 50, 20]
    assert not SyncEntry.objects.exclude(status="done").exists()
