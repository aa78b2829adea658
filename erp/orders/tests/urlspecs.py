"""How to open every orders URL for the query budget (see erp/core/testing/urlbudget.py)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from erp.accounts.roles import RoleKey
from erp.core.testing.urlbudget import SUPERUSER, Exempt, UrlSpec, World
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
        query="page_size=100&search=محمد&status=pending_approval&order_type=tailoring&has_balance=true&overdue=false",
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
        query="search=محمد&status=pending_approval&priority=normal&has_balance=true&overdue=false&ordering=-total",
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
# Order entry, drafts, item editing and receipts (erp/orders/entry_views.py)

PLACERS = (SUPERUSER, RoleKey.BRANCH_MANAGER.value, SELLER)


def entry_shop(world: World) -> factories.Shop:
    """The shop, its customer registered by the salesperson (who sees only the customers they registered)."""
    from erp.customers.models import Customer

    s = shop(world)
    if not world.extra.get("entry_customer"):
        Customer.objects.filter(pk=s.customer.pk).update(created_by=world.users[SELLER])
        world.extra["entry_customer"] = True
    return s


def grow_rows(world: World, n: int) -> None:
    """More item rows in what the entry form posts (and more orders in the database)."""
    world.extra["rows"] = world.extra.get("rows", 0) + n
    grow(world, n)


def entry_data(world: World, **extra: Any) -> dict[str, Any]:
    s = entry_shop(world)
    data: dict[str, Any] = {
        "customer": str(s.customer.pk),
        "order_type": "tailoring",
        "priority": "normal",
        "salesperson": str(s.salesperson.pk),
        "delivery_type": "branch",
        "payment_amount": "1",
        "payment_method": "cash",
        "draft": str(a_draft(world)["pk"]),
        "rooms-0-present": "1",
        "rooms-0-room_name": "الصالة",
        "rooms-0-width_cm": "300",
        "rooms-0-height_cm": "260",
        "rooms-0-fabrics-0-item": "0",
        "rooms-0-fabrics-0-meters": "1",
        "rooms-0-accessories-0-name": "مجرى",
        "rooms-0-accessories-0-quantity": "1",
    }
    for n in range(world.extra.get("rows", 0)):
        variant = s.fabrics[n % 2]
        data.update(
            {
                f"items-{n}-variant": str(variant.pk),
                f"items-{n}-warehouse": str(s.warehouse.pk),
                f"items-{n}-quantity": "1.5",
                f"items-{n}-discount_percent": "5",
            }
        )
    data.update(extra)
    return data


def a_draft(world: World) -> dict[str, int]:
    from erp.orders.models import OrderDraft

    if "draft" not in world.extra:
        world.extra["draft"] = OrderDraft.objects.create(user=world.users[SELLER], payload={}, title="مسودة")
    return {"pk": world.extra["draft"].pk}


def grow_draft(world: World, n: int) -> None:
    """More item rows, rooms and fabric lines in the draft the page resumes."""
    from erp.orders.models import OrderDraft

    a_draft(world)
    grow_rows(world, n)
    data = entry_data(world)
    from erp.orders.drafts import payload_from_post

    rooms = {f"rooms-{r}-{k}": v for r in range(n) for k, v in (("present", "1"), ("room_name", f"غرفة {r}"))}
    rooms.update({f"rooms-{r}-fabrics-0-item": str(r % 2) for r in range(n)})
    rooms.update({f"rooms-{r}-fabrics-0-meters": "1" for r in range(n)})
    OrderDraft.objects.filter(pk=world.extra["draft"].pk).update(payload=payload_from_post({**data, **rooms}))


def someone_elses_draft(world: World) -> dict[str, int]:
    from erp.orders.models import OrderDraft

    if "other_draft" not in world.extra:
        world.extra["other_draft"] = OrderDraft.objects.create(user=world.users[SUPERUSER], payload={})
    return {"pk": world.extra["other_draft"].pk}


def grow_drafts(world: World, n: int) -> None:
    from erp.orders.models import OrderDraft

    OrderDraft.objects.bulk_create(
        OrderDraft(user=world.users[role], payload={"items": []}, title=f"مسودة {i}")
        for i in range(n)
        for role in (SELLER, SUPERUSER)
    )


def grow_customers(world: World, n: int) -> None:
    from erp.customers.models import Customer
    from erp.customers.services import customer_search_text
    from erp.customers.tests.factories import customer_type

    s = entry_shop(world)
    start = Customer.objects.count()
    rows = []
    for i in range(n):
        c = Customer(
            branch=world.branch_a,
            code=f"CAI-G{start + i:05d}",
            name=f"عميل بحث {start + i}",
            phone=f"+2011{start + i:08d}",
            customer_type=customer_type("retail"),
            created_by=world.users[SELLER],
            status="blocked" if i % 3 == 0 else "active",
        )
        c.search_text = customer_search_text(c)
        rows.append(c)
    Customer.objects.bulk_create(rows)
    del s


def grow_products(world: World, n: int) -> None:
    from erp.inventory.tests import factories as inventory_factories

    inventory_factories.bulk_products(count=n, warehouse=shop(world).warehouse)


def a_receipt(world: World) -> dict[str, int]:
    """A general payment allocated over orders (the receipt lists them)."""
    from django.utils import timezone

    from erp.orders.models import Payment, PaymentAllocation

    if "receipt" not in world.extra:
        s = shop(world)
        world.extra["receipt"] = Payment.objects.create(
            customer=s.customer, amount=Decimal(1), payment_date=timezone.localdate(), created_by=world.users[SELLER]
        )
        # Allocated over at least one order from the start: a receipt is visible through its orders.
        (first,) = factories.bulk_orders(s, world.users[SELLER], 1)
        PaymentAllocation.objects.create(payment=world.extra["receipt"], order=first, amount=Decimal("0.01"))
    return {"pk": world.extra["receipt"].pk}


def grow_receipt(world: World, n: int) -> None:
    from erp.orders.models import PaymentAllocation

    a_receipt(world)
    orders = factories.bulk_orders(shop(world), world.users[SELLER], n)
    PaymentAllocation.objects.bulk_create(
        PaymentAllocation(payment=world.extra["receipt"], order=o, amount=Decimal("0.01")) for o in orders
    )


def an_order_in_progress(world: World) -> dict[str, int]:
    from erp.orders.models import Order

    an_order(world)
    Order.objects.filter(pk=world.extra["order"].pk).update(status=Order.Status.IN_PROGRESS)
    return {"pk": world.extra["order"].pk}


def items_put(world: World) -> dict[str, Any]:
    s = shop(world)
    return {"items": [{"variant": s.fabrics[0].pk, "warehouse": s.warehouse.pk, "quantity": "2"}], "reason": "x"}


SPECS += [
    UrlSpec("orders:entry_new", PLACERS, grow),
    UrlSpec("orders:entry_draft", (SELLER,), grow_draft, kwargs=a_draft),
    UrlSpec("orders:entry_save", (SELLER,), grow_rows, method="post", data=entry_data),
    UrlSpec(
        "orders:entry_refresh",
        (SELLER,),
        grow_rows,
        method="post",
        data=lambda w: entry_data(w, action="add_item", add_code=shop(w).fabrics[0].code),
    ),
    UrlSpec("orders:entry_customers", (SUPERUSER, SELLER), grow_customers, query="customer_q=عميل"),
    UrlSpec("orders:entry_products", PLACERS, grow_products, query="add_code=قماش"),
    UrlSpec("orders:draft_list", (SUPERUSER, SELLER), grow_drafts),
    UrlSpec("orders:draft_delete", (SELLER,), grow_drafts, kwargs=someone_elses_draft, method="post", status=404),
    UrlSpec("orders:order_items_edit", PAGE_VIEWERS[:4], grow_one_order, kwargs=an_order),
    UrlSpec(
        "orders:order_items_edit",
        (SUPERUSER, SELLER),
        grow_one_order,
        kwargs=an_order,
        method="post",
        data=lambda w: {"items-0-code": "NO-SUCH-CODE", "items-0-quantity": "1"},
        status=400,
    ),
    UrlSpec("orders:payment_receipt", VIEWERS, grow_receipt, kwargs=a_receipt),
    UrlSpec(
        "api-orders:order-items",
        (SUPERUSER, SELLER),
        grow_one_order,
        kwargs=an_order_in_progress,
        method="put",
        data=items_put,
        status=409,  # work started: refused with the status
        api=True,
    ),
    UrlSpec(
        "api-orders:order-items",
        (SUPERUSER, SELLER),
        grow_one_order,
        kwargs=an_order_in_progress,
        method="patch",
        data=lambda w: {"remove": [], "items": []},
        status=409,
        api=True,
    ),
]


# Review and place run every placement rule through order_place (a rolled-back dry run, then the real placement),
# then render the whole form: more than the page budget, but bounded and the same whatever the number of rows
# (erp/orders/tests/test_entry.py::test_review_and_place_queries_are_bounded_whatever_the_rows).
EXEMPT = [
    Exempt("orders:entry_review", "runs order_place as a dry run; bounded by its own test (test_entry.py)"),
    Exempt("orders:entry_place", "runs order_place; bounded by its own test (test_entry.py)"),
]


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


SPECS += [
    UrlSpec(
        "customers:customer_detail",
        (SUPERUSER, RoleKey.SALES_MANAGER.value, RoleKey.BRANCH_MANAGER.value, SELLER),
        grow_customer_history,
        kwargs=customer_code,
    ),
    UrlSpec(
        "customers:customer_section",
        (SUPERUSER, RoleKey.SALES_MANAGER.value, RoleKey.BRANCH_MANAGER.value, SELLER),
        grow_customer_history,
        kwargs=lambda w: {**customer_code(w), "key": "timeline"},
    ),
]
