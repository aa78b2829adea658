"""How to open every notifications URL for the query budget (see erp/core/testing/urlbudget.py)."""

from typing import Any

from erp.accounts.roles import RoleKey
from erp.core.testing.urlbudget import SUPERUSER, UrlSpec, World
from erp.notifications.models import Kind, Notification, NotificationRecipient, Priority

READERS = (SUPERUSER, RoleKey.SALESPERSON.value, RoleKey.BRANCH_MANAGER.value, RoleKey.USER.value)


def grow(world: World, n: int) -> None:
    start = Notification.objects.count()
    notes = Notification.objects.bulk_create(
        Notification(
            kind=Kind.ORDER,
            priority=Priority.HIGH,
            title=f"طلب جديد {start + i}",
            body="تفاصيل",
            link="/",
            idempotency_key=f"spec-{start + i}",
            branch=world.branch_a,
        )
        for i in range(n)
    )
    NotificationRecipient.objects.bulk_create(
        NotificationRecipient(notification=note, user=user, kind=note.kind, priority=note.priority)
        for note in notes
        for key, user in world.users.items()
        if key in READERS
    )


def a_recipient(world: World) -> dict[str, Any]:
    if "recipient" not in world.extra:
        grow(world, 1)
        world.extra["recipient"] = NotificationRecipient.objects.order_by("id").first()
    return {"pk": world.extra["recipient"].pk}


SPECS = [
    UrlSpec("notifications:list", READERS, grow),
    UrlSpec("notifications:list", READERS, grow, query="kind=order&priority=30&state=unread"),
    UrlSpec("notifications:bell", READERS, grow),
    UrlSpec("notifications:read", READERS, grow, kwargs=a_recipient, method="post", status=302),
    UrlSpec("notifications:read_all", READERS, grow, method="post", status=302),
    UrlSpec("notifications:settings", READERS, grow),
    UrlSpec(
        "notifications:settings",
        READERS,
        grow,
        method="post",
        data=lambda w: {"muted_kinds": ["stock"], "min_priority": "20"},
        status=302,
    ),
]


def recipient_of(role: str) -> Any:
    """The pk of one of `role`'s own notifications (the API answers 404 for anyone else's)."""

    def kwargs(world: World) -> dict[str, Any]:
        if not NotificationRecipient.objects.filter(user=world.users[role]).exists():
            grow(world, 1)
        return {"pk": NotificationRecipient.objects.filter(user=world.users[role]).order_by("id").first().pk}  # type: ignore[union-attr]

    return kwargs


SPECS += [
    UrlSpec("api-notifications:notification-list", READERS, grow, api=True, query="page_size=100"),
    UrlSpec(
        "api-notifications:notification-list", READERS, grow, api=True, query="kind=order&min_priority=30&unread=true"
    ),
    *(
        UrlSpec(
            "api-notifications:notification-read", (role,), grow, kwargs=recipient_of(role), method="post", api=True
        )
        for role in READERS
    ),
    UrlSpec(
        "api-notifications:notification-read-all",
        READERS,
        grow,
        method="post",
        api=True,
        data=lambda w: {"kind": "order"},
    ),
]
