"""Reads for the task-health page and the /readyz detail: a few aggregate queries, one Redis round trip."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from erp.outbox.models import OutboxEvent

QUEUE_PROBE_TIMEOUT = 0.5


@dataclass
class OutboxHealth:
    pending: int
    due: int
    failed: int
    failed_last_day: int
    done_last_day: int
    oldest_pending_age_seconds: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "pending": self.pending,
            "due": self.due,
            "failed": self.failed,
            "failed_last_day": self.failed_last_day,
            "done_last_day": self.done_last_day,
            "oldest_pending_age_seconds": self.oldest_pending_age_seconds,
        }


def outbox_health() -> OutboxHealth:
    """One aggregate query (the partial indexes keep it cheap)."""
    now = timezone.now()
    day_ago = now - timedelta(days=1)
    pending = Q(status=OutboxEvent.Status.PENDING)
    row = OutboxEvent.objects.aggregate(
        pending=Count("id", filter=pending),
        due=Count("id", filter=pending & Q(available_at__lte=now)),
        failed=Count("id", filter=Q(status=OutboxEvent.Status.FAILED)),
        failed_last_day=Count("id", filter=Q(status=OutboxEvent.Status.FAILED, failed_at__gte=day_ago)),
        done_last_day=Count("id", filter=Q(status=OutboxEvent.Status.DONE, processed_at__gte=day_ago)),
        oldest=Min("created_at", filter=pending),
    )
    oldest = row.pop("oldest")
    age = round((now - oldest).total_seconds(), 1) if oldest else None
    return OutboxHealth(oldest_pending_age_seconds=age, **row)


def queue_depths() -> dict[str, int | None]:
    """Messages waiting in each Celery queue (None when the broker cannot be asked, e.g. it is down)."""
    from config.celery import app

    names = [q.name for q in app.conf.task_queues or ()]
    url = app.conf.broker_url or ""
    if not url.startswith(("redis://", "rediss://")):
        return dict.fromkeys(names)
    import redis

    try:
        client = redis.Redis.from_url(
            url, socket_timeout=QUEUE_PROBE_TIMEOUT, socket_connect_timeout=QUEUE_PROBE_TIMEOUT
        )
        pipe = client.pipeline()
        for name in names:
            pipe.llen(name)
        return dict(zip(names, (int(n) for n in pipe.execute()), strict=True))
    except redis.RedisError:
        return dict.fromkeys(names)


def event_list(*, status: str = "", topic: str = "") -> QuerySet[OutboxEvent]:
    qs = OutboxEvent.objects.all()
    if status:
        qs = qs.filter(status=status)
    if topic:
        qs = qs.filter(topic=topic)
    return qs.defer("payload")
