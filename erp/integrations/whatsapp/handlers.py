"""Outbox handlers of the WhatsApp integration (discovered by erp.outbox.registry)."""

from django.conf import settings

from erp.outbox.models import OutboxEvent
from erp.outbox.registry import register


@register("whatsapp.send")
def send(event: OutboxEvent) -> None:
    from erp.integrations.whatsapp.services import whatsapp_send

    final = event.attempts + 1 >= settings.OUTBOX_MAX_ATTEMPTS
    whatsapp_send(message_id=int(event.payload["message_id"]), final_attempt=final)


@register("whatsapp.webhook")
def webhook(event: OutboxEvent) -> None:
    from erp.integrations.whatsapp.services import whatsapp_statuses_apply

    whatsapp_statuses_apply(statuses=event.payload.get("statuses") or [])
