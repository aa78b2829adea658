"""Many cutting orders in a handful of queries (for size tests): orders from the orders factory, then their cutting
orders and items in bulk, shaped as the placement receiver makes them."""

from typing import Any

from erp.core.text import normalize_search
from erp.cutting.models import CuttingEvent, CuttingItem, CuttingOrder
from erp.orders.models import Order, OrderItem
from erp.orders.tests import factories


def bulk_cutting(
    shop: factories.Shop, creator: Any, count: int, *, order_type: str = Order.Type.TAILORING
) -> list[CuttingOrder]:
    orders = factories.bulk_orders(shop, creator, count, order_type=order_type)
    cutting_orders = CuttingOrder.objects.bulk_create(
        CuttingOrder(
            code=f"C-{o.number}-1",
            order=o,
            warehouse=shop.warehouse,
            search_text=normalize_search(f"C-{o.number}-1 {o.number} {shop.customer.name}"),
        )
        for o in orders
    )
    by_order = {co.order_id: co for co in cutting_orders}
    CuttingItem.objects.bulk_create(
        CuttingItem(cutting_order=by_order[i.order_id], order_item=i, name=i.name, code=i.code, quantity=i.quantity)
        for i in OrderItem.objects.filter(order__in=orders).order_by("id")
    )
    CuttingEvent.objects.bulk_create(
        CuttingEvent(cutting_order=co, to_status="pending", user=creator) for co in cutting_orders
    )
    return cutting_orders
