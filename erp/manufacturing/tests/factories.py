"""Test data for the factory: lines with routes, factory orders (through placement or in bulk), fake cut items."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from erp.accounts.models import Branch
from erp.manufacturing.models import FactoryItem, FactoryOrder, ProductionLine, ProductionLineRoute
from erp.orders.models import Order
from erp.orders.tests import factories as order_factories

_seq = iter(range(1, 10**9))

TYPES = list(FactoryOrder.Type.values)


def line(
    *,
    name: str | None = None,
    branches: Sequence[Branch] = (),
    types: list[str] | None = None,
    **kw: Any,
) -> ProductionLine:
    made = ProductionLine.objects.create(name=name or f"خط {next(_seq)}", **kw)
    ProductionLineRoute.objects.bulk_create(
        ProductionLineRoute(line=made, order_type=t, branch=b) for t in (types or TYPES) for b in branches
    )
    return made


@dataclass
class CutItem:
    """What the cutting module hands over: only its id and a few attributes are read."""

    pk: int
    cut_reference: str = "C-0001"
    permit_number: str = "P-77"
    receiver_name: str = "سيد"
    meters: Decimal = Decimal("3.5")
    name: str = "قماش شيفون"


def cut_item(**kw: Any) -> CutItem:
    return CutItem(pk=kw.pop("pk", 900000 + next(_seq)), **kw)


def bulk_factory_orders(
    shop: Any,
    creator: Any,
    count: int,
    *,
    status: str = FactoryOrder.Status.PENDING_APPROVAL,
    line: Any = None,
    items: int = 0,
    vip: bool = False,
) -> list[FactoryOrder]:
    """Many orders with their factory orders (and `items` received cut items each), in a handful of queries."""
    orders = order_factories.bulk_orders(shop, creator, count, order_type=Order.Type.TAILORING)
    today = timezone.localdate()
    made = FactoryOrder.objects.bulk_create(
        FactoryOrder(
            number=f"{o.number}-M",
            order=o,
            branch=o.branch,
            is_vip=vip,
            order_type=FactoryOrder.Type.CUSTOM,
            status=status,
            line=line,
            expected_date=today,
            created_by=creator,
            search_text=o.number.lower(),
        )
        for o in orders
    )
    if items:
        FactoryItem.objects.bulk_create(
            FactoryItem(
                factory_order=fo,
                cut_item_id=800000000 + next(_seq),
                cut_reference=f"C-{fo.pk}",
                name="قماش",
                meters=Decimal(2),
                bag_number=f"B{fo.pk}-{n}",
                received_at=timezone.now(),
            )
            for fo in made
            for n in range(items)
        )
    return made
