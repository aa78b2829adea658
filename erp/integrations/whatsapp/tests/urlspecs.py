"""How to open every WhatsApp URL for the query budget (see erp/core/testing/urlbudget.py)."""

from typing import Any

from django.utils import timezone

from erp.accounts.roles import RoleKey
from erp.core.testing.urlbudget import ANONYMOUS, SUPERUSER, UrlSpec, World
from erp.integrations.whatsapp.models import Event, WhatsAppMessage, WhatsAppTemplate
from erp.outbox.models import OutboxEvent

LOG_READERS = (SUPERUSER, RoleKey.SALES_MANAGER.value)


def grow(world: World, n: int) -> None:
    start = WhatsAppMessage.objects.count()
    statuses = list(WhatsAppMessage.Status)
    WhatsAppMessage.objects.bulk_create(
        WhatsAppMessage(
            event=Event.ORDER_CREATED,
            template_name="order_created",
            language="ar",
            phone="+201012345678",
            params=["أحمد", f"ORD-{start + i}"],
            related_label=f"ORD-{start + i}",
            status=statuses[i % len(statuses)],
            idempotency_key=f"spec-{start + i}",
        )
        for i in range(n)
    )
    if not WhatsAppTemplate.objects.exists():
        WhatsAppTemplate.objects.bulk_create(
            WhatsAppTemplate(event=e, name=e.value, parameters=["customer_name"]) for e in Event
        )


def failed_message(world: World) -> dict[str, Any]:
    if "wa_message" not in world.extra:
        message = WhatsAppMessage.objects.create(
            event=Event.WELCOME,
            template_name="welcome",
            language="ar",
            phone="+201012345678",
            status=WhatsAppMessage.Status.FAILED,
            failure=WhatsAppMessage.Failure.TEMPLATE,
            idempotency_key="spec-failed",
        )
        OutboxEvent.objects.create(
            topic="whatsapp.send",
            payload={"message_id": message.pk},
            idempotency_key="whatsapp:spec-failed",
            status=OutboxEvent.Status.FAILED,
            available_at=timezone.now(),
        )
        world.extra["wa_message"] = message
    return {"pk": world.extra["wa_message"].pk}


def a_template(world: World) -> dict[str, Any]:
    grow(world, 0)
    return {"pk": WhatsAppTemplate.objects.order_by("id").values_list("pk", flat=True).first()}


SPECS = [
    UrlSpec(
        "whatsapp:webhook",
        (ANONYMOUS,),
        grow,
        query="hub.mode=subscribe&hub.verify_token=test-verify-token&hub.challenge=1158201444",
    ),
    # An unsigned POST is refused before anything is read or stored (the signed path is tested in test_webhook).
    UrlSpec("whatsapp:webhook", (ANONYMOUS,), grow, method="post", data=lambda w: {"x": "1"}, status=403),
    UrlSpec("whatsapp:message_list", LOG_READERS, grow),
    UrlSpec("whatsapp:message_list", LOG_READERS, grow, query="status=failed&event=order_created&phone=01012345678"),
    UrlSpec("whatsapp:message_retry", (SUPERUSER,), grow, kwargs=failed_message, method="post", status=302),
    UrlSpec("whatsapp:template_list", (SUPERUSER,), grow),
    UrlSpec("whatsapp:template_update", (SUPERUSER,), grow, kwargs=a_template),
    UrlSpec("whatsapp:settings", (SUPERUSER,), grow),
]
