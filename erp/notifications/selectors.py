"""Reads of a user's notifications, each already in its final shape for the page or the bell."""

from typing import Any

from django.db.models import QuerySet

from erp.notifications.models import NotificationRecipient, NotificationSetting

BELL_LATEST = 6


def recipient_list(*, user: Any, kind: str = "", priority: int | None = None, unread: bool = False) -> QuerySet[Any]:
    qs = NotificationRecipient.objects.filter(user=user).select_related("notification")
    if kind:
        qs = qs.filter(kind=kind)
    if priority:
        qs = qs.filter(priority__gte=priority)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs


def bell_summary(*, user: Any) -> dict[str, Any]:
    """Unread count and the latest items (two queries)."""
    unread = NotificationRecipient.objects.filter(user=user, read_at__isnull=True).count()
    latest = list(recipient_list(user=user).order_by("-id")[:BELL_LATEST])
    return {
        "unread": unread,
        "items": [
            {
                "id": r.pk,
                "kind": r.kind,
                "priority": r.priority,
                "title": r.notification.title,
                "body": r.notification.body[:200],
                "link": r.notification.link,
                "read": r.read_at is not None,
                "created_at": r.notification.created_at.isoformat(),
            }
            for r in latest
        ],
    }


def setting_for(*, user: Any) -> NotificationSetting:
    return NotificationSetting.objects.filter(user=user).first() or NotificationSetting(user=user)
