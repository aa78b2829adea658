"""How to open every outbox URL for the query budget (see erp/core/testing/urlbudget.py)."""

from typing import Any

from django.utils import timezone

from erp.core.testing.urlbudget import SUPERUSER, UrlSpec, World
from erp.outbox.models import OutboxEvent


def grow(world: World, n: int) -> None:
    now = timezone.now()
    start = OutboxEvent.objects.count()
    OutboxEvent.objects.bulk_create(
        OutboxEvent(
            topic="test.failing",
            payload={"n": i},
            idempotency_key=f"spec-{start + i}",
            status=OutboxEvent.Status.FAILED,
            attempts=3,
            last_error="boom",
            available_at=now,
            failed_at=now,
        )
        for i in range(n)
    )


def failed_event(world: World) -> dict[str, Any]:
    if "outbox_event" not in world.extra:
        grow(world, 1)
        world.extra["outbox_event"] = OutboxEvent.objects.order_by("id").first()
    return {"pk": world.extra["outbox_event"].pk}


SPECS = [
    UrlSpec("outbox:task_health", (SUPERUSER,), grow),
    UrlSpec("outbox:task_health", (SUPERUSER,), grow, query="status=all&topic=test.failing"),
    UrlSpec("outbox:event_retry", (SUPERUSER,), grow, kwargs=failed_event, method="post", status=302),
]
