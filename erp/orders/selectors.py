"""Order reads: scoped by `order_scope` (A.3-7) and fetching everything a page or API renders up front."""

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from erp.accounts.scoping import scope_for
from erp.core.filters import apply_filter
from erp.orders.departments import with_departments
from erp.orders.filters import OrderFilter, PaymentFilter, PromoCodeFilter
from erp.orders.models import (
    CurtainRoom,
    Order,
    OrderEvent,
    OrderItem,
    Payment,
    PaymentAllocation,
    PromoCode,
)

SORTS: dict[str, tuple[str, ...]] = {
    "-id": ("-id",),
    "id": ("id",),
    "-order_date": ("-order_date", "-id"),
    "order_date": ("order_date", "id"),
    "-expected_delivery_date": ("-expected_delivery_date", "-id"),
    "expected_delivery_date": ("expected_delivery_date", "id"),
    "-total": ("-total", "-id"),
    "-balance": ("-balance", "-id"),
}


def order_base(*, actor: Any) -> QuerySet[Order]:
    return scope_for(actor, "orders", Order.objects.all())


def order_list(*, actor: Any, filters: Any = None) -> QuerySet[Order]:
    qs = order_base(actor=actor).select_related("customer", "branch", "salesperson")
    return apply_filter(OrderFilter, filters, qs, actor=actor)


def order_get_for_user(*, actor: Any, pk: int) -> Order:
    qs = order_base(actor=actor).select_related(
        "customer", "customer__customer_type", "branch", "salesperson", "created_by", "promo_code"
    )
    order = get_object_or_404(
        with_departments(qs).prefetch_related(
            Prefetch("items", queryset=OrderItem.objects.select_related("warehouse").order_by("position", "id")),
            Prefetch(
                "rooms",
                queryset=CurtainRoom.objects.prefetch_related("fabrics", "accessories").order_by("position", "id"),
            ),
            Prefetch("events", queryset=OrderEvent.objects.select_related("user").order_by("id")),
            Prefetch(
                "allocations",
                queryset=PaymentAllocation.objects.select_related("payment", "payment__created_by").order_by("id"),
            ),
            "handoffs",
        ),
        pk=pk,
    )
    # A fabric's item is one of the order's items, already fetched: link it instead of fetching it again.
    items = {item.pk: item for item in order.items.all()}
    for room in order.rooms.all():
        for fabric in room.fabrics.all():
            if fabric.order_item_id in items:
                fabric.order_item = items[fabric.order_item_id]
    return order


def order_items(*, order: Order) -> QuerySet[OrderItem]:
    return OrderItem.objects.filter(order=order).select_related("warehouse")


def order_events(*, order: Order) -> QuerySet[OrderEvent]:
    return OrderEvent.objects.filter(order=order).select_related("user")


def order_allocations(*, order: Order) -> QuerySet[PaymentAllocation]:
    return PaymentAllocation.objects.filter(order=order).select_related("payment", "payment__created_by")


def payment_list(*, actor: Any, filters: Any = None) -> QuerySet[Payment]:
    """Payments allocated to an order the user may see."""
    visible = PaymentAllocation.objects.filter(payment=OuterRef("pk"), order__in=order_base(actor=actor))
    qs = Payment.objects.filter(Exists(visible)).select_related("customer", "order", "created_by")
    return apply_filter(PaymentFilter, filters, qs, actor=actor)


def payment_get_for_user(*, actor: Any, pk: int) -> Payment:
    return get_object_or_404(
        payment_list(actor=actor).prefetch_related(
            Prefetch("allocations", queryset=PaymentAllocation.objects.select_related("order").order_by("id"))
        ),
        pk=pk,
    )


def promo_list(*, actor: Any, filters: Any = None) -> QuerySet[PromoCode]:
    qs = PromoCode.objects.select_related("issued_by", "order")
    return apply_filter(PromoCodeFilter, filters, qs, actor=actor)


def inspections_for(*, customer_id: int) -> QuerySet[Order]:
    """Completed inspection orders of a customer (to refer to from installation and tailoring orders)."""
    return Order.objects.filter(
        customer_id=customer_id, order_type=Order.Type.INSPECTION, status=Order.Status.COMPLETED
    ).order_by("-id")


def payment_receipt_get(*, actor: Any, pk: int) -> Payment:
    """A payment the user may see (through one of its orders), with what the receipt prints."""
    return get_object_or_404(
        payment_list(actor=actor)
        .select_related("customer__branch", "created_by")
        .prefetch_related(
            Prefetch("allocations", queryset=PaymentAllocation.objects.select_related("order").order_by("id"))
        ),
        pk=pk,
    )
