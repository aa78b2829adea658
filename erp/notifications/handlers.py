"""Outbox handlers of the notifications app (discovered by erp.outbox.registry)."""

from erp.outbox.models import OutboxEvent
from erp.outbox.registry import register


@register("notifications.deliver")
def deliver(event: OutboxEvent) -> None:
    from erp.notifications.services import notification_deliver

    notification_deliver(idempotency_key=event.idempotency_key, payload=event.payload)
