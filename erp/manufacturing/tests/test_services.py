"""Factory lifecycle: creation at placement and routing, every transition allowed and refused by role and type,
moves back by the system administrator only, the order's mirror, notifications, fabric receipt, lines."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from erp.accounts.roles import RoleKey
from erp.core.exceptions import InvalidTransition, PermissionDeniedError
from erp.manufacturing import services
from erp.manufacturing.models import FactoryEvent, FactoryItem, FactoryOrder, LineChangeLog
from erp.manufacturing.tests import factories
from erp.orders.models import Order, OrderEvent, OrderHandoff
from erp.orders.tests import factories as order_factories
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db
S = FactoryOrder.Status
OS = Order.Status


def place(shop: Any, actor: Any, order_type: str = Order.Type.TAILORING, **kw: Any) -> Order:
    return order_factories.place(shop, actor, order_type=order_type, **kw)


def factory_of(order: Order) -> FactoryOrder:
    return FactoryOrder.objects.exclude(order_type="modification").get(order=order)


def move(fo: FactoryOrder, user: Any, *steps: str, **kw: Any) -> FactoryOrder:
    for step in steps:
        fo = services.factory_order_transition(factory_order=fo, user=user, to=step, **kw)
    return fo


def test_placement_creates_the_factory_order_awaiting_approval_on_the_best_line(
    shop: Any, manager_a: Any, line_a: Any, branch_a: Any, branch_b: Any
) -> None:
    factories.line(name="خط منخفض", branches=[branch_a], priority=1)
    factories.line(name="خط فرع آخر", branches=[branch_b], priority=99)
    order = place(shop, manager_a)
    fo = factory_of(order)
    assert fo.number == f"{order.number}-M"
    assert (fo.status, fo.order_type, fo.line, fo.branch_id) == (S.PENDING_APPROVAL, "custom", line_a, branch_a.pk)
    assert fo.expected_date == order.expected_delivery_date
    assert OrderHandoff.objects.get(order=order, kind="factory_order_needed").status == "consumed"
    assert FactoryEvent.objects.filter(factory_order=fo, kind="created").exists()
    assert OutboxEvent.objects.filter(idempotency_key=f"notification:factory:{fo.pk}:created").exists()


def test_products_orders_get_no_factory_order(shop: Any, manager_a: Any) -> None:
    order = place(shop, manager_a, Order.Type.PRODUCTS)
    assert not FactoryOrder.objects.filter(order=order).exists()


def test_installation_and_accessory_types(shop: Any, manager_a: Any) -> None:
    inst = place(shop, manager_a, Order.Type.INSTALLATION)
    acc = place(shop, manager_a, Order.Type.ACCESSORY)
    assert factory_of(inst).order_type == "installation"
    assert factory_of(acc).order_type == "accessory"


def test_the_receiver_is_idempotent(shop: Any, manager_a: Any) -> None:
    order = place(shop, manager_a)
    again = services.factory_order_create_for(order=order, actor=manager_a)
    assert again == factory_of(order)
    assert FactoryOrder.objects.filter(order=order).count() == 1


def test_routing_skips_a_full_line_and_falls_back_to_the_least_loaded(branch_a: Any) -> None:
    first = factories.line(name="أول", branches=[branch_a], priority=9, capacity_per_day=1)
    factories.line(name="ثاني", branches=[branch_a], priority=5, capacity_per_day=1)
    factories.line(name="موقوف", branches=[branch_a], priority=50, is_active=False)
    assert services.line_for(branch_id=branch_a.pk, order_type="custom") == first
    first_load = FactoryOrder(line=first)
    assert first_load.line == first
    return_value = services.line_for(branch_id=branch_a.pk, order_type="installation")
    assert return_value == first


def test_routing_considers_the_days_capacity(shop: Any, manager_a: Any, branch_a: Any) -> None:
    first = factories.line(name="أول", branches=[branch_a], priority=9, capacity_per_day=1)
    second = factories.line(name="ثاني", branches=[branch_a], priority=5, capacity_per_day=1)
    assert factory_of(place(shop, manager_a)).line == first
    assert factory_of(place(shop, manager_a)).line == second
    # both full: the least loaded, then the higher priority
    assert factory_of(place(shop, manager_a)).line == first
    assert (
        services.line_for(branch_id=branch_a.pk, order_type="custom", today=timezone.localdate() + timedelta(days=1))
        == first
    )


def test_no_line_serves_the_branch(shop: Any, manager_a: Any) -> None:
    assert factory_of(place(shop, manager_a)).line is None


def test_the_placement_receiver_runs_constant_queries(shop: Any, manager_a: Any, branch_a: Any) -> None:
    factories.line(branches=[branch_a])
    counts = []
    for extra in (1, 20):
        factories.bulk_factory_orders(shop, manager_a, extra)
        factories.line(branches=[branch_a])
        order = order_factories.bulk_orders(shop, manager_a, 1)[0]
        with CaptureQueriesContext(connection) as ctx:
            services.factory_order_create_for(order=order, actor=manager_a)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 12  # savepoints and the outbox row included


def test_tailoring_path_mirrors_the_order(shop: Any, manager_a: Any, boss: Any) -> None:
    order = place(shop, manager_a)
    fo = factory_of(order)
    fo = move(fo, boss, S.PENDING)
    order.refresh_from_db()
    assert order.status == OS.PENDING
    fo = move(fo, boss, S.IN_PROGRESS)
    order.refresh_from_db()
    assert order.status == OS.IN_PROGRESS
    with pytest.raises(InvalidTransition) as refused:
        move(fo, boss, S.READY_INSTALL)
    assert refused.value.extra["to"] == [S.CANCELLED, S.COMPLETED]
    fo = move(fo, boss, S.COMPLETED)
    assert fo.completed_at is not None
    with pytest.raises(ValidationError) as missing:
        move(fo, boss, S.DELIVERED)
    assert set(missing.value.message_dict) == {"permit", "recipient"}
    fo = move(fo, boss, S.DELIVERED, permit="٤٤١", recipient="العميل")
    assert (fo.delivery_permit, fo.delivery_recipient) == ("441", "العميل")
    order.refresh_from_db()
    assert order.status == OS.DELIVERED
    sources = list(OrderEvent.objects.filter(order=order, kind="status").values_list("to_status", "details__source"))
    assert sources == [(s, "manufacturing") for s in (OS.PENDING, OS.IN_PROGRESS, OS.COMPLETED, OS.DELIVERED)]
    assert list(FactoryEvent.objects.filter(factory_order=fo, kind="status").values_list("to_status", flat=True)) == [
        S.PENDING,
        S.IN_PROGRESS,
        S.COMPLETED,
        S.DELIVERED,
    ]


def test_installation_orders_become_ready_never_completed(shop: Any, manager_a: Any, boss: Any) -> None:
    order = place(shop, manager_a, Order.Type.INSTALLATION)
    fo = move(factory_of(order), boss, S.PENDING, S.IN_PROGRESS)
    with pytest.raises(InvalidTransition):
        move(fo, boss, S.COMPLETED)
    fo = move(fo, boss, S.READY_INSTALL)
    order.refresh_from_db()
    assert order.status == OS.READY_INSTALL
    with pytest.raises(InvalidTransition):  # ready: no cancel, no rejection, no delivery here
        move(fo, boss, S.CANCELLED, reason="x")
    with pytest.raises(InvalidTransition):
        move(fo, boss, S.DELIVERED, permit="1", recipient="x")


def test_the_mirror_never_moves_the_order_back(shop: Any, manager_a: Any, boss: Any, admin_user: Any) -> None:
    order = place(shop, manager_a)
    from erp.orders.handoffs import order_advance

    order_advance(order=order, to=OS.IN_PROGRESS, actor=manager_a, source="cutting")
    move(factory_of(order), boss, S.PENDING)
    order.refresh_from_db()
    assert order.status == OS.IN_PROGRESS


@pytest.mark.parametrize(
    ("role", "target"),
    [
        (RoleKey.FACTORY_RECEIVER, S.PENDING),
        (RoleKey.SALESPERSON, S.PENDING),
        (RoleKey.BRANCH_MANAGER, S.REJECTED),
        (RoleKey.INSTALLATION_MANAGER, S.CANCELLED),
        (RoleKey.FACTORY_ACCOUNTANT, S.PENDING),
    ],
)
def test_only_the_factory_manager_approves_rejects_and_cancels(
    shop: Any, manager_a: Any, make_user: Any, branch_a: Any, role: str, target: str
) -> None:
    fo = factory_of(place(shop, manager_a))
    with pytest.raises(PermissionDeniedError):
        move(fo, make_user(role, branch=branch_a), target, reason="r")
    fo.refresh_from_db()
    assert fo.status == S.PENDING_APPROVAL


def test_the_receiver_may_not_start_production(shop: Any, manager_a: Any, boss: Any, receiver: Any) -> None:
    fo = move(factory_of(place(shop, manager_a)), boss, S.PENDING)
    with pytest.raises(PermissionDeniedError):
        move(fo, receiver, S.IN_PROGRESS)


def test_no_move_while_awaiting_approval_but_approve_reject_cancel(shop: Any, manager_a: Any, boss: Any) -> None:
    fo = factory_of(place(shop, manager_a))
    for target in (S.IN_PROGRESS, S.COMPLETED, S.READY_INSTALL, S.DELIVERED):
        with pytest.raises(InvalidTransition) as refused:
            move(fo, boss, target)
        assert refused.value.extra["to"] == [S.CANCELLED, S.PENDING, S.REJECTED]


def test_reject_reply_and_reapprove(shop: Any, manager_a: Any, boss: Any, seller_a: Any) -> None:
    order = place(shop, manager_a)
    fo = factory_of(order)
    with pytest.raises(ValidationError):
        move(fo, boss, S.REJECTED)
    fo = move(fo, boss, S.REJECTED, reason="المقاس غير واضح")
    order.refresh_from_db()
    assert (order.status, order.status_reason) == (OS.REJECTED, "المقاس غير واضح")
    assert fo.rejection_reason == "المقاس غير واضح"
    note = OutboxEvent.objects.get(idempotency_key__startswith=f"notification:factory:{fo.pk}:rejected:")
    assert note.payload["user_ids"] == [manager_a.pk]
    with pytest.raises(PermissionDenied):
        services.factory_order_reply(factory_order=fo, user=boss, reply="x")
    with pytest.raises(ValidationError):
        services.factory_order_reply(factory_order=fo, user=seller_a, reply=" ")
    fo = services.factory_order_reply(factory_order=fo, user=seller_a, reply="العرض 320 سم")
    assert fo.rejection_reply == "العرض 320 سم" and fo.replied_at is not None
    assert FactoryEvent.objects.filter(factory_order=fo, kind="reply").exists()
    fo = move(fo, boss, S.PENDING)
    order.refresh_from_db()
    assert order.status == OS.PENDING
    with pytest.raises(InvalidTransition):  # only a rejected order is answered
        services.factory_order_reply(factory_order=fo, user=seller_a, reply="again")


def test_reject_from_pending_but_not_once_in_production(shop: Any, manager_a: Any, boss: Any) -> None:
    fo = move(factory_of(place(shop, manager_a)), boss, S.PENDING)
    fo = move(fo, boss, S.REJECTED, reason="نقص")
    fo = move(fo, boss, S.PENDING, S.IN_PROGRESS)
    with pytest.raises(InvalidTransition):
        move(fo, boss, S.REJECTED, reason="late")


def test_cancel_needs_a_reason_and_is_refused_once_completed(shop: Any, manager_a: Any, boss: Any) -> None:
    fo = move(factory_of(place(shop, manager_a)), boss, S.PENDING, S.IN_PROGRESS)
    with pytest.raises(ValidationError):
        move(fo, boss, S.CANCELLED)
    other = move(factory_of(place(shop, manager_a)), boss, S.PENDING, S.IN_PROGRESS, S.COMPLETED)
    with pytest.raises(InvalidTransition):
        move(other, boss, S.CANCELLED, reason="x")
    fo = move(fo, boss, S.CANCELLED, reason="العميل ألغى")
    assert fo.status == S.CANCELLED


def test_backwards_only_by_the_system_administrator_with_a_reason(
    shop: Any, manager_a: Any, boss: Any, admin_user: Any
) -> None:
    order = place(shop, manager_a)
    fo = move(factory_of(order), boss, S.PENDING, S.IN_PROGRESS, S.COMPLETED)
    with pytest.raises(InvalidTransition):
        move(fo, boss, S.IN_PROGRESS)
    assert S.IN_PROGRESS not in services.factory_allowed_targets(factory_order=fo, user=boss)
    assert S.IN_PROGRESS in services.factory_allowed_targets(factory_order=fo, user=admin_user)
    with pytest.raises(ValidationError):
        move(fo, admin_user, S.IN_PROGRESS)
    fo = move(fo, admin_user, S.IN_PROGRESS, reason="خطأ في الخياطة")
    assert (fo.status, fo.completed_at) == (S.IN_PROGRESS, None)
    event = FactoryEvent.objects.filter(factory_order=fo).latest("id")
    assert (event.kind, event.from_status, event.to_status) == ("reverted", S.COMPLETED, S.IN_PROGRESS)
    order.refresh_from_db()
    assert order.status == OS.COMPLETED  # the order never moves back


def test_cut_item_hooks_link_and_unlink(shop: Any, manager_a: Any, receiver: Any) -> None:
    from erp.core import hooks

    order = place(shop, manager_a)
    fo = factory_of(order)
    cut = factories.cut_item()
    results = hooks.call(
        "cutting.item_done", order=order, order_item=order.items.first(), cut_item=cut, actor=manager_a
    )
    item = FactoryItem.objects.get(cut_item_id=cut.pk)
    assert item in results
    assert (item.factory_order, item.cut_reference, item.cut_permit, item.meters) == (
        fo,
        "C-0001",
        "P-77",
        Decimal("3.5"),
    )
    hooks.call("cutting.item_done", order=order, order_item=None, cut_item=cut, actor=manager_a)
    assert FactoryItem.objects.filter(cut_item_id=cut.pk).count() == 1
    assert OrderEvent.objects.filter(order=order, kind="handoff", details__handoff="cut_item_to_factory").count() == 1
    assert hooks.call("cutting.item_reversed", order=order, order_item=None, cut_item=cut, actor=manager_a) == [True]
    assert not FactoryItem.objects.filter(cut_item_id=cut.pk).exists()
    # received fabric cannot be reset by cutting
    hooks.call("cutting.item_done", order=order, order_item=None, cut_item=cut, actor=manager_a)
    item = FactoryItem.objects.get(cut_item_id=cut.pk)
    services.factory_fabric_receive(user=receiver, receipts=[(item, "B-1")])
    with pytest.raises(ValidationError):
        hooks.call("cutting.item_reversed", order=order, order_item=None, cut_item=cut, actor=manager_a)
    assert FactoryItem.objects.filter(cut_item_id=cut.pk).exists()


def test_cut_items_of_products_orders_are_ignored(shop: Any, manager_a: Any) -> None:
    order = place(shop, manager_a, Order.Type.PRODUCTS)
    assert (
        services.receive_cut_item_done(order=order, order_item=None, cut_item=factories.cut_item(), actor=None) is None
    )


def test_fabric_receipt_by_item_and_by_cutting_order_then_delivery(
    shop: Any, manager_a: Any, receiver: Any, seller_a: Any, line_a: Any
) -> None:
    order = place(shop, manager_a)
    fo = factory_of(order)
    cuts = [
        factories.cut_item(cut_reference="C-9"),
        factories.cut_item(cut_reference="C-9"),
        factories.cut_item(cut_reference="C-10"),
    ]
    for cut in cuts:
        services.receive_cut_item_done(order=order, order_item=None, cut_item=cut, actor=None)
    with pytest.raises(PermissionDenied):
        services.factory_fabric_receive_reference(user=seller_a, cut_reference="C-9", bag_number="B1")
    with pytest.raises(ValidationError):
        services.factory_fabric_receive_reference(user=receiver, cut_reference="C-9", bag_number="")
    received = services.factory_fabric_receive_reference(user=receiver, cut_reference="C-٩", bag_number="B١")
    assert {i.bag_number for i in received} == {"B1"} and len(received) == 2
    with pytest.raises(ValidationError):
        services.factory_fabric_receive_reference(user=receiver, cut_reference="C-9", bag_number="B2")
    last = FactoryItem.objects.get(cut_reference="C-10")
    with pytest.raises(ValidationError):  # one refused item saves nothing
        services.factory_fabric_receive(user=receiver, receipts=[(last, "B3"), (received[0], "B3")])
    last.refresh_from_db()
    assert last.received_at is None
    assert services.factory_items_deliver(user=receiver, factory_order=fo) == 2
    with pytest.raises(ValidationError):
        services.factory_items_deliver(user=receiver, factory_order=fo)
    with pytest.raises(PermissionDenied):
        services.factory_items_deliver(user=seller_a, factory_order=fo)
    assert FactoryEvent.objects.filter(factory_order=fo, kind__in=("receipt", "delivery")).count() == 2


def test_modification_orders(shop: Any, manager_a: Any, boss: Any, fake_receivers: Any) -> None:
    from erp.core import hooks

    order = place(shop, manager_a, Order.Type.INSTALLATION)
    move(factory_of(order), boss, S.PENDING, S.IN_PROGRESS, S.READY_INSTALL)
    [mod] = hooks.call(
        "manufacturing.modification_requested",
        order=order,
        request_id=41,
        items=[{"name": "تقصير", "meters": "1.5"}, {"name": "تغيير حلقات"}],
        actor=manager_a,
        due_date=None,
    )
    assert (mod.number, mod.status, mod.order_type) == (f"{order.number}-M2", S.PENDING, "modification")
    assert mod.expected_date == timezone.localdate() + timedelta(days=3)
    assert [i.name for i in mod.items.order_by("id")] == ["تقصير", "تغيير حلقات"]
    again = services.receive_modification_requested(order=order, request_id=41, items=[], actor=manager_a)
    assert again == mod
    second = services.receive_modification_requested(order=order, request_id=42, items=[], actor=manager_a)
    assert second.number == f"{order.number}-M3"
    with pytest.raises(InvalidTransition):
        move(mod, boss, S.REJECTED, reason="x")
    mod = move(mod, boss, S.IN_PROGRESS, S.COMPLETED)
    assert fake_receivers["manufacturing.modification_done"] == [{"order": mod.order, "request_id": 41, "actor": boss}]
    order.refresh_from_db()
    assert order.status == OS.READY_INSTALL  # modification orders never move the order
    assert factory_of(order).order_type == "installation"


def test_manual_line_change_is_logged(
    shop: Any, manager_a: Any, boss: Any, receiver: Any, line_a: Any, branch_a: Any
) -> None:
    fo = factory_of(place(shop, manager_a))
    other = factories.line(name="خط ب", branches=[branch_a])
    with pytest.raises(PermissionDenied):
        services.factory_order_change_line(factory_order=fo, user=receiver, line=other)
    fo = services.factory_order_change_line(factory_order=fo, user=boss, line=other, reason="ضغط")
    assert fo.line == other
    log = LineChangeLog.objects.get(factory_order=fo)
    assert (log.from_line, log.to_line, log.reason) == (line_a, other, "ضغط")


def test_production_line_save(boss: Any, receiver: Any, branch_a: Any, branch_b: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.production_line_save(user=receiver, name="x", capacity_per_day=1, priority=1)
    made = services.production_line_save(
        user=boss,
        name="خط ج",
        capacity_per_day=4,
        priority=3,
        routes=[("custom", branch_a.pk), ("installation", branch_b.pk)],
    )
    assert sorted(made.routes.values_list("order_type", "branch_id")) == [
        ("custom", branch_a.pk),
        ("installation", branch_b.pk),
    ]
    services.production_line_save(user=boss, line=made, name="خط ج", capacity_per_day=4, priority=3, routes=[])
    assert not made.routes.exists()
