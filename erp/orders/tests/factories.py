"""Test data for orders: a shop (branch, warehouse, stocked products, customer) and order helpers."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from erp.accounts.models import Branch
from erp.customers.models import Customer
from erp.customers.tests import factories as customer_factories
from erp.inventory import services as inventory
from erp.inventory.models import Product, Variant, Warehouse
from erp.inventory.tests import factories as inventory_factories
from erp.orders import services
from erp.orders.models import Order, Salesperson

_seq = iter(range(1, 10**9))


@dataclass
class Shop:
    branch: Branch
    warehouse: Warehouse
    fabrics: list[Variant]
    accessory: Variant
    service: Variant
    customer: Customer
    salesperson: Salesperson


def shop(*, branch: Branch, fabrics: int = 3, stock: Decimal = Decimal(100)) -> Shop:
    warehouse = inventory_factories.warehouse(branch=branch)
    fabric_variants = []
    for n in range(fabrics):
        product = inventory_factories.product(retail_price=Decimal("100.00") + n, wholesale_price=Decimal("80.00"))
        variant = product.variants.get()
        inventory.stock_receive(
            variant=variant, warehouse=warehouse, quantity=stock, reason="purchase", key=f"open:{variant.pk}"
        )
        fabric_variants.append(variant)
    accessory = inventory_factories.product(
        kind=Product.Kind.ACCESSORY, unit=Product.Unit.PIECE, retail_price=Decimal("35.50")
    ).variants.get()
    inventory.stock_receive(
        variant=accessory, warehouse=warehouse, quantity=stock, reason="purchase", key=f"open:{accessory.pk}"
    )
    service = inventory_factories.product(
        kind=Product.Kind.SERVICE, unit=Product.Unit.SERVICE, retail_price=Decimal("150.00")
    ).variants.get()
    customer = customer_factories.customer(branch=branch)
    salesperson = Salesperson.objects.create(name=f"بائع {next(_seq)}", branch=branch)
    return Shop(branch, warehouse, fabric_variants, accessory, service, customer, salesperson)


def item(variant: Variant, quantity: str = "2", *, warehouse: Warehouse | None = None, **kw: Any) -> services.ItemInput:
    kind = variant.product.kind
    wh = None if kind == Product.Kind.SERVICE else warehouse
    return services.ItemInput(
        variant_id=variant.pk, quantity=Decimal(quantity), warehouse_id=wh.pk if wh else None, **kw
    )


def place(
    s: Shop,
    actor: Any,
    *,
    order_type: str = Order.Type.PRODUCTS,
    items: Sequence[services.ItemInput] | None = None,
    pay: str | None = "full",
    customer: Customer | None = None,
    **kw: Any,
) -> Order:
    """Place an order with sensible defaults: two fabric lines and a full cash payment."""
    if items is None:
        items = [item(s.fabrics[0], "2", warehouse=s.warehouse), item(s.fabrics[1], "1.5", warehouse=s.warehouse)]
    kw.setdefault("invoice_numbers", [f"INV{next(_seq)}"] if order_type != Order.Type.INSPECTION else [])
    if pay == "full":
        total = preview_total(s, items)
        kw.setdefault("payment", services.PaymentInput(amount=total) if total else None)
        kw.setdefault("waive_down_payment", False)
    elif pay is not None:
        kw.setdefault("payment", services.PaymentInput(amount=Decimal(pay)))
    return services.order_place(
        actor=actor,
        customer=customer or s.customer,
        order_type=order_type,
        items=items,
        branch=s.branch,
        salesperson=s.salesperson,
        **kw,
    )


def preview_total(s: Shop, items: Sequence[services.ItemInput]) -> Decimal:
    """The total of retail-priced items without header discounts (for a full payment)."""
    variants = Variant.objects.select_related("product").in_bulk([i.variant_id for i in items])
    lines = [
        services.line_amounts(
            i.quantity,
            i.unit_price if i.unit_price is not None else inventory.variant_price(variants[i.variant_id]),
            i.discount_percent,
        )
        for i in items
    ]
    return services.compute_totals(lines).total


def bulk_orders(s: Shop, creator: Any, count: int, *, order_type: str = Order.Type.TAILORING) -> list[Order]:
    """Many orders (two items, a payment and a timeline row each) in a handful of queries, for size tests."""
    from django.utils import timezone

    from erp.orders.models import OrderEvent, OrderItem, Payment, PaymentAllocation

    today = timezone.localdate()
    start = next(_seq)
    orders = Order.objects.bulk_create(
        Order(
            number=f"{s.customer.code}-B{start}-{n}",
            customer=s.customer,
            branch=s.branch,
            salesperson=s.salesperson,
            created_by=creator,
            order_type=order_type,
            status=Order.Status.PENDING_APPROVAL,
            order_date=today,
            expected_delivery_date=today,
            invoice_numbers=f"BI{start}-{n}",
            subtotal=Decimal("300.00"),
            total=Decimal("300.00"),
            paid=Decimal("150.00"),
            balance=Decimal("150.00"),
            search_text=f"{s.customer.code}-b{start}-{n}".lower(),
        )
        for n in range(count)
    )
    v1, v2 = s.fabrics[0], s.fabrics[1]
    OrderItem.objects.bulk_create(
        OrderItem(
            order=o,
            position=p,
            variant=v,
            warehouse=s.warehouse,
            name="قماش",
            code=v.code,
            quantity=Decimal(1),
            unit_price=Decimal("150.00"),
            gross=Decimal("150.00"),
            discount_amount=Decimal("0.00"),
            net=Decimal("150.00"),
        )
        for o in orders
        for p, v in ((1, v1), (2, v2))
    )
    OrderEvent.objects.bulk_create(
        OrderEvent(order=o, kind=OrderEvent.Kind.CREATED, to_status=o.status, user=creator) for o in orders
    )
    payments = Payment.objects.bulk_create(
        Payment(customer=s.customer, order=o, amount=Decimal("150.00"), payment_date=today, created_by=creator)
        for o in orders
    )
    PaymentAllocation.objects.bulk_create(
        PaymentAllocation(payment=p, order=o, amount=p.amount) for p, o in zip(payments, orders, strict=True)
    )
    return orders
