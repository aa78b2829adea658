"""Notifications: `notify()` is the entry point for every module; delivery happens in the outbox task.

`notify()` only writes an outbox event in the caller's transaction. The handler (handlers.py) computes the
recipients once, writes one Notification and one row per recipient (keyed, so a re-delivered task writes nothing
twice), and bumps each recipient's version counter so their bell answers 200 once and 304 again afterwards.
"""

import time
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from erp.core.exceptions import ApplicationError
from erp.notifications import rules
from erp.notifications.models import Kind, Notification, NotificationRecipient, NotificationSetting, Priority
from erp.outbox.models import OutboxEvent
from erp.outbox.services import outbox_emit

TOPIC = "notifications.deliver"
VERSION_TIMEOUT = 60 * 60 * 24 * 7


def _version_key(user_id: int) -> str:
    return f"notif:v:{user_id}"


def notification_version(user_id: int) -> int | None:
    """The user's notification version (Redis only, no database). None when the cache is unavailable."""
    value = cache.get(_version_key(user_id))
    if value is None:
        # A fresh start value (not 1): after a cache flush an old ETag must not match by accident.
        cache.add(_version_key(user_id), int(time.time() * 1000), timeout=VERSION_TIMEOUT)
        value = cache.get(_version_key(user_id))
    return int(value) if value is not None else None


def notification_versions_bump(*, user_ids: Iterable[int]) -> None:
    for user_id in user_ids:
        try:
            cache.incr(_version_key(user_id))
        except ValueError:  # no counter yet: any fresh value differs from every ETag handed out
            cache.set(_version_key(user_id), int(time.time() * 1000), timeout=VERSION_TIMEOUT)


def notify(
    *,
    kind: str,
    title: str,
    priority: int = Priority.NORMAL,
    body: str = "",
    link: str = "",
    actor: Any = None,
    branch: Any = None,
    users: Iterable[Any] = (),
    event: str = "",
    extra: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> OutboxEvent:
    """Queue a notification (in the caller's transaction). Recipients follow rules.py for `kind` plus `users`.

    Pass a stable `idempotency_key` (e.g. f"order:{order.pk}:created") so that a repeated call notifies once.
    """
    if kind not in Kind.values:
        raise ApplicationError(f"unknown notification kind {kind!r}", code="invalid_kind")
    key = idempotency_key or f"notify:{uuid.uuid4().hex}"
    payload = {
        "kind": kind,
        "event": event,
        "priority": int(priority),
        "title": str(title)[:200],
        "body": str(body),
        "link": link,
        "actor_id": getattr(actor, "pk", actor),
        "branch_id": getattr(branch, "pk", branch),
        "user_ids": sorted({int(getattr(u, "pk", u)) for u in users}),
        "extra": extra or {},
    }
    return outbox_emit(topic=TOPIC, payload=payload, idempotency_key=f"notification:{key}")


@transaction.atomic
def notification_deliver(*, idempotency_key: str, payload: dict[str, Any]) -> Notification:
    """Write the notification and its recipients once (the outbox handler calls this)."""
    notification, created = Notification.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "kind": payload["kind"],
            "event": payload.get("event", ""),
            "priority": payload["priority"],
            "title": payload["title"],
            "body": payload.get("body", ""),
            "link": payload.get("link", ""),
            "actor_id": payload.get("actor_id"),
            "branch_id": payload.get("branch_id"),
            "extra": payload.get("extra") or {},
        },
    )
    if not created:
        return notification
    ids = rules.recipient_ids(
        kind=notification.kind,
        priority=notification.priority,
        branch_id=notification.branch_id,
        actor_id=notification.actor_id,
        user_ids=payload.get("user_ids") or (),
        order_type=str((payload.get("extra") or {}).get("order_type") or ""),
    )
    NotificationRecipient.objects.bulk_create(
        [
            NotificationRecipient(
                notification=notification, user_id=uid, kind=notification.kind, priority=notification.priority
            )
            for uid in ids
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    transaction.on_commit(lambda: notification_versions_bump(user_ids=ids))
    return notification


@transaction.atomic
def notification_mark_read(*, user: Any, recipient_id: int) -> int:
    updated = NotificationRecipient.objects.filter(pk=recipient_id, user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if updated:
        transaction.on_commit(lambda: notification_versions_bump(user_ids=[user.pk]))
    return updated


@transaction.atomic
def notification_mark_all_read(*, user: Any, kind: str = "") -> int:
    condition = Q(user=user, read_at__isnull=True)
    if kind:
        condition &= Q(kind=kind)
    updated = NotificationRecipient.objects.filter(condition).update(read_at=timezone.now())
    if updated:
        transaction.on_commit(lambda: notification_versions_bump(user_ids=[user.pk]))
    return updated


@transaction.atomic
def notification_settings_update(*, user: Any, muted_kinds: list[str], min_priority: int) -> NotificationSetting:
    setting, _ = NotificationSetting.objects.get_or_create(user=user)
    setting.muted_kinds = sorted({k for k in muted_kinds if k in Kind.values})
    setting.min_priority = int(min_priority)
    setting.full_clean()
    setting.save()
    return setting
