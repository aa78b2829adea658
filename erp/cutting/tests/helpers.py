"""Test helpers: placing orders whose cutting orders the receiver creates, and completion details."""

from decimal import Decimal
from typing import Any

from erp.cutting.models import CuttingItem, CuttingOrder
from erp.cutting.services import CutDetails
from erp.orders import services as order_services
from erp.orders.models import Order
from erp.orders.tests import factories

CUT = CutDetails(cutter="حسن القصاص", permit_number="P-100", receiver="محمود المصنع")


def tailoring(shop: factories.Shop, actor: Any, *, customer_fabric: bool = True, **kw: Any) -> Order:
    """A tailoring order: two fabric lines and a service line, and (optionally) a customer-supplied fabric."""
    items = [
        factories.item(shop.fabrics[0], "3", warehouse=shop.warehouse),
        factories.item(shop.fabrics[1], "2", warehouse=shop.warehouse),
        factories.item(shop.service, "1"),
    ]
    fabrics = [order_services.FabricInput("light", Decimal("3"), item_index=0)]
    if customer_fabric:
        fabrics.append(order_services.FabricInput("heavy", Decimal("4.5"), customer_supplied="قماش العميل"))
    rooms = [order_services.RoomInput("الصالة", Decimal(300), Decimal(260), fabrics=fabrics)]
    return factories.place(shop, actor, order_type=Order.Type.TAILORING, items=items, rooms=rooms, **kw)


def items_of(order: Order) -> list[CuttingItem]:
    return list(CuttingItem.objects.filter(cutting_order__order=order).order_by("id"))


def cutting_of(order: Order) -> list[CuttingOrder]:
    return list(CuttingOrder.objects.filter(order=order).order_by("id"))
