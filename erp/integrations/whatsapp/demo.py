"""Demo WhatsApp setup: settings, a template per event, and a message log with rows in every status."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from erp.core.demodata import DemoContext
from erp.integrations.whatsapp.models import Event, WhatsAppMessage, WhatsAppSettings, WhatsAppTemplate
from erp.outbox.models import OutboxEvent

PARAMETERS = {
    Event.WELCOME: ["customer_name"],
    Event.ORDER_CREATED: ["customer_name", "order_number", "order_date"],
    Event.INSPECTION_SCHEDULED: ["customer_name", "inspection_date", "inspection_time"],
    Event.INSPECTION_COMPLETED: ["customer_name", "inspection_number"],
    Event.INSTALLATION_SCHEDULED: ["customer_name", "installation_date"],
    Event.INSTALLATION_COMPLETED: ["customer_name"],
    Event.INVOICE: ["customer_name", "invoice_number", "amount"],
    Event.CONTRACT: ["customer_name", "contract_number"],
    Event.CUSTOM: ["text"],
}
SIZES = {"small": 30, "medium": 300, "large": 2000}
# The events of B §7.1 that the business sends (invoice, contract and custom have templates but no trigger yet).
SENT_EVENTS = [
    Event.WELCOME,
    Event.ORDER_CREATED,
    Event.INSPECTION_SCHEDULED,
    Event.INSPECTION_COMPLETED,
    Event.INSTALLATION_SCHEDULED,
    Event.INSTALLATION_COMPLETED,
]


@transaction.atomic
def generate(ctx: DemoContext) -> None:
    if WhatsAppTemplate.objects.exists():
        ctx.stdout.write("whatsapp: exists already, skipped")
        return
    WhatsAppSettings.objects.create(
        is_enabled=True,
        phone_number_id="109876543210987",
        business_account_id="201234567890123",
        default_language="ar",
        enabled_events=[e.value for e in SENT_EVENTS],
    )
    WhatsAppTemplate.objects.bulk_create(
        WhatsAppTemplate(event=event, name=f"hu_{event.value}", language="ar", parameters=params)
        for event, params in PARAMETERS.items()
    )
    now = timezone.now()
    statuses = list(WhatsAppMessage.Status)
    count = SIZES.get(ctx.size, 30)
    messages = []
    for n in range(count):
        status = statuses[n % len(statuses)]
        event = ctx.rng.choice(SENT_EVENTS)
        first, last = ctx.person_name()
        created = now - timedelta(minutes=(count - n) * 17)
        sent = status in ("sent", "delivered", "read")
        failure = ctx.rng.choice(["template", "outside_window", "invalid_number"]) if status == "failed" else ""
        messages.append(
            WhatsAppMessage(
                event=event,
                template_name=f"hu_{event.value}",
                language="ar",
                phone=ctx.mobile(),
                params=[f"{first} {last}", f"ORD-{n + 1:05d}"][: len(PARAMETERS[event])],
                related_label=f"ORD-{n + 1:05d}" if event == Event.ORDER_CREATED else f"{first} {last}",
                status=status,
                provider_message_id=f"wamid.DEMO{n:06d}" if sent else None,
                failure=failure,
                error_code={"template": "132001", "outside_window": "131047", "invalid_number": "131026"}.get(
                    failure, ""
                ),
                attempts=1 if status != "pending" else 0,
                idempotency_key=f"demo-{n}",
                sent_at=created + timedelta(seconds=3) if sent else None,
                delivered_at=created + timedelta(seconds=9) if status in ("delivered", "read") else None,
                read_at=created + timedelta(minutes=4) if status == "read" else None,
                failed_at=created + timedelta(seconds=3) if status == "failed" else None,
            )
        )
    WhatsAppMessage.objects.bulk_create(messages, batch_size=1000)
    # Their outbox events: done for the sent ones, failed (retryable from the task-health page) for the failures.
    OutboxEvent.objects.bulk_create(
        [
            OutboxEvent(
                topic="whatsapp.send",
                payload={"message_id": m.pk},
                idempotency_key=f"whatsapp:{m.idempotency_key}",
                status="failed" if m.status == "failed" else ("pending" if m.status == "pending" else "done"),
                attempts=1 if m.status != "pending" else 0,
                last_error=f"{m.error_code}: {m.get_failure_display()}" if m.status == "failed" else "",
                available_at=now,  # pending ones go out when a worker runs (to the fake Graph API in the demo)
                processed_at=now if m.status not in ("failed", "pending") else None,
                failed_at=now if m.status == "failed" else None,
            )
            for m in messages
        ],
        batch_size=1000,
    )
    ctx.stdout.write(f"whatsapp: {len(PARAMETERS)} templates, {count} messages in every status")
