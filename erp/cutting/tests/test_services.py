"""Cutting services: creation at placement, the item lifecycle, stock exactly once, reversals, hand-offs,
permissions and the order's completion."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from erp.core.exceptions import InsufficientStock, InvalidTransition, PermissionDeniedError
from erp.cutting import services
from erp.cutting.models import CuttingEvent, CuttingItem, CuttingOrder, CuttingStatus
from erp.cutting.services import CutDetails, cut_item_transition, cutting_order_transition
from erp.cutting.tests.helpers import CUT, cutting_of, items_of, tailoring
from erp.inventory.models import StockBalance, StockMovement
from erp.inventory.services import stock_ledger_mismatches
from erp.inventory.tests import factories as inventory_factories
from erp.orders.models import Order, OrderEvent
from erp.orders.tests import factories
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db
S = CuttingStatus
T = Order.Type


def balance(variant: Any, warehouse: Any) -> Decimal:
    return StockBalance.objects.get(variant=variant, warehouse=warehouse).quantity


# ---------------------------------------------------------------------------------------------------------------
# Creation at placement


def test_placement_creates_one_cutting_order_per_warehouse_skipping_services(shop: Any, seller: Any) -> None:
    other = inventory_factories.warehouse(branch=shop.branch)
    from erp.inventory.services import stock_receive

    stock_receive(variant=shop.fabrics[2], warehouse=other, quantity=Decimal(50), reason="purchase", key="o")
    items = [
        factories.item(shop.fabrics[0], "2", warehouse=shop.warehouse),
        factories.item(shop.fabrics[2], "1", warehouse=other),
        factories.item(shop.fabrics[1], "1.5", warehouse=shop.warehouse),
        factories.item(shop.service, "1"),
    ]
    order = factories.place(shop, seller, order_type=T.ACCESSORY, items=items)

    cos = cutting_of(order)
    assert [(co.code, co.warehouse_id, co.status) for co in cos] == [
        (f"C-{order.number}-1", shop.warehouse.pk, S.PENDING),
        (f"C-{order.number}-2", other.pk, S.PENDING),
    ]
    assert [(i.code, i.quantity) for i in cos[0].items.order_by("id")] == [
        (shop.fabrics[0].code, Decimal("2.000")),
        (shop.fabrics[1].code, Decimal("1.500")),
    ]
    assert cos[1].items.count() == 1
    assert CuttingEvent.objects.filter(cutting_order__order=order, to_status=S.PENDING).count() == 2


def test_customer_supplied_fabric_becomes_an_item_without_stock(shop: Any, seller: Any) -> None:
    order = tailoring(shop, seller)
    external = [i for i in items_of(order) if i.is_external]
    assert len(external) == 1
    assert external[0].quantity == Decimal("4.5") and "قماش العميل" in external[0].name
    assert len(items_of(order)) == 3  # two fabric lines and the customer's fabric; the service line skipped


def test_inspection_orders_get_no_cutting(shop: Any, seller: Any) -> None:
    order = factories.place(shop, seller, order_type=T.INSPECTION, items=[factories.item(shop.service, "1")])
    assert not cutting_of(order)


def test_creation_is_idempotent_and_costs_the_same_queries_for_any_number_of_items(shop: Any, seller: Any) -> None:
    small = factories.place(shop, seller, items=[factories.item(shop.fabrics[0], "1", warehouse=shop.warehouse)])
    big = factories.place(
        shop,
        seller,
        items=[factories.item(v, "1", warehouse=shop.warehouse) for v in [*shop.fabrics, shop.accessory]],
    )
    assert services.cutting_orders_create(order=small, actor=seller) == []  # already there: nothing twice
    counts = []
    for order in (small, big):
        CuttingEvent.objects.filter(cutting_order__order=order).delete()
        CuttingItem.objects.filter(cutting_order__order=order).delete()
        CuttingOrder.objects.filter(order=order).delete()
        with CaptureQueriesContext(connection) as ctx:
            services.cutting_orders_create(order=order, actor=seller)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 8
    assert len(items_of(big)) == 4


# ---------------------------------------------------------------------------------------------------------------
# Completion: stock exactly once, hand-offs


def test_completing_a_made_to_measure_item_deducts_stock_once_and_hands_it_to_the_factory(
    shop: Any, seller: Any, keeper: Any, factory_hooks: dict[str, list[dict[str, Any]]]
) -> None:
    order = tailoring(shop, seller)
    item = items_of(order)[0]
    before = balance(shop.fabrics[0], shop.warehouse)

    details = CutDetails(cutter="حسن", permit_number="p-٧٧", receiver="محمود", extra_quantity=Decimal("0.5"))
    cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=details)

    item.refresh_from_db()
    assert item.status == S.COMPLETED
    assert (item.permit_number, item.exit_date, item.cut_by_id) == ("P-77", timezone.localdate(), keeper.pk)
    assert balance(shop.fabrics[0], shop.warehouse) == before - Decimal("3.5")
    movement = StockMovement.objects.get(idempotency_key=f"cut:{item.pk}:production:0")
    assert (movement.reason, movement.quantity) == (StockMovement.Reason.PRODUCTION, Decimal("-3.5"))
    assert [c["cut_item"].pk for c in factory_hooks["cutting.item_done"]] == [item.pk]
    assert factory_hooks["cutting.item_done"][0]["order_item"].pk == item.order_item_id
    assert OrderEvent.objects.filter(order=order, details__handoff="cut_item_done").count() == 1
    assert cutting_of(order)[0].status == S.IN_PROGRESS

    with pytest.raises(InvalidTransition) as refused:  # a second completion is refused: stock moves once
        cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=CUT)
    assert refused.value.extra["to"] == []  # the keeper may not undo a cut
    assert balance(shop.fabrics[0], shop.warehouse) == before - Decimal("3.5")
    assert stock_ledger_mismatches() == []


def test_customer_fabric_completes_without_stock_and_is_handed_off(
    shop: Any, seller: Any, keeper: Any, factory_hooks: dict[str, list[dict[str, Any]]]
) -> None:
    order = tailoring(shop, seller)
    external = next(i for i in items_of(order) if i.is_external)
    movements = StockMovement.objects.count()
    cut_item_transition(item=external, user=keeper, to=S.COMPLETED, details=CUT)
    assert StockMovement.objects.count() == movements
    assert factory_hooks["cutting.item_done"][0]["order_item"] is None


def test_products_orders_move_no_stock_at_cutting_and_complete_when_all_is_cut(
    shop: Any, seller: Any, keeper: Any, factory_hooks: dict[str, list[dict[str, Any]]]
) -> None:
    order = factories.place(shop, seller)  # products: stock left at sale
    after_sale = balance(shop.fabrics[0], shop.warehouse)
    movements = StockMovement.objects.count()
    co = cutting_of(order)[0]

    first, second = items_of(order)
    cut_item_transition(item=first, user=keeper, to=S.COMPLETED, details=CUT)
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING

    cut_item_transition(item=second, user=keeper, to=S.COMPLETED, details=CUT)
    order.refresh_from_db()
    co.refresh_from_db()
    assert co.status == S.COMPLETED and co.completed_at is not None
    assert order.status == Order.Status.COMPLETED
    assert OrderEvent.objects.get(order=order, kind=OrderEvent.Kind.STATUS).details["source"] == "cutting"
    assert StockMovement.objects.count() == movements
    assert balance(shop.fabrics[0], shop.warehouse) == after_sale
    assert factory_hooks["cutting.item_done"] == []  # products orders have no factory
    notice = OutboxEvent.objects.get(idempotency_key=f"notification:cutting:{co.pk}:completed:1")
    assert notice.payload["user_ids"] == [seller.pk] and notice.payload["kind"] == "cutting"


def test_complete_all_uses_one_permit_and_receiver(shop: Any, seller: Any, keeper: Any) -> None:
    order = tailoring(shop, seller)
    co = cutting_of(order)[0]
    cutting_order_transition(cutting_order=co, user=keeper, to=S.IN_PROGRESS)
    co.refresh_from_db()
    assert co.status == S.IN_PROGRESS and co.started_at is not None
    cutting_order_transition(cutting_order=co, user=keeper, to=S.COMPLETED, details=CUT)
    co.refresh_from_db()
    assert co.status == S.COMPLETED
    assert {(i.status, i.permit_number, i.receiver_name) for i in items_of(order)} == {
        (S.COMPLETED, "P-100", "محمود المصنع")
    }
    assert StockMovement.objects.filter(reason=StockMovement.Reason.PRODUCTION, reference=co.code).count() == 2
    with pytest.raises(InvalidTransition):
        cutting_order_transition(cutting_order=co, user=keeper, to=S.COMPLETED, details=CUT)


def test_completion_needs_the_permit_fields_and_a_reason_to_back_date(shop: Any, seller: Any, keeper: Any) -> None:
    item = items_of(tailoring(shop, seller))[0]
    with pytest.raises(ValidationError) as missing:
        cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=CutDetails())
    assert set(missing.value.message_dict) == {"cutter", "permit_number", "receiver"}
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as backdated:
        cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=CutDetails("a", "b", "c", yesterday))
    assert set(backdated.value.message_dict) == {"backdate_reason"}
    with pytest.raises(ValidationError) as future:
        cut_item_transition(
            item=item, user=keeper, to=S.COMPLETED, details=CutDetails("a", "b", "c", yesterday + timedelta(days=3))
        )
    assert set(future.value.message_dict) == {"exit_date"}
    assert not StockMovement.objects.filter(reason=StockMovement.Reason.PRODUCTION).exists()  # nothing half-saved

    cut_item_transition(
        item=item, user=keeper, to=S.COMPLETED, details=CutDetails("a", "b", "c", yesterday, "نسي التسجيل")
    )
    item.refresh_from_db()
    assert (item.exit_date, item.backdate_reason) == (yesterday, "نسي التسجيل")


# ---------------------------------------------------------------------------------------------------------------
# Reversal


def test_reset_and_reject_return_the_stock_once_per_generation(
    shop: Any, seller: Any, keeper: Any, boss: Any, factory_hooks: dict[str, list[dict[str, Any]]]
) -> None:
    order = tailoring(shop, seller)
    item = items_of(order)[0]
    start = balance(shop.fabrics[0], shop.warehouse)
    cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=CUT)

    with pytest.raises(PermissionDeniedError):  # undoing a cut is for managers
        cut_item_transition(item=item, user=keeper, to=S.PENDING, reason="خطأ")
    with pytest.raises(ValidationError):  # and needs a reason
        cut_item_transition(item=item, user=boss, to=S.PENDING)

    cut_item_transition(item=item, user=boss, to=S.PENDING, reason="قياس خاطئ")
    item.refresh_from_db()
    assert (item.status, item.generation, item.permit_number) == (S.PENDING, 1, "")
    assert balance(shop.fabrics[0], shop.warehouse) == start
    assert [c["cut_item"].pk for c in factory_hooks["cutting.item_reversed"]] == [item.pk]

    cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=CUT)  # cut again: a new deduction
    assert balance(shop.fabrics[0], shop.warehouse) == start - 3
    cut_item_transition(item=item, user=boss, to=S.REJECTED, reason="عيب في القماش")
    item.refresh_from_db()
    assert (item.status, item.rejection_reason) == (S.REJECTED, "عيب في القماش")
    assert balance(shop.fabrics[0], shop.warehouse) == start
    keys = set(StockMovement.objects.filter(reference__startswith="C-").values_list("idempotency_key", flat=True))
    assert keys == {f"cut:{item.pk}:{k}" for k in ("production:0", "return:0", "production:1", "return:1")}
    assert cutting_of(order)[0].status == S.REJECTED
    assert stock_ledger_mismatches() == []

    cut_item_transition(item=item, user=keeper, to=S.PENDING, reason="قماش جديد")  # a rejected item comes back
    assert balance(shop.fabrics[0], shop.warehouse) == start  # nothing was taken: nothing returned


def test_rejecting_a_waiting_item_moves_no_stock(shop: Any, seller: Any, keeper: Any) -> None:
    item = items_of(tailoring(shop, seller))[0]
    movements = StockMovement.objects.count()
    with pytest.raises(ValidationError):
        cut_item_transition(item=item, user=keeper, to=S.REJECTED)
    cut_item_transition(item=item, user=keeper, to=S.REJECTED, reason="غير متوفر")
    assert StockMovement.objects.count() == movements
    with pytest.raises(InvalidTransition) as refused:
        cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=CUT)
    assert refused.value.extra["to"] == [S.PENDING]


# ---------------------------------------------------------------------------------------------------------------
# Negative stock: the warehouse decides


def test_negative_stock_only_where_the_warehouse_allows_it(shop: Any, seller: Any, keeper: Any) -> None:
    order = tailoring(shop, seller)
    item = items_of(order)[0]
    from erp.inventory.services import stock_issue

    left = balance(shop.fabrics[0], shop.warehouse) - 1
    stock_issue(variant=shop.fabrics[0], warehouse=shop.warehouse, quantity=left, reason="damage", key="down")

    with pytest.raises(InsufficientStock):
        cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=CUT)
    item.refresh_from_db()
    assert item.status == S.PENDING

    shop.warehouse.allow_negative_for_cutting = True
    shop.warehouse.save(update_fields=["allow_negative_for_cutting"])
    cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=CUT)
    assert balance(shop.fabrics[0], shop.warehouse) == Decimal(-2)
    assert stock_ledger_mismatches() == []


# ---------------------------------------------------------------------------------------------------------------
# Permissions and scoping


def test_only_cutters_of_the_warehouse_may_cut(
    shop: Any, seller: Any, keeper: Any, boss: Any, make_user: Any, branch_a: Any
) -> None:
    from erp.accounts.roles import RoleKey

    order = tailoring(shop, seller)
    first, second, _third = items_of(order)
    stranger = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_a, username="stranger")
    inventory_factories.warehouse(branch=branch_a).staff.add(stranger)
    with pytest.raises(PermissionDeniedError):  # another warehouse's keeper
        cut_item_transition(item=first, user=stranger, to=S.COMPLETED, details=CUT)
    with pytest.raises(PermissionDenied):  # the branch manager sees cutting but does not cut
        cut_item_transition(item=first, user=seller, to=S.COMPLETED, details=CUT)
    cut_item_transition(item=first, user=keeper, to=S.COMPLETED, details=CUT)
    cut_item_transition(item=second, user=boss, to=S.IN_PROGRESS)
    assert services.allowed_targets(status=S.COMPLETED, user=boss) == [S.PENDING, S.REJECTED]
    assert services.allowed_targets(status=S.COMPLETED, user=keeper) == []
    assert services.allowed_targets(status=S.PENDING, user=seller) == []


def test_derived_cutting_order_status() -> None:
    assert services.derive_status([]) == S.PENDING
    assert services.derive_status([S.PENDING, S.PENDING]) == S.PENDING
    assert services.derive_status([S.PENDING, S.COMPLETED]) == S.IN_PROGRESS
    assert services.derive_status([S.COMPLETED, S.COMPLETED]) == S.COMPLETED
    assert services.derive_status([S.COMPLETED, S.REJECTED]) == S.REJECTED
