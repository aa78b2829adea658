"""The order cancelled (``order.cancelled``): the factory cancels its open factory orders (awaiting approval,
waiting, in production, rejected) with its timeline, a notification and one order-timeline row; a ready, completed
or delivered factory order refuses the cancellation (B §4.7-4), with its reason, and nothing is saved."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from erp.core import hooks
from erp.manufacturing import services
from erp.manufacturing.models import FactoryEvent, FactoryOrder
from erp.orders.models import Order, OrderEvent
from erp.orders.tests import factories as order_factories
from erp.orders.transitions import order_transition
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db
S = FactoryOrder.Status
OS = Order.Status


@pytest.fixture(autouse=True)
def _only_the_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(hooks._HOOKS, "order.cancelled", [services.receive_order_cancelled])


def factory_of(order: Order) -> FactoryOrder:
    return FactoryOrder.objects.exclude(order_type="modification").get(order=order)


def move(fo: FactoryOrder, user: Any, *steps: str, **kw: Any) -> FactoryOrder:
    for step in steps:
        fo = services.factory_order_transition(factory_order=fo, user=user, to=step, **kw)
    return fo


def factory_rows(order: Order) -> list[OrderEvent]:
    return list(OrderEvent.objects.filter(order=order, details__handoff="factory_cancelled"))


@pytest.mark.parametrize(
    ("steps", "reason"),
    [
        ((), ""),
        ((S.PENDING,), ""),
        ((S.PENDING, S.IN_PROGRESS), ""),
        ((S.REJECTED,), "المقاسات ناقصة"),
    ],
    ids=["pending_approval", "pending", "in_progress", "rejected"],
)
def test_an_open_factory_order_is_cancelled_with_the_order(
    shop: Any, manager_a: Any, boss: Any, steps: tuple[str, ...], reason: str
) -> None:
    order = order_factories.place(shop, manager_a, order_type=Order.Type.TAILORING)
    fo = move(factory_of(order), boss, *steps, reason=reason)
    current = fo.status

    order_transition(order=order, user=manager_a, to=OS.CANCELLED, reason="العميل ألغى")

    fo.refresh_from_db()
    assert (fo.status, fo.status_reason) == (S.CANCELLED, "العميل ألغى")
    event = FactoryEvent.objects.filter(factory_order=fo).latest("id")
    assert (event.kind, event.from_status, event.to_status, event.details) == (
        "status",
        current,
        S.CANCELLED,
        {"order_cancelled": True},
    )
    [row] = factory_rows(order)
    assert row.details["factory_orders"] == [fo.number] and row.user == manager_a
    notice = OutboxEvent.objects.get(idempotency_key=f"notification:factory:{fo.pk}:cancelled")
    assert notice.payload["event"] == "factory_order_cancelled" and order.created_by_id in notice.payload["user_ids"]
    assert Order.objects.get(pk=order.pk).status == OS.CANCELLED


def test_a_ready_factory_order_refuses_and_nothing_is_saved(shop: Any, manager_a: Any, boss: Any) -> None:
    order = order_factories.place(shop, manager_a, order_type=Order.Type.INSTALLATION)
    fo = move(factory_of(order), boss, S.PENDING, S.IN_PROGRESS, S.READY_INSTALL)
    order.refresh_from_db()
    assert order.status == OS.READY_INSTALL  # the order's own rules would allow the cancellation
    events = OrderEvent.objects.filter(order=order).count()

    with pytest.raises(ValidationError) as refused:
        order_transition(order=order, user=manager_a, to=OS.CANCELLED, reason="العميل ألغى")

    assert fo.number in " ".join(refused.value.messages)
    order.refresh_from_db()
    assert order.status == OS.READY_INSTALL
    assert OrderEvent.objects.filter(order=order).count() == events
    assert factory_of(order).status == S.READY_INSTALL


@pytest.mark.parametrize("finished", [S.COMPLETED, S.DELIVERED])
def test_a_completed_or_delivered_factory_order_refuses(shop: Any, manager_a: Any, boss: Any, finished: str) -> None:
    order = order_factories.place(shop, manager_a, order_type=Order.Type.TAILORING)
    steps = [S.PENDING, S.IN_PROGRESS, S.COMPLETED] + ([S.DELIVERED] if finished == S.DELIVERED else [])
    move(factory_of(order), boss, *steps, permit="DP-1", recipient="العميل")
    with pytest.raises(ValidationError):
        services.receive_order_cancelled(order=order, actor=manager_a, reason="x")
    assert factory_of(order).status == finished
    assert factory_rows(order) == []


def test_an_open_re_work_order_is_cancelled_too_when_the_main_one_is_open(shop: Any, manager_a: Any, boss: Any) -> None:
    order = order_factories.place(shop, manager_a, order_type=Order.Type.INSTALLATION)
    mod = services.receive_modification_requested(order=order, request_id=7, items=[], actor=manager_a)
    assert mod is not None
    cancelled = services.receive_order_cancelled(order=order, actor=manager_a, reason="x")
    assert {fo.pk for fo in cancelled} == {mod.pk, factory_of(order).pk}
    assert set(FactoryOrder.objects.filter(order=order).values_list("status", flat=True)) == {S.CANCELLED}
    assert len(factory_rows(order)) == 1


def test_a_cancelled_factory_order_is_left_alone(shop: Any, manager_a: Any, boss: Any) -> None:
    order = order_factories.place(shop, manager_a, order_type=Order.Type.TAILORING)
    move(factory_of(order), boss, S.CANCELLED, reason="خطأ")
    assert services.receive_order_cancelled(order=order, actor=manager_a, reason="x") == []
    assert factory_rows(order) == []
