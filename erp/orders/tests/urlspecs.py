"""How to open every orders URL for the query budget (see erp/core/testing/urlbudget.py)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from erp.accounts.roles import RoleKey
from erp.core.testing.urlbudget import SUPERUSER, UrlSpec, World
from erp.orders.tests import factories

SELLER = RoleKey.SALESPERSON.value
VIEWERS = (SUPERUSER, RoleKey.SALES_MANAGER.value, RoleKey.BRANCH_MANAGER.value, SELLER, RoleKey.FACTORY_MANAGER.value)
PROMO = (SUPERUSER, RoleKey.SALES_MANAGER.value)


def shop(world: World) -> factories.Shop:
    if "shop" not in world.extra:
        world.extra["shop"] = factories.shop(branch=world.branch_a, fabrics=2)
    return world.extra["shop"]  # type: ignore[no-any-return]


def grow(world: World, n: int) -> None:
    factories.bulk_orders(shop(world), world.users[SELLER], n)


def an_order(world: World) -> dict[str, int]:
    if "order" not in world.extra:
        world.extra["order"] = factories.bulk_orders(shop(world), world.users[SELLER], 1)[0]
    return {"pk": world.extra["order"].pk}


def grow_one_order(world: World, n: int) -> None:
    """Grow what an order's detail renders: more items, payments and timeline rows on the same order."""
    from django.utils import timezone

    from erp.orders.models import Order, OrderEvent, OrderItem, Payment, PaymentAllocation

    an_order(world)
    order: Order = world.extra["order"]
    s = shop(world)
    user = world.users[SELLER]
    start = OrderItem.objects.filter(order=order).count()
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            position=start + i + 1,
            variant=s.accessory,
            warehouse=s.warehouse,
            kind="accessory",
            name="اكسسوار",
            code=s.accessory.code,
            quantity=Decimal(1),
            unit_price=Decimal(0),
            gross=Decimal(0),
            discount_amount=Decimal(0),
            net=Decimal(0),
        )
        for i in range(n)
    )
    OrderEvent.objects.bulk_create(OrderEvent(order=order, kind="edit", user=user) for _ in range(n))
    for _ in range(n):
        payment = Payment.objects.create(
            customer=order.customer, order=order, amount=Decimal(1), payment_date=timezone.localdate(), created_by=user
        )
        refund = Payment.objects.create(
            customer=order.customer, order=order, amount=Decimal(-1), payment_date=timezone.localdate(), created_by=user
        )
        PaymentAllocation.objects.bulk_create(
            [
                PaymentAllocation(payment=payment, order=order, amount=1),
                PaymentAllocation(payment=refund, order=order, amount=-1),
            ]
        )


def grow_promos(world: World, n: int) -> None:
    from django.utils import timezone

    from erp.orders.models import PromoCode

    start = PromoCode.objects.count()
    PromoCode.objects.bulk_create(
        PromoCode(
            code=f"P{start + i:06d}",
            discount_percent=Decimal(5),
            expires_at=timezone.now() + timedelta(days=5),
            issued_by=world.users[SUPERUSER],
        )
        for i in range(n)
    )


def a_cancelled_promo(world: World) -> dict[str, Any]:
    from django.utils import timezone

    from erp.orders.models import PromoCode

    if "promo" not in world.extra:
        world.extra["promo"] = PromoCode.objects.create(
            code="GONE",
            discount_percent=Decimal(5),
            expires_at=timezone.now() + timedelta(days=5),
            issued_by=world.users[SUPERUSER],
            status=PromoCode.Status.CANCELLED,
        )
    return {"pk": world.extra["promo"].pk}


SPECS = [
    UrlSpec("api-orders:order-list", VIEWERS, grow, api=True, query="page_size=100"),
    UrlSpec(
        "api-orders:order-list",
        (SUPERUSER, SELLER),
        grow,
        api=True,
        query="page_size=100&search=b&status=pending_approval&order_type=tailoring&has_balance=true&overdue=false",
    ),
    UrlSpec("api-orders:order-detail", VIEWERS, grow_one_order, kwargs=an_order, api=True),
    UrlSpec("api-orders:order-items", VIEWERS, grow_one_order, kwargs=an_order, api=True, query="page_size=100"),
    UrlSpec("api-orders:order-payments", VIEWERS, grow_one_order, kwargs=an_order, api=True, query="page_size=100"),
    UrlSpec("api-orders:order-timeline", VIEWERS, grow_one_order, kwargs=an_order, api=True, query="page_size=100"),
    UrlSpec(
        "api-orders:order-transition",
        (SUPERUSER, RoleKey.BRANCH_MANAGER.value),
        grow_one_order,
        kwargs=an_order,
        method="post",
        data=lambda w: {"to": "delivered"},
        status=409,  # awaiting approval cannot be delivered: the refusal (with the allowed targets) is measured
        api=True,
    ),
    UrlSpec("api-orders:payment-list", VIEWERS, grow, api=True, query="page_size=100"),
    UrlSpec("api-orders:promo-code-list", PROMO, grow_promos, api=True, query="page_size=100"),
    UrlSpec(
        "api-orders:promo-code-cancel",
        PROMO,
        grow_promos,
        kwargs=a_cancelled_promo,
        method="post",
        status=400,  # already cancelled: the refusal path
        api=True,
    ),
]


def a_tailoring_order_with_a_room(world: World) -> dict[str, int]:
    """An order with a curtain room (fabric tied to an item, an accessory) for the contract print."""
    from erp.orders.models import CurtainAccessory, CurtainFabric, CurtainRoom

    an_order(world)
    order = world.extra["order"]
    if "room" not in world.extra:
        room = CurtainRoom.objects.create(order=order, room_name="الصالة", width_cm=300, height_cm=260)
        CurtainFabric.objects.create(room=room, fabric_type="light", order_item=order.items.first(), meters=1)
        CurtainAccessory.objects.create(room=room, name="مجرى", quantity=2)
        world.extra["room"] = room
    return {"pk": order.pk}


def grow_rooms(world: World, n: int) -> None:
    """More rooms, fabrics and accessories on the same order (the contract lists them all)."""
    from erp.orders.models import CurtainAccessory, CurtainFabric, CurtainRoom

    a_tailoring_order_with_a_room(world)
    order = world.extra["order"]
    rooms = CurtainRoom.objects.bulk_create(
        CurtainRoom(order=order, room_name=f"غرفة {i}", width_cm=200, height_cm=250) for i in range(n)
    )
    item = order.items.first()
    CurtainFabric.objects.bulk_create(
        CurtainFabric(room=r, fabric_type="heavy", order_item=item, meters=1) for r in rooms
    )
    CurtainAccessory.objects.bulk_create(CurtainAccessory(room=r, name="حلق", quantity=10) for r in rooms)


def grow_with_rooms(world: World, n: int) -> None:
    grow_one_order(world, n)
    grow_rooms(world, n)


PAGE_VIEWERS = VIEWERS
SPECS += [
    UrlSpec("orders:order_list", PAGE_VIEWERS, grow),
    UrlSpec(
        "orders:order_list",
        (SUPERUSER, SELLER),
        grow,
        query="search=b&status=pending_approval&priority=normal&has_balance=true&overdue=false&ordering=-total",
    ),
    UrlSpec("orders:order_list", (SUPERUSER, RoleKey.BRANCH_MANAGER.value), grow, query="export=xlsx"),
    UrlSpec("orders:order_list_type", PAGE_VIEWERS, grow, kwargs=lambda w: {"order_type": "tailoring"}),
    UrlSpec("orders:order_detail", PAGE_VIEWERS, grow_with_rooms, kwargs=a_tailoring_order_with_a_room),
    UrlSpec(
        "orders:order_transition",
        (SUPERUSER, RoleKey.BRANCH_MANAGER.value),
        grow_one_order,
        kwargs=an_order,
        method="post",
        data=lambda w: {"to": "delivered"},
        status=302,  # refused (not allowed from awaiting approval): a message and back to the order
    ),
    UrlSpec(
        "orders:payment_add",
        (SUPERUSER, SELLER),
        grow_one_order,
        kwargs=an_order,
        method="post",
        data=lambda w: {"amount": "0", "method": "cash"},
        status=400,  # refused: the detail page again with the error next to the field
    ),
    UrlSpec("orders:order_invoice", PAGE_VIEWERS, grow_one_order, kwargs=an_order),
    UrlSpec("orders:order_contract", PAGE_VIEWERS, grow_with_rooms, kwargs=a_tailoring_order_with_a_room),
    UrlSpec("orders:promo_list", PROMO, grow_promos),
    UrlSpec(
        "orders:promo_list",
        PROMO,
        grow_promos,
        method="post",
        data=lambda w: {"discount_percent": "30", "expires_at": "2000-01-01T00:00"},
        status=400,
    ),
    UrlSpec("orders:promo_cancel", PROMO, grow_promos, kwargs=a_cancelled_promo, method="post", status=302),
]


# ---------------------------------------------------------------------------------------------------------------
# The customer page's order sections (erp/orders/customer_sections.py) and the payment receipt.


def grow_customer_history(world: World, n: int) -> None:
    """More orders, payments, notes and look-ups on the shop's customer (the customer page's sections)."""
    from erp.customers.models import CustomerAccessLog, CustomerNote

    s = shop(world)
    user = world.users[SELLER]
    factories.bulk_orders(s, user, n)
    CustomerNote.objects.bulk_create(CustomerNote(customer=s.customer, text=f"ملاحظة {i}") for i in range(n))
    CustomerAccessLog.objects.bulk_create(
        CustomerAccessLog(user=user, customer=s.customer, customer_branch=s.branch, via="code") for _ in range(n)
    )


def customer_code(world: World) -> dict[str, str]:
    s = shop(world)
    if s.customer.created_by_id is None:  # the salesperson sees the customers they registered
        s.customer.created_by = world.users[SELLER]
        s.customer.save(update_fields=["created_by"])
    return {"code": s.customer.code}


def a_payment(world: World) -> dict[str, int]:
    from erp.orders.models import Payment

    an_order(world)
    pk = Payment.objects.filter(order=world.extra["order"]).values_list("pk", flat=True).first()
    assert pk is not None
    return {"pk": pk}


SPECS += [
    UrlSpec(
        "customers:customer_detail",
        (SUPERUSER, RoleKey.SALES_MANAGER.value, RoleKey.BRANCH_MANAGER.value, SELLER),
        grow_customer_history,
        kwargs=customer_code,
    ),
    UrlSpec("orders:payment_receipt", PAGE_VIEWERS, grow_one_order, kwargs=a_payment),
]
