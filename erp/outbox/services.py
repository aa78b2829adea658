"""The transactional outbox: emit in the caller's transaction, dispatch to Celery, process idempotently.

Lifecycle of an event: `pending` → (dispatched under a lease) → `done`; a `RetryableError` puts it back to
`pending` with an exponential, jittered delay until OUTBOX_MAX_ATTEMPTS; a `PermanentError` (or exhausted retries,
or an unexpected exception) ends in `failed`, which a person can retry from the task-health page.

Nothing is lost when the broker is down: the event row is the source of truth. The dispatcher claims due rows with
SELECT … FOR UPDATE SKIP LOCKED (several dispatchers never hand out the same row), leases them, and publishes a task
per row; rows it could not publish are due again at once, and rows whose task vanished (worker killed, Redis
restarted without persistence) come back when their lease ends.
"""

import logging
import random
import time
from datetime import timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from erp.accounts.access import require_perm
from erp.core.exceptions import ConflictError
from erp.core.flags import async_side_effects_enabled
from erp.outbox.models import OutboxEvent
from erp.outbox.registry import PermanentError, RetryableError, handler_for

logger = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 2000
# After a failed publish, skip the on-commit kick for this long (the beat dispatcher still runs): a request must
# not wait for a broker timeout on every write while Redis is down.
BROKER_BACKOFF_SECONDS = 10.0
_broker_down_until = 0.0
KICK_CONNECT_TIMEOUT = 1  # seconds (whole seconds: kombu's signature)


def outbox_emit(*, topic: str, payload: dict[str, Any], idempotency_key: str, delay_seconds: float = 0) -> OutboxEvent:
    """Write an event in the caller's transaction; the same key twice yields the first event (and no new work).

    After the transaction commits, the dispatcher is kicked for low latency; if that fails, beat picks it up.
    """
    with transaction.atomic():
        event, created = OutboxEvent.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "topic": topic,
                "payload": payload,
                "available_at": timezone.now() + timedelta(seconds=delay_seconds),
            },
        )
    if created and not delay_seconds:
        transaction.on_commit(outbox_kick)
    return event


def outbox_kick() -> None:
    """Ask for a dispatch now (after commit). Never raises and never blocks long while the broker is down."""
    global _broker_down_until
    if not async_side_effects_enabled():
        outbox_dispatch()
        return
    if time.monotonic() < _broker_down_until:
        return
    from config.celery import app
    from erp.outbox.tasks import outbox_dispatch as dispatch_task

    try:
        # One connection attempt with a short timeout (kombu's default keeps retrying for the connect timeout).
        with app.connection_for_write() as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, interval_max=0, timeout=KICK_CONNECT_TIMEOUT
            )
            dispatch_task.apply_async(retry=False, connection=conn)  # type: ignore[call-arg]
    except Exception:  # noqa: BLE001 - any broker failure: beat dispatches later
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.warning("outbox kick failed: broker unavailable, events wait for the next dispatch", exc_info=True)


def _publish(event_id: int) -> None:
    if async_side_effects_enabled():
        from erp.outbox.tasks import outbox_process as process_task

        process_task.apply_async((event_id,), retry=False)
    else:
        outbox_process(event_id=event_id)


def outbox_dispatch(*, limit: int | None = None) -> int:
    """Hand due pending events to Celery. Returns how many were published."""
    global _broker_down_until
    limit = limit or settings.OUTBOX_BATCH_SIZE
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxEvent.Status.PENDING, available_at__lte=now)
            .order_by("available_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            OutboxEvent.objects.filter(id__in=ids).update(
                available_at=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
                dispatch_count=F("dispatch_count") + 1,
            )
    for index, event_id in enumerate(ids):
        try:
            _publish(event_id)
        except Exception:  # noqa: BLE001 - the broker is down: the rest stay due and wait for the next run
            OutboxEvent.objects.filter(id__in=ids[index:], status=OutboxEvent.Status.PENDING).update(available_at=now)
            _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
            logger.warning("outbox dispatch stopped: broker unavailable, %d events wait", len(ids) - index)
            return index
    return len(ids)


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with ±50% jitter, capped: attempt 1 → ~base, 2 → ~2·base, 3 → ~4·base, …"""
    base = float(settings.OUTBOX_BACKOFF_BASE_SECONDS) * (2 ** max(0, attempt - 1))
    return min(float(settings.OUTBOX_BACKOFF_MAX_SECONDS), base) * random.uniform(0.5, 1.5)  # noqa: S311 - jitter


def _fail(event_id: int, error: str) -> None:
    OutboxEvent.objects.filter(pk=event_id, status=OutboxEvent.Status.PENDING).update(
        status=OutboxEvent.Status.FAILED,
        attempts=F("attempts") + 1,
        last_error=error[:MAX_ERROR_LENGTH],
        failed_at=timezone.now(),
    )


def _retry_or_fail(event: OutboxEvent, error: str, retry_after: float | None) -> str:
    attempt = event.attempts + 1
    if attempt >= settings.OUTBOX_MAX_ATTEMPTS:
        _fail(event.pk, f"{error} (gave up after {attempt} attempts)")
        return "failed"
    delay = backoff_seconds(attempt)
    if retry_after is not None:
        delay = max(delay, retry_after)
    OutboxEvent.objects.filter(pk=event.pk, status=OutboxEvent.Status.PENDING).update(
        attempts=attempt,
        last_error=error[:MAX_ERROR_LENGTH],
        available_at=timezone.now() + timedelta(seconds=delay),
    )
    return "retry"


def outbox_process(*, event_id: int) -> str:
    """Run the topic's handler for one event. Safe to call twice: only a pending event is handled."""
    event = OutboxEvent.objects.filter(pk=event_id).first()
    if event is None or event.status != OutboxEvent.Status.PENDING:
        return "skipped"
    handler = handler_for(event.topic)
    if handler is None:
        _fail(event.pk, f"no handler registered for topic {event.topic!r}")
        return "failed"
    try:
        handler(event)
    except RetryableError as exc:
        return _retry_or_fail(event, str(exc) or exc.__class__.__name__, exc.retry_after)
    except (OperationalError, InterfaceError, SoftTimeLimitExceeded) as exc:
        return _retry_or_fail(event, f"{exc.__class__.__name__}: {exc}", None)
    except PermanentError as exc:
        _fail(event.pk, str(exc) or exc.__class__.__name__)
        return "failed"
    except Exception as exc:  # a bug: do not hammer it, show it on the failed page
        logger.exception("outbox handler for %s crashed on event %s", event.topic, event.pk)
        _fail(event.pk, f"{exc.__class__.__name__}: {exc}")
        return "failed"
    OutboxEvent.objects.filter(pk=event.pk, status=OutboxEvent.Status.PENDING).update(
        status=OutboxEvent.Status.DONE, processed_at=timezone.now(), last_error=""
    )
    return "done"


@transaction.atomic
def outbox_retry(*, event: OutboxEvent, actor: Any) -> OutboxEvent:
    """Put a failed event back in line (from the failed page). Handlers send at most once for it again."""
    require_perm(actor, "outbox.view_task_health")
    updated = OutboxEvent.objects.filter(pk=event.pk, status=OutboxEvent.Status.FAILED).update(
        status=OutboxEvent.Status.PENDING, attempts=0, available_at=timezone.now(), failed_at=None
    )
    if not updated:
        from django.utils.translation import gettext as _

        raise ConflictError(_("Only a failed event can be retried."))
    transaction.on_commit(outbox_kick)
    event.refresh_from_db()
    return event


DONE_RETENTION_DAYS = 14


def outbox_purge_done() -> int:
    """Delete processed events older than the retention (their side effects keep their own keyed rows)."""
    cutoff = timezone.now() - timedelta(days=DONE_RETENTION_DAYS)
    deleted, _ = OutboxEvent.objects.filter(status=OutboxEvent.Status.DONE, processed_at__lt=cutoff).delete()
    return deleted
