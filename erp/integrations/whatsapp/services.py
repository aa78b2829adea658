"""WhatsApp: queue template messages (entry point for other modules), send them from the outbox, apply webhooks.

`whatsapp_queue_template()` writes a pending message and an outbox event in the caller's transaction. The outbox
handler calls `whatsapp_send()`, outside any transaction: it claims the message (a conditional UPDATE with a
lease), sends once, and records the result. A message already sent is never sent again, so a re-delivered task
does nothing. Webhook statuses only move a message forward (sent → delivered → read), each applied once.
"""

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from erp.accounts.access import require_perm
from erp.core.phones import normalize_phone
from erp.integrations.whatsapp import client
from erp.integrations.whatsapp.models import (
    Event,
    WhatsAppMessage,
    WhatsAppSettings,
    WhatsAppStatusReceipt,
    WhatsAppTemplate,
)
from erp.outbox.models import OutboxEvent
from erp.outbox.registry import PermanentError, RetryableError
from erp.outbox.services import outbox_emit, outbox_retry

SEND_TOPIC = "whatsapp.send"
WEBHOOK_TOPIC = "whatsapp.webhook"
S = WhatsAppMessage.Status
RANK = {S.PENDING: 0, S.SENT: 1, S.DELIVERED: 2, S.READ: 3}
DELIVERED_STATES = (S.SENT, S.DELIVERED, S.READ)


def settings_get() -> WhatsAppSettings:
    row = WhatsAppSettings.objects.order_by("pk").first()
    return row or WhatsAppSettings(pk=1)


@transaction.atomic
def whatsapp_settings_update(
    *,
    actor: Any,
    is_enabled: bool,
    phone_number_id: str,
    business_account_id: str,
    default_language: str,
    enabled_events: list[str],
) -> WhatsAppSettings:
    require_perm(actor, "whatsapp.manage_whatsapp")
    row = settings_get()
    row.is_enabled = is_enabled
    row.phone_number_id = phone_number_id.strip()
    row.business_account_id = business_account_id.strip()
    row.default_language = default_language.strip() or "ar"
    row.enabled_events = sorted({e for e in enabled_events if e in Event.values})
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def whatsapp_template_update(
    *, actor: Any, template: WhatsAppTemplate, name: str, language: str, parameters: list[str], is_active: bool
) -> WhatsAppTemplate:
    require_perm(actor, "whatsapp.manage_whatsapp")
    template.name = name.strip()
    template.language = language.strip()
    template.parameters = [p.strip() for p in parameters if p.strip()]
    template.is_active = is_active
    template.full_clean()
    template.save()
    return template


def _related(related: Any) -> dict[str, Any]:
    if related is None:
        return {}
    return {
        "related_type": related._meta.label_lower,
        "related_id": related.pk,
        "related_label": str(related)[:200],
    }


def whatsapp_queue_template(
    *,
    event: str,
    phone: str,
    params: dict[str, Any] | None = None,
    related: Any = None,
    idempotency_key: str | None = None,
) -> WhatsAppMessage | None:
    """Queue `event`'s template to `phone`, in the caller's transaction; sent by a worker after commit.

    Returns None when WhatsApp, the event or its template is switched off. An invalid number is logged as a failed
    message (shown on the log) instead of breaking the caller's business transaction. With `related` and no key, the
    same event for the same object and phone is queued once.
    """
    if not settings.USE_WHATSAPP:
        return None
    config = settings_get()
    if not config.is_enabled or event not in (config.enabled_events or []):
        return None
    template = WhatsAppTemplate.objects.filter(event=event, is_active=True).first()
    if template is None:
        return None
    if idempotency_key is None:
        idempotency_key = (
            f"{event}:{related._meta.label_lower}:{related.pk}:{phone}" if related is not None else uuid.uuid4().hex
        )
    values = dict(params or {})
    ordered = [str(values.get(name, "")) for name in template.parameters]
    fields: dict[str, Any] = {
        "event": event,
        "template_name": template.name,
        "language": template.language or config.default_language,
        "params": ordered,
        **_related(related),
    }
    try:
        fields["phone"] = normalize_phone(phone)
        if not fields["phone"]:
            raise ValidationError("empty")
    except ValidationError:
        fields.update(
            phone=str(phone)[:20],
            status=S.FAILED,
            failure=WhatsAppMessage.Failure.INVALID_NUMBER,
            error_message="invalid phone number",
            failed_at=timezone.now(),
        )
    with transaction.atomic():
        message, created = WhatsAppMessage.objects.get_or_create(idempotency_key=idempotency_key, defaults=fields)
        if created and message.status == S.PENDING:
            outbox_emit(
                topic=SEND_TOPIC, payload={"message_id": message.pk}, idempotency_key=f"whatsapp:{idempotency_key}"
            )
    return message


def _client_config() -> client.ClientConfig:
    return client.ClientConfig(
        base_url=settings.WHATSAPP_API_BASE_URL,
        token=settings.WHATSAPP_TOKEN,
        phone_number_id=settings_get().phone_number_id,
        connect_timeout=settings.WHATSAPP_CONNECT_TIMEOUT,
        read_timeout=settings.WHATSAPP_READ_TIMEOUT,
    )


def whatsapp_send(*, message_id: int, final_attempt: bool = False) -> str:
    """Send one message at most once. Raises RetryableError / PermanentError for the outbox to act on."""
    if connection.in_atomic_block:
        raise RuntimeError("whatsapp_send must not run inside a transaction (it calls the Graph API)")
    if not settings.USE_WHATSAPP:
        raise PermanentError("WhatsApp is switched off (USE_WHATSAPP): retry from the task-health page once it is on")
    now = timezone.now()
    claimed = WhatsAppMessage.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        pk=message_id,
        status__in=[S.PENDING, S.FAILED],
    ).update(claimed_until=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS), attempts=F("attempts") + 1)
    message = WhatsAppMessage.objects.filter(pk=message_id).first()
    if message is None or message.status in DELIVERED_STATES:
        return "already-sent"
    if not claimed:
        raise RetryableError("another worker is sending this message")
    try:
        wamid = client.send_template(
            _client_config(),
            to=message.phone,
            template=message.template_name,
            language=message.language,
            params=list(message.params or []),
        )
    except client.WhatsAppRetryable as exc:
        fields: dict[str, Any] = {"error_message": str(exc)[:2000], "error_code": exc.code, "claimed_until": None}
        if final_attempt:
            fields.update(status=S.FAILED, failure=WhatsAppMessage.Failure.RETRIES_EXHAUSTED, failed_at=timezone.now())
        WhatsAppMessage.objects.filter(pk=message.pk).update(**fields)
        raise RetryableError(str(exc), retry_after=exc.retry_after) from exc
    except client.WhatsAppPermanent as exc:
        WhatsAppMessage.objects.filter(pk=message.pk).update(
            status=S.FAILED,
            failure=exc.reason,
            error_code=exc.code,
            error_message=str(exc)[:2000],
            failed_at=timezone.now(),
            claimed_until=None,
        )
        raise PermanentError(str(exc)) from exc
    WhatsAppMessage.objects.filter(pk=message.pk).update(
        status=S.SENT,
        provider_message_id=wamid,
        sent_at=timezone.now(),
        failure="",
        error_code="",
        error_message="",
        failed_at=None,
        claimed_until=None,
    )
    return wamid


def whatsapp_message_retry(*, message: WhatsAppMessage, actor: Any) -> OutboxEvent:
    """Send a failed message again (through its failed outbox event)."""
    require_perm(actor, "outbox.view_task_health")
    event = OutboxEvent.objects.get(idempotency_key=f"whatsapp:{message.idempotency_key}")
    return outbox_retry(event=event, actor=actor)


# ---------------------------------------------------------------------------------------------------------------
# Webhook


def signature_valid(*, body: bytes, header: str) -> bool:
    import hmac

    secret = settings.WHATSAPP_APP_SECRET
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def _statuses(payload: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            for status in (change.get("value") or {}).get("statuses") or []:
                if isinstance(status, dict) and status.get("id") and status.get("status"):
                    errors = status.get("errors") or []
                    found.append(
                        {
                            "id": str(status["id"])[:128],
                            "status": str(status["status"])[:20],
                            "timestamp": str(status.get("timestamp") or ""),
                            "error": (errors[0].get("code") if errors and isinstance(errors[0], dict) else None),
                        }
                    )
    return found


@transaction.atomic
def whatsapp_webhook_receive(*, body: bytes) -> OutboxEvent | None:
    """Queue a verified webhook's statuses (one insert); the same body twice is queued once."""
    payload = json.loads(body)
    statuses = _statuses(payload if isinstance(payload, dict) else {})
    if not statuses:
        return None
    return outbox_emit(
        topic=WEBHOOK_TOPIC,
        payload={"statuses": statuses},
        idempotency_key=f"whatsapp-webhook:{hashlib.sha256(body).hexdigest()}",
    )


def _timestamp(value: str) -> datetime:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError):
        return timezone.now()


@transaction.atomic
def whatsapp_statuses_apply(*, statuses: list[dict[str, Any]]) -> int:
    """Apply each (message, status) once, never moving a message backwards. Returns how many changed a message."""
    changed = 0
    for item in statuses:
        status = item["status"]
        _receipt, created = WhatsAppStatusReceipt.objects.get_or_create(
            provider_message_id=item["id"], status=status, defaults={"reported_at": _timestamp(item["timestamp"])}
        )
        if not created:
            continue
        when = _timestamp(item["timestamp"])
        messages = WhatsAppMessage.objects.filter(provider_message_id=item["id"])
        if status in (S.SENT, S.DELIVERED, S.READ):
            stamp = {S.SENT: "sent_at", S.DELIVERED: "delivered_at", S.READ: "read_at"}[status]
            messages.filter(**{f"{stamp}__isnull": True}).update(**{stamp: when})
            lower = [s for s, r in RANK.items() if r < RANK[status]]
            changed += messages.filter(status__in=lower).update(status=status)
        elif status == S.FAILED:
            changed += messages.filter(status__in=[S.PENDING, S.SENT]).update(
                status=S.FAILED,
                failure=WhatsAppMessage.Failure.DELIVERY,
                error_code=str(item.get("error") or ""),
                failed_at=when,
            )
    return changed
