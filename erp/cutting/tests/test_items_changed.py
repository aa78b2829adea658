"""An order's items edited after placement (``orders.items_changed``): the cutting hand-off is re-evaluated. New
stocked lines get cut items in their warehouse's cutting order (created when missing), removed lines' uncut items
go, resized ones follow; a line already started or cut refuses the whole edit, nothing saved."""

from decimal import Decimal
from typing import Any

import pytest

from erp.core.exceptions import ConflictError
from erp.cutting.models import CuttingEvent, CuttingItem, CuttingStatus
from erp.cutting.services import cut_item_transition
from erp.cutting.tests.helpers import CUT, cutting_of, items_of
from erp.inventory.models import StockBalance
from erp.inventory.services import stock_ledger_mismatches, stock_receive
from erp.inventory.tests import factories as inventory_factories
from erp.orders import services
from erp.orders.models import Order, OrderEvent
from erp.orders.services import ItemEdit
from erp.orders.tests import factories
from erp.orders.tests.test_entry_items import edits

pytestmark = pytest.mark.django_db
S = CuttingStatus
T = Order.Type


def accessory(shop: Any, seller: Any) -> Order:
    """A made-to-measure order without curtain lines (its rows can be removed freely), two fabric lines."""
    items = [
        factories.item(shop.fabrics[0], "3", warehouse=shop.warehouse),
        factories.item(shop.fabrics[1], "2", warehouse=shop.warehouse),
    ]
    return factories.place(shop, seller, order_type=T.ACCESSORY, items=items, pay=None, waive_down_payment=True)


def rows(order: Order) -> list[OrderEvent]:
    return list(OrderEvent.objects.filter(order=order, details__handoff="cutting_items_changed"))


def test_added_resized_and_removed_lines_follow_into_the_cutting_order(shop: Any, seller: Any) -> None:
    order = accessory(shop, seller)
    first, second = items_of(order)
    new = edits(order)
    new[0] = ItemEdit(**{**new[0].__dict__, "quantity": Decimal(5)})
    del new[1]
    new.append(ItemEdit(variant_id=shop.fabrics[2].pk, quantity=Decimal("1.5"), warehouse_id=shop.warehouse.pk))

    services.order_update_items(actor=seller, order=order, items=new, reason="تعديل")

    [co] = cutting_of(order)
    assert [(i.code, i.quantity, i.status) for i in co.items.order_by("id")] == [
        (shop.fabrics[0].code, Decimal(5), S.PENDING),
        (shop.fabrics[2].code, Decimal("1.5"), S.PENDING),
    ]
    assert not CuttingItem.objects.filter(pk=second.pk).exists()
    [row] = rows(order)
    assert row.details["added"] == [shop.fabrics[2].code]
    assert row.details["removed"] == [shop.fabrics[1].code]
    assert row.details["changed"] == [shop.fabrics[0].code]
    events = CuttingEvent.objects.filter(cutting_order=co)
    assert events.filter(details__removed__isnull=False).count() == 1
    assert events.filter(item=first, details__quantity=["3.000", "5"]).count() == 1
    assert co.status == S.PENDING


def test_a_new_warehouse_gets_its_own_cutting_order(shop: Any, seller: Any) -> None:
    other = inventory_factories.warehouse(branch=shop.branch)
    stock_receive(variant=shop.fabrics[2], warehouse=other, quantity=Decimal(50), reason="purchase", key="w2")
    order = accessory(shop, seller)
    new = [*edits(order), ItemEdit(variant_id=shop.fabrics[2].pk, quantity=Decimal(2), warehouse_id=other.pk)]

    services.order_update_items(actor=seller, order=order, items=new)

    cos = cutting_of(order)
    assert [(co.code, co.warehouse_id) for co in cos] == [
        (f"C-{order.number}-1", shop.warehouse.pk),
        (f"C-{order.number}-2", other.pk),
    ]
    assert [i.code for i in cos[1].items.all()] == [shop.fabrics[2].code]
    assert rows(order)[0].details["created"] == [f"C-{order.number}-2"]


def test_an_order_cutting_never_took_is_taken_when_a_stocked_line_is_added(shop: Any, seller: Any) -> None:
    order = factories.place(
        shop,
        seller,
        order_type=T.ACCESSORY,
        items=[factories.item(shop.service, "1")],
        pay=None,
        waive_down_payment=True,
    )
    assert cutting_of(order) == []
    new = [*edits(order), ItemEdit(variant_id=shop.fabrics[0].pk, quantity=Decimal(2), warehouse_id=shop.warehouse.pk)]

    services.order_update_items(actor=seller, order=order, items=new)

    assert [i.code for i in items_of(order)] == [shop.fabrics[0].code]
    assert rows(order)[0].details["created"] == [f"C-{order.number}-1"]


def test_a_line_already_cut_refuses_the_edit_and_nothing_is_saved(shop: Any, seller: Any, keeper: Any) -> None:
    order = accessory(shop, seller)
    first, _second = items_of(order)
    cut_item_transition(item=first, user=keeper, to=S.COMPLETED, details=CUT)
    total = Order.objects.get(pk=order.pk).total

    for change in ("resize", "remove"):
        new = edits(order)
        if change == "resize":
            new[0] = ItemEdit(**{**new[0].__dict__, "quantity": Decimal(4)})
        else:
            del new[0]
        with pytest.raises(ConflictError) as refused:
            services.order_update_items(actor=seller, order=order, items=new)
        assert shop.fabrics[0].code in str(refused.value.message)

    assert Order.objects.get(pk=order.pk).total == total
    assert [(i.quantity, i.status) for i in items_of(order)] == [(Decimal(3), S.COMPLETED), (Decimal(2), S.PENDING)]
    assert order.items.count() == 2 and rows(order) == []


def test_a_started_line_refuses_but_an_untouched_cut_line_does_not(shop: Any, seller: Any, keeper: Any) -> None:
    order = accessory(shop, seller)
    first, second = items_of(order)
    cut_item_transition(item=first, user=keeper, to=S.COMPLETED, details=CUT)
    cut_item_transition(item=second, user=keeper, to=S.IN_PROGRESS)
    new = edits(order)
    new[1] = ItemEdit(**{**new[1].__dict__, "quantity": Decimal(1)})
    with pytest.raises(ConflictError):
        services.order_update_items(actor=seller, order=order, items=new)

    # A new line, with the cut line left as it is, is fine.
    new = [*edits(order), ItemEdit(variant_id=shop.fabrics[2].pk, quantity=Decimal(1), warehouse_id=shop.warehouse.pk)]
    services.order_update_items(actor=seller, order=order, items=new)
    [co] = cutting_of(order)
    assert co.items.count() == 3 and co.status == S.IN_PROGRESS


def test_removing_the_last_uncut_line_of_a_products_order_completes_it(shop: Any, seller: Any, keeper: Any) -> None:
    before = StockBalance.objects.get(variant=shop.fabrics[1], warehouse=shop.warehouse).quantity
    order = factories.place(shop, seller, pay=None, waive_down_payment=True)
    first, _second = items_of(order)
    cut_item_transition(item=first, user=keeper, to=S.COMPLETED, details=CUT)

    order = services.order_update_items(actor=seller, order=order, items=edits(order)[:1])

    assert order.status == Order.Status.COMPLETED
    assert Order.objects.get(pk=order.pk).status == Order.Status.COMPLETED
    [co] = cutting_of(order)
    assert co.status == S.COMPLETED
    # the removed line's sale stock came back once (orders), cutting moved none
    assert StockBalance.objects.get(variant=shop.fabrics[1], warehouse=shop.warehouse).quantity == before
    assert stock_ledger_mismatches() == []


def test_removing_every_line_of_a_warehouse_cancels_its_empty_cutting_order(shop: Any, seller: Any) -> None:
    other = inventory_factories.warehouse(branch=shop.branch)
    stock_receive(variant=shop.fabrics[2], warehouse=other, quantity=Decimal(50), reason="purchase", key="w3")
    items = [
        factories.item(shop.fabrics[0], "3", warehouse=shop.warehouse),
        factories.item(shop.fabrics[2], "2", warehouse=other),
    ]
    order = factories.place(shop, seller, order_type=T.ACCESSORY, items=items, pay=None, waive_down_payment=True)

    services.order_update_items(actor=seller, order=order, items=edits(order)[:1])

    assert [(co.warehouse_id, co.status) for co in cutting_of(order)] == [
        (shop.warehouse.pk, S.PENDING),
        (other.pk, S.CANCELLED),
    ]
