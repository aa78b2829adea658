"""Recipients per B §5.13's rules, delivery once per event, per-user settings, read state, the bell and pages."""

import json
from typing import Any

import pytest

from erp.accounts.models import Branch, User
from erp.notifications import rules, services
from erp.notifications.models import Kind, Notification, NotificationRecipient, NotificationSetting, Priority
from erp.outbox.models import OutboxEvent
from erp.outbox.services import outbox_process

pytestmark = pytest.mark.django_db


ALWAYS = {"root", "sales_manager"}
EXPECTED: dict[str, set[str]] = {
    Kind.CUSTOMER: ALWAYS | {"manager_a", "region_a", "seller_a", "seller_a2"},
    Kind.ORDER: ALWAYS | {"manager_a", "region_a"},
    Kind.INSPECTION: ALWAYS | {"inspections"},
    Kind.INSTALLATION: ALWAYS | {"installations", "factory", "manager_a", "region_a"},
    Kind.FACTORY: ALWAYS | {"factory"},
    Kind.CUTTING: ALWAYS | {"factory"},
    Kind.COMPLAINT: ALWAYS | {"manager_a", "region_a"},
    Kind.STOCK: ALWAYS | {"factory", "warehouse_a"},
    Kind.SYSTEM: ALWAYS,
}


def _names(staff: dict[str, User], ids: list[int]) -> set[str]:
    by_id = {u.pk: name for name, u in staff.items()}
    return {by_id[i] for i in ids}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_recipients_follow_the_rules(kind: str, staff: dict[str, User], branch_a: Branch) -> None:
    ids = rules.recipient_ids(kind=kind, priority=Priority.NORMAL, branch_id=branch_a.pk, actor_id=None)
    assert _names(staff, ids) == EXPECTED[kind]


# Order events reach, besides the branch's managers, the departments that work on the order's type (B §5.13).
ORDER_TYPES: dict[str, set[str]] = {
    "products": set(),
    "inspection": {"inspections"},
    "installation": {"factory", "installations"},
    "tailoring": {"factory"},
    "accessory": {"factory"},
}


@pytest.mark.parametrize("order_type", list(ORDER_TYPES))
def test_order_events_reach_the_departments_of_the_order_type(
    order_type: str, staff: dict[str, User], branch_a: Branch
) -> None:
    ids = rules.recipient_ids(
        kind=Kind.ORDER, priority=Priority.NORMAL, branch_id=branch_a.pk, actor_id=None, order_type=order_type
    )
    assert _names(staff, ids) == EXPECTED[Kind.ORDER] | ORDER_TYPES[order_type]


def test_the_creator_and_named_users_are_added(staff: dict[str, User], branch_a: Branch) -> None:
    ids = rules.recipient_ids(
        kind=Kind.INSPECTION,
        priority=Priority.NORMAL,
        branch_id=branch_a.pk,
        actor_id=staff["seller_b"].pk,
        user_ids=[staff["technician"].pk],
    )
    assert _names(staff, ids) == EXPECTED[Kind.INSPECTION] | {"seller_b", "technician"}


def test_settings_mute_types_and_low_priorities(staff: dict[str, User], branch_a: Branch) -> None:
    NotificationSetting.objects.create(user=staff["factory"], muted_kinds=[Kind.ORDER])
    NotificationSetting.objects.create(user=staff["manager_a"], min_priority=Priority.HIGH)
    everyone = EXPECTED[Kind.ORDER] | ORDER_TYPES["tailoring"]
    assert "factory" in everyone and "manager_a" in everyone

    def names(priority: int) -> set[str]:
        ids = rules.recipient_ids(
            kind=Kind.ORDER, priority=priority, branch_id=branch_a.pk, actor_id=None, order_type="tailoring"
        )
        return _names(staff, ids)

    assert names(Priority.NORMAL) == everyone - {"factory", "manager_a"}
    assert names(Priority.HIGH) == everyone - {"factory"}
    assert names(Priority.URGENT) == everyone - {"factory"}
    # Other types still reach the muted factory manager; the minimum priority applies to every type.
    cut = rules.recipient_ids(kind=Kind.CUTTING, priority=Priority.NORMAL, branch_id=branch_a.pk, actor_id=None)
    assert "factory" in _names(staff, cut)
    complaint = rules.recipient_ids(kind=Kind.COMPLAINT, priority=Priority.NORMAL, branch_id=branch_a.pk, actor_id=None)
    assert "manager_a" not in _names(staff, complaint)


def test_notify_delivers_once_through_the_outbox(
    staff: dict[str, User], branch_a: Branch, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event = services.notify(
            kind=Kind.ORDER,
            priority=Priority.HIGH,
            title="طلب جديد ORD-1",
            link="/orders/1/",
            actor=staff["seller_a"],
            branch=branch_a,
            idempotency_key="order:1:created",
        )
        services.notify(kind=Kind.ORDER, title="again", branch=branch_a, idempotency_key="order:1:created")
    event.refresh_from_db()
    assert event.status == "done"
    note = Notification.objects.get()
    got = set(NotificationRecipient.objects.filter(notification=note).values_list("user_id", flat=True))
    assert _names(staff, sorted(got)) == EXPECTED[Kind.ORDER] | {"seller_a"}
    # A re-delivered task (the event made pending again) writes nothing twice.
    OutboxEvent.objects.filter(pk=event.pk).update(status="pending")
    outbox_process(event_id=event.pk)
    assert Notification.objects.count() == 1
    assert NotificationRecipient.objects.count() == len(got)


def test_unknown_kind_is_refused() -> None:
    from erp.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError):
        services.notify(kind="nonsense", title="x")


def _deliver(users: list[User], title: str = "تنبيه", key: str = "k") -> Notification:
    return services.notification_deliver(
        idempotency_key=key,
        payload={"kind": Kind.SYSTEM, "priority": Priority.NORMAL, "title": title, "user_ids": [u.pk for u in users]},
    )


def test_bell_answers_304_without_a_database_query_when_nothing_changed(
    client: Any, seller_a: User, django_assert_num_queries: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(seller_a)
    with django_capture_on_commit_callbacks(execute=True):
        _deliver([seller_a])
    first = client.get("/notifications/bell/")
    assert first.status_code == 200
    data = json.loads(first.content)
    assert data["unread"] == 1 and data["items"][0]["title"] == "تنبيه"
    etag = first["ETag"]

    with django_assert_num_queries(0):
        unchanged = client.get("/notifications/bell/", HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        _deliver([seller_a], title="ثاني", key="k2")
    changed = client.get("/notifications/bell/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert json.loads(changed.content)["unread"] == 2

    recipient = NotificationRecipient.objects.filter(user=seller_a).order_by("id").first()
    assert recipient is not None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/notifications/{recipient.pk}/read/")
    after_read = client.get("/notifications/bell/", HTTP_IF_NONE_MATCH=changed["ETag"])
    assert after_read.status_code == 200 and json.loads(after_read.content)["unread"] == 1


def test_bell_refuses_anonymous(client: Any) -> None:
    assert client.get("/notifications/bell/").status_code == 401


def test_list_filters_and_mark_all_read(client: Any, seller_a: User, seller_b: User) -> None:
    # Titles no UI string contains (the Arabic menu says "التنبيهات", which contains "تنبيه").
    _deliver([seller_a, seller_b], title="رسالة-النظام-١")
    services.notification_deliver(
        idempotency_key="o",
        payload={"kind": Kind.ORDER, "priority": Priority.URGENT, "title": "طلب-عاجل-٢", "user_ids": [seller_a.pk]},
    )
    client.force_login(seller_a)
    page = client.get("/notifications/?kind=order").content.decode()
    assert "طلب-عاجل-٢" in page and "رسالة-النظام-١" not in page
    assert client.post("/notifications/read-all/").status_code == 302
    assert not NotificationRecipient.objects.filter(user=seller_a, read_at__isnull=True).exists()
    assert NotificationRecipient.objects.filter(user=seller_b, read_at__isnull=True).count() == 1  # others untouched


def test_a_user_cannot_mark_someone_elses_notification(client: Any, seller_a: User, seller_b: User) -> None:
    _deliver([seller_b])
    theirs = NotificationRecipient.objects.get(user=seller_b)
    client.force_login(seller_a)
    client.post(f"/notifications/{theirs.pk}/read/")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_settings_page_saves_choices(client: Any, seller_a: User) -> None:
    client.force_login(seller_a)
    response = client.post("/notifications/settings/", {"muted_kinds": ["stock", "cutting"], "min_priority": "30"})
    assert response.status_code == 302
    setting = NotificationSetting.objects.get(user=seller_a)
    assert setting.muted_kinds == ["cutting", "stock"] and setting.min_priority == 30


def test_pages_need_a_login(client: Any) -> None:
    assert client.get("/notifications/").status_code == 302
    assert client.get("/notifications/settings/").status_code == 302


# ---------------------------------------------------------------------------------------------------------------
# API: /api/v1/notifications/ (the caller's own only)


def _api_note(user: Any, *, n: int = 1, kind: str = "order", priority: int = 20) -> list[int]:
    from erp.notifications.models import Notification, NotificationRecipient

    start = Notification.objects.count()
    notes = Notification.objects.bulk_create(
        Notification(kind=kind, priority=priority, title=f"n{start + i}", idempotency_key=f"api-{start + i}-{kind}")
        for i in range(n)
    )
    rows = NotificationRecipient.objects.bulk_create(
        NotificationRecipient(notification=x, user=user, kind=kind, priority=priority) for x in notes
    )
    return [r.pk for r in rows]


@pytest.mark.django_db
def test_api_lists_only_the_callers_notifications_with_filters(make_user: Any, api_client: Any) -> None:
    me, other = make_user(username="me_api"), make_user(username="other_api")
    mine = _api_note(me, n=2) + _api_note(me, kind="stock", priority=40)
    _api_note(other, n=3)
    api_client.force_authenticate(me)

    body = api_client.get("/api/v1/notifications/").json()
    assert sorted(r["id"] for r in body["results"]) == sorted(mine)
    assert all(r["read"] is False for r in body["results"])

    urgent = api_client.get("/api/v1/notifications/?kind=stock&min_priority=40").json()["results"]
    assert [r["id"] for r in urgent] == [mine[2]]


@pytest.mark.django_db
def test_api_marks_read_its_own_only(make_user: Any, api_client: Any) -> None:
    me, other = make_user(username="me_read"), make_user(username="other_read")
    (mine,) = _api_note(me)
    (theirs,) = _api_note(other)
    api_client.force_authenticate(me)

    assert api_client.post(f"/api/v1/notifications/{theirs}/read/").status_code == 404  # denied: not the caller's
    response = api_client.post(f"/api/v1/notifications/{mine}/read/")  # allowed
    assert response.status_code == 200 and response.json() == {"updated": 1}
    assert api_client.get("/api/v1/notifications/?unread=true").json()["results"] == []

    _api_note(me, n=2, kind="stock")
    _api_note(me, n=1, kind="order")
    assert api_client.post("/api/v1/notifications/read-all/", {"kind": "stock"}, format="json").json() == {"updated": 2}
    unread = api_client.get("/api/v1/notifications/?unread=true").json()["results"]
    assert [r["kind"] for r in unread] == ["order"]
    assert api_client.post("/api/v1/notifications/read-all/", {"kind": "nope"}, format="json").status_code == 400


@pytest.mark.django_db
def test_api_needs_authentication(api_client: Any) -> None:
    assert api_client.get("/api/v1/notifications/").status_code == 401
