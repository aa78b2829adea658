"""The outbox's contract: keyed events, leased dispatch, retry policy, failed events and their retry, health."""

import json
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from erp.accounts.roles import RoleKey
from erp.outbox import registry, services
from erp.outbox.models import OutboxEvent
from erp.outbox.registry import PermanentError, RetryableError

pytestmark = pytest.mark.django_db

calls: list[int] = []
behaviour: dict[str, Any] = {}


@registry.register("test.echo")
def _echo(event: OutboxEvent) -> None:
    calls.append(event.pk)
    effect = behaviour.get("raise")
    if effect is not None:
        raise effect


@pytest.fixture(autouse=True)
def _reset() -> None:
    calls.clear()
    behaviour.clear()


def _emit(key: str = "k1") -> OutboxEvent:
    return services.outbox_emit(topic="test.echo", payload={"x": 1}, idempotency_key=key)


def test_the_same_key_twice_is_one_event() -> None:
    first = _emit()
    second = _emit()
    assert first.pk == second.pk
    assert OutboxEvent.objects.count() == 1


def test_commit_kicks_the_dispatcher_which_processes_the_event(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit()
    event.refresh_from_db()
    assert event.status == OutboxEvent.Status.DONE and event.dispatch_count == 1
    assert calls == [event.pk]


def test_a_rolled_back_transaction_leaves_no_event() -> None:
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        _emit()
        raise RuntimeError("business change failed")
    assert not OutboxEvent.objects.exists()


def test_dispatch_leases_events_so_they_are_not_handed_out_twice() -> None:
    _emit()
    with mock.patch.object(services, "_publish") as publish:
        assert services.outbox_dispatch() == 1
        assert services.outbox_dispatch() == 0
    assert publish.call_count == 1
    event = OutboxEvent.objects.get()
    assert event.available_at > timezone.now()  # leased; due again only if its task was lost


def test_broker_down_leaves_events_due_and_nothing_is_lost() -> None:
    _emit("a")
    _emit("b")
    with mock.patch.object(services, "_publish", side_effect=ConnectionError("redis down")):
        assert services.outbox_dispatch() == 0
    assert OutboxEvent.objects.filter(status="pending", available_at__lte=timezone.now()).count() == 2
    with mock.patch.object(services, "_publish") as publish:
        assert services.outbox_dispatch() == 2
    assert publish.call_count == 2


def test_kick_swallows_a_broker_outage_and_backs_off(settings: Any) -> None:
    services._broker_down_until = 0.0
    with mock.patch("erp.outbox.tasks.outbox_dispatch.apply_async", side_effect=OSError("refused")) as send:
        services.outbox_kick()
        services.outbox_kick()
    assert send.call_count == 1  # the second kick is skipped: requests do not wait on a dead broker
    services._broker_down_until = 0.0


def test_retryable_error_backs_off_then_fails_after_the_maximum(settings: Any) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 3
    event = _emit()
    behaviour["raise"] = RetryableError("503")
    delays = []
    for expected in ("retry", "retry", "failed"):
        before = timezone.now()
        assert services.outbox_process(event_id=event.pk) == expected
        event.refresh_from_db()
        delays.append((event.available_at - before).total_seconds())
    assert event.status == OutboxEvent.Status.FAILED and event.attempts == 3
    assert "gave up after 3 attempts" in event.last_error
    assert event.failed_at is not None


def test_backoff_grows_and_is_jittered(settings: Any) -> None:
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 10
    settings.OUTBOX_BACKOFF_MAX_SECONDS = 10_000
    samples = {attempt: [services.backoff_seconds(attempt) for _ in range(200)] for attempt in (1, 2, 3, 4)}
    for attempt, values in samples.items():
        nominal = 10 * 2 ** (attempt - 1)
        assert all(0.5 * nominal <= v <= 1.5 * nominal for v in values)
        assert len({round(v, 6) for v in values}) > 100  # jittered, not a fixed delay
    means = [sum(v) / len(v) for v in samples.values()]
    assert means == sorted(means)
    settings.OUTBOX_BACKOFF_MAX_SECONDS = 15
    assert all(services.backoff_seconds(10) <= 22.5 for _ in range(50))  # capped (plus jitter)


def test_retry_after_is_honoured(settings: Any) -> None:
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 0.1
    event = _emit()
    behaviour["raise"] = RetryableError("429", retry_after=120)
    services.outbox_process(event_id=event.pk)
    event.refresh_from_db()
    assert (event.available_at - timezone.now()).total_seconds() > 100


@pytest.mark.parametrize("error", [PermanentError("invalid number"), ValueError("bug")])
def test_permanent_errors_and_bugs_fail_at_once(error: Exception) -> None:
    event = _emit()
    behaviour["raise"] = error
    assert services.outbox_process(event_id=event.pk) == "failed"
    event.refresh_from_db()
    assert event.status == "failed" and event.attempts == 1
    assert services.outbox_process(event_id=event.pk) == "skipped"  # a re-delivered task does nothing
    assert len(calls) == 1


def test_unknown_topic_fails_visibly() -> None:
    event = services.outbox_emit(topic="test.nobody", payload={}, idempotency_key="n")
    assert services.outbox_process(event_id=event.pk) == "failed"
    event.refresh_from_db()
    assert "no handler" in event.last_error


def test_a_done_event_is_not_processed_again() -> None:
    event = _emit()
    assert services.outbox_process(event_id=event.pk) == "done"
    assert services.outbox_process(event_id=event.pk) == "skipped"
    assert calls == [event.pk]


def test_retry_puts_a_failed_event_back_once(admin_user: Any) -> None:
    event = _emit()
    behaviour["raise"] = PermanentError("x")
    services.outbox_process(event_id=event.pk)
    behaviour.clear()
    services.outbox_retry(event=event, actor=admin_user)
    event.refresh_from_db()
    assert event.status == "pending" and event.attempts == 0
    from erp.core.exceptions import ConflictError

    with pytest.raises(ConflictError):
        services.outbox_retry(event=event, actor=admin_user)
    assert services.outbox_process(event_id=event.pk) == "done"


def test_retry_needs_the_permission(make_user: Any) -> None:
    event = _emit()
    OutboxEvent.objects.filter(pk=event.pk).update(status="failed")
    with pytest.raises(PermissionDenied):
        services.outbox_retry(event=event, actor=make_user(RoleKey.SALESPERSON))


def test_task_health_page_allowed_and_denied(client: Any, admin_user: Any, make_user: Any) -> None:
    event = _emit()
    OutboxEvent.objects.filter(pk=event.pk).update(status="failed", last_error="131026: undeliverable")
    client.force_login(admin_user)
    page = client.get("/tasks/")
    assert page.status_code == 200 and b"131026" in page.content
    client.force_login(make_user(RoleKey.SALESPERSON))
    assert client.get("/tasks/").status_code == 403
    assert client.post(f"/tasks/events/{event.pk}/retry/").status_code == 403


def test_readyz_reports_outbox_detail(client: Any) -> None:
    event = _emit()
    OutboxEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    failed = _emit("f")
    OutboxEvent.objects.filter(pk=failed.pk).update(status="failed", failed_at=timezone.now())
    body = json.loads(client.get("/readyz").content)
    outbox = body["detail"]["outbox"]
    assert outbox["pending"] == 1 and outbox["failed_last_day"] == 1
    assert outbox["oldest_pending_age_seconds"] >= 299
    assert set(body["detail"]["queues"]) == {"default", "messaging", "imports"}
    assert all(isinstance(v, int) for v in body["detail"]["queues"].values())


def test_purge_keeps_recent_and_unfinished_events() -> None:
    old = _emit("old")
    OutboxEvent.objects.filter(pk=old.pk).update(status="done", processed_at=timezone.now() - timedelta(days=30))
    _emit("new")
    assert services.outbox_purge_done() == 1
    assert list(OutboxEvent.objects.values_list("idempotency_key", flat=True)) == ["new"]


def test_time_limits_sit_below_the_lease_and_the_visibility_timeout() -> None:
    from django.conf import settings

    from config.celery import app

    limits = app.conf.task_annotations["erp.outbox.tasks.outbox_process"]
    assert limits["soft_time_limit"] < limits["time_limit"] < settings.OUTBOX_LEASE_SECONDS
    assert app.conf.broker_transport_options["visibility_timeout"] > settings.OUTBOX_LEASE_SECONDS
    entry = app.conf.beat_schedule["outbox-dispatch"]
    assert entry["task"] == "erp.outbox.tasks.outbox_dispatch" and entry["schedule"] <= 10


def test_task_health_page_shows_depth_oldest_pending_and_failures(client: Any, admin_user: Any) -> None:
    """The page's numbers: pending and due events, the oldest pending age, failures and work done in the last day,
    and each Celery queue's depth (from the broker)."""
    waiting = _emit("waiting")
    OutboxEvent.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    later = _emit("later")
    OutboxEvent.objects.filter(pk=later.pk).update(available_at=timezone.now() + timedelta(minutes=5))
    for key, when in (("f-new", timezone.now()), ("f-old", timezone.now() - timedelta(days=3))):
        failed = _emit(key)
        OutboxEvent.objects.filter(pk=failed.pk).update(status="failed", failed_at=when, last_error=f"boom {key}")
    done = _emit("done")
    OutboxEvent.objects.filter(pk=done.pk).update(status="done", processed_at=timezone.now())

    client.force_login(admin_user)
    page = client.get("/tasks/")
    assert page.status_code == 200
    health = page.context["health"]
    assert (health.pending, health.due, health.failed, health.failed_last_day, health.done_last_day) == (2, 1, 2, 1, 1)
    assert health.oldest_pending_age_seconds >= 599
    assert set(page.context["queues"]) == {"default", "messaging", "imports"}
    assert all(isinstance(depth, int) for depth in page.context["queues"].values())
    html = page.content.decode()
    assert 'id="stat-pending">2<' in html and 'id="stat-failed">1<' in html
    assert "boom f-new" in html and "boom f-old" in html  # the failed list (the default view), with each error
