"""Notification lists, as the page, the bell and the API run them, for the query-plan check
(erp/core/queryplans.py).

The notifications page reads keyset pages of 30 + 1 of the user's own copies by -id (filters: kind, priority,
read state); the API reads cursor pages of PAGE_SIZE + 1 by -id (kind, min_priority, unread); the bell counts the
unread ones and shows the latest few. Every user sees only their own notifications.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from erp.accounts.roles import RoleKey
from erp.core.filters import apply_filter
from erp.core.paging import PAGE_SIZE
from erp.core.queryplans import PlanCheck
from erp.notifications import selectors
from erp.notifications.filters import RecipientFilter
from erp.notifications.models import Kind, NotificationRecipient, Priority

PAGE = 30  # views.notification_list

Filters = dict[str, str]


def _page(filters: Filters) -> Callable[[Any], QuerySet[NotificationRecipient]]:
    def build(actor: Any) -> QuerySet[NotificationRecipient]:
        rows = apply_filter(RecipientFilter, filters, selectors.recipient_list(user=actor), actor=actor)
        return rows.order_by("-id")[: PAGE + 1]

    return build


def _api(**options: Any) -> Callable[[Any], QuerySet[NotificationRecipient]]:
    return lambda actor: selectors.recipient_list(user=actor, **options).order_by("-id")[: PAGE_SIZE + 1]


def _bell_latest(actor: Any) -> QuerySet[NotificationRecipient]:
    return selectors.recipient_list(user=actor).order_by("-id")[: selectors.BELL_LATEST]


def _bell_unread(actor: Any) -> QuerySet[NotificationRecipient]:
    """The bell's unread count reads these rows (COUNT(*) over the user's unread copies)."""
    return NotificationRecipient.objects.filter(user=actor, read_at__isnull=True)


PAGE_FILTERS: dict[str, Filters] = {
    "no filter": {},
    "kind": {"kind": Kind.ORDER.value},
    "priority": {"priority": str(Priority.HIGH.value)},
    "unread": {"state": "unread"},
    "read": {"state": "read"},
    "kind + unread": {"kind": Kind.ORDER.value, "state": "unread"},
}

CHECKS: list[PlanCheck] = [
    *(
        PlanCheck(f"notifications page: {label}, ordering=-id ({role.value})", _page(f), actor=role)
        for label, f in PAGE_FILTERS.items()
        for role in (RoleKey.SALES_MANAGER, RoleKey.SALESPERSON)
    ),
    PlanCheck("notifications API: no filter", _api(), actor=RoleKey.SALES_MANAGER),
    PlanCheck("notifications API: kind + min_priority", _api(kind=Kind.ORDER.value, priority=Priority.HIGH.value)),
    PlanCheck("notifications API: unread", _api(unread=True), actor=RoleKey.SALES_MANAGER),
    PlanCheck("bell: latest", _bell_latest, actor=RoleKey.SALES_MANAGER),
    PlanCheck("bell: unread count", _bell_unread, actor=RoleKey.SALES_MANAGER),
]
