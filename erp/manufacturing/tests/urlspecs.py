"""How to open every factory URL for the query budget (see erp/core/testing/urlbudget.py)."""

from typing import Any

from erp.accounts.roles import RoleKey
from erp.core.testing.urlbudget import SUPERUSER, UrlSpec, World

BOSS = RoleKey.FACTORY_MANAGER.value
RECEIVER = RoleKey.FACTORY_RECEIVER.value
SELLER = RoleKey.SALESPERSON.value
VIEWERS = (SUPERUSER, BOSS, RECEIVER, SELLER)


def _setup(world: World) -> dict[str, Any]:
    """A shop in branch A, two lines and one factory order (with one cut item) made once. The lines are named
    apart from the factory's default names ("خط <n>"), which grow_lines makes."""
    if "mfg_shop" not in world.extra:
        from erp.manufacturing.tests import factories
        from erp.orders.tests import factories as order_factories

        world.extra["mfg_shop"] = order_factories.shop(branch=world.branch_a, fabrics=2)
        world.extra["mfg_lines"] = [
            factories.line(name="خط الاختبار 1", branches=[world.branch_a], priority=2),
            factories.line(name="خط الاختبار 2", branches=[world.branch_a], priority=1),
        ]
        [fo] = factories.bulk_factory_orders(
            world.extra["mfg_shop"], world.users[BOSS], 1, line=world.extra["mfg_lines"][0], items=1
        )
        world.extra["mfg_order"] = fo
    return world.extra


def grow_orders(world: World, n: int) -> None:
    """n more factory orders over both lines, in several statuses, some VIP, each with a received item."""
    from erp.manufacturing.models import FactoryOrder
    from erp.manufacturing.tests import factories

    extra = _setup(world)
    statuses = [FactoryOrder.Status.PENDING_APPROVAL, FactoryOrder.Status.PENDING, FactoryOrder.Status.IN_PROGRESS]
    for i in range(n):
        factories.bulk_factory_orders(
            extra["mfg_shop"],
            world.users[BOSS],
            1,
            status=statuses[i % 3],
            line=extra["mfg_lines"][i % 2],
            items=1,
            vip=i % 4 == 0,
        )


def grow_items(world: World, n: int) -> None:
    """n more cut items (half received) and timeline rows on the world's factory order."""
    from decimal import Decimal

    from django.utils import timezone

    from erp.manufacturing.models import FactoryEvent, FactoryItem

    fo = _setup(world)["mfg_order"]
    start = FactoryItem.objects.count()
    FactoryItem.objects.bulk_create(
        FactoryItem(
            factory_order=fo,
            cut_item_id=700000000 + start + i,
            cut_reference=f"C-{start + i}",
            name="قماش",
            meters=Decimal(1),
            bag_number="B1" if i % 2 else "",
            received_at=timezone.now() if i % 2 else None,
            received_by=world.users[RECEIVER] if i % 2 else None,
        )
        for i in range(n)
    )
    FactoryEvent.objects.bulk_create(
        FactoryEvent(factory_order=fo, kind="status", to_status="pending", user=world.users[BOSS]) for _ in range(n)
    )


def grow_lines(world: World, n: int) -> None:
    from erp.manufacturing.tests import factories

    _setup(world)
    for _ in range(n):
        factories.line(branches=[world.branch_a, world.branch_b], types=["custom", "installation"])


def an_order(world: World) -> dict[str, int]:
    return {"pk": _setup(world)["mfg_order"].pk}


def a_line(world: World) -> dict[str, int]:
    return {"pk": _setup(world)["mfg_lines"][0].pk}


SPECS = [
    UrlSpec("manufacturing:dashboard", VIEWERS, grow_orders),
    UrlSpec("manufacturing:order_list", VIEWERS, grow_orders),
    UrlSpec("manufacturing:order_list", (BOSS,), grow_orders, query="search=cai&status=pending&overdue=false&vip=true"),
    UrlSpec("manufacturing:order_list", (BOSS,), grow_orders, query="export=xlsx"),
    UrlSpec("manufacturing:approval_queue", (SUPERUSER, BOSS), grow_orders),
    UrlSpec("manufacturing:order_detail", VIEWERS, grow_items, kwargs=an_order),
    UrlSpec("manufacturing:order_print", (BOSS, RECEIVER), grow_items, kwargs=an_order),
    UrlSpec(
        "manufacturing:order_transition",
        (BOSS,),
        grow_items,
        kwargs=an_order,
        method="post",
        data=lambda w: {"to": "delivered"},  # refused (awaiting approval): the refusal path is measured
        status=302,
    ),
    UrlSpec(
        "manufacturing:order_reply",
        (SELLER,),
        grow_items,
        kwargs=an_order,
        method="post",
        data=lambda w: {"reply": "تم"},
        status=302,
    ),
    UrlSpec(
        "manufacturing:order_change_line",
        (BOSS,),
        grow_items,
        kwargs=an_order,
        method="post",
        data=lambda w: {"line": w.extra["mfg_lines"][0].pk, "reason": "x"},
        status=302,
    ),
    UrlSpec(
        "manufacturing:order_receive",
        (RECEIVER,),
        grow_items,
        kwargs=an_order,
        method="post",
        data=lambda w: {"item": ["999999999"]},
        status=302,
    ),
    UrlSpec("manufacturing:order_deliver", (RECEIVER,), grow_items, kwargs=an_order, method="post", status=302),
    UrlSpec("manufacturing:receipt", (SUPERUSER, RECEIVER), grow_items),
    UrlSpec(
        "manufacturing:receipt",
        (RECEIVER,),
        grow_items,
        method="post",
        data=lambda w: {"cut_reference": "NONE", "bag_number": "B9"},
        status=400,
    ),
    UrlSpec("manufacturing:line_list", (SUPERUSER, BOSS), grow_lines),
    UrlSpec("manufacturing:line_edit", (BOSS,), grow_lines, kwargs=a_line),
    UrlSpec("api-manufacturing:order-list", VIEWERS, grow_orders, api=True, query="page_size=100"),
    UrlSpec("api-manufacturing:order-detail", VIEWERS, grow_items, kwargs=an_order, api=True),
    UrlSpec(
        "api-manufacturing:order-transition",
        (BOSS,),
        grow_items,
        kwargs=an_order,
        method="post",
        data=lambda w: {"to": "completed"},
        status=409,
        api=True,
    ),
    UrlSpec(
        "api-manufacturing:fabric-receipt",
        (RECEIVER,),
        grow_items,
        method="post",
        data=lambda w: {"cut_reference": "NONE", "bag_number": "B9"},
        status=400,
        api=True,
    ),
    UrlSpec("api-manufacturing:line-list", (BOSS, SELLER), grow_lines, api=True, query="page_size=100"),
]
