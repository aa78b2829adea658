"""How to open every cutting URL for the query budget (see erp/core/testing/urlbudget.py)."""

from typing import Any

from erp.accounts.roles import RoleKey
from erp.core.testing.urlbudget import SUPERUSER, UrlSpec, World
from erp.orders.tests import factories as order_factories

STAFF = RoleKey.WAREHOUSE_STAFF.value
BOSS = RoleKey.FACTORY_MANAGER.value
VIEWERS = (
    SUPERUSER,
    RoleKey.SALES_MANAGER.value,
    RoleKey.REGION_MANAGER.value,
    RoleKey.BRANCH_MANAGER.value,
    RoleKey.SALESPERSON.value,
    BOSS,
    STAFF,
)
EXPORTERS = (SUPERUSER, RoleKey.SALES_MANAGER.value, RoleKey.BRANCH_MANAGER.value, BOSS)
CUTTERS = (SUPERUSER, BOSS, STAFF)


def shop(world: World) -> order_factories.Shop:
    """A shop in branch A whose warehouse is staffed by the world's warehouse keeper."""
    if "cut_shop" not in world.extra:
        s = order_factories.shop(branch=world.branch_a, fabrics=2)
        s.warehouse.staff.add(world.users[STAFF])
        world.extra["cut_shop"] = s
    return world.extra["cut_shop"]  # type: ignore[no-any-return]


def grow(world: World, n: int) -> None:
    from erp.cutting.tests.factories import bulk_cutting

    bulk_cutting(shop(world), world.users[RoleKey.SALESPERSON.value], n)


def a_cutting_order(world: World) -> dict[str, int]:
    if "cutting_order" not in world.extra:
        from erp.cutting.tests.factories import bulk_cutting

        world.extra["cutting_order"] = bulk_cutting(shop(world), world.users[RoleKey.SALESPERSON.value], 1)[0]
    return {"pk": world.extra["cutting_order"].pk}


def grow_one(world: World, n: int) -> None:
    """More items and timeline rows on the same cutting order (what its detail, print and actions render)."""
    from decimal import Decimal

    from erp.cutting.models import CuttingEvent, CuttingItem

    a_cutting_order(world)
    co = world.extra["cutting_order"]
    fabric = _fabric(world)
    CuttingItem.objects.bulk_create(
        CuttingItem(cutting_order=co, fabric=fabric, name="قماش العميل", quantity=Decimal(2)) for _ in range(n)
    )
    CuttingEvent.objects.bulk_create(
        CuttingEvent(cutting_order=co, to_status="pending", user=world.users[STAFF]) for _ in range(n)
    )


def _fabric(world: World) -> Any:
    """A customer-supplied curtain fabric on the cutting order's order."""
    if "cut_fabric" not in world.extra:
        from decimal import Decimal

        from erp.orders.models import CurtainFabric, CurtainRoom

        co = world.extra["cutting_order"]
        room = CurtainRoom.objects.create(
            order=co.order, room_name="غرفة", width_cm=Decimal(200), height_cm=Decimal(250)
        )
        world.extra["cut_fabric"] = CurtainFabric.objects.create(
            room=room, fabric_type="light", customer_supplied="قماش العميل", meters=Decimal(2)
        )
    return world.extra["cut_fabric"]


def an_item(world: World) -> dict[str, int]:
    from erp.cutting.models import CuttingItem

    a_cutting_order(world)
    item = CuttingItem.objects.filter(cutting_order=world.extra["cutting_order"]).order_by("id").first()
    assert item is not None
    return {"pk": item.pk}


SPECS = [
    UrlSpec("cutting:order_list", VIEWERS, grow),
    UrlSpec("cutting:order_list", VIEWERS, grow, query="search=محمد&status=pending&order_type=tailoring"),
    UrlSpec("cutting:order_list", EXPORTERS, grow, query="export=xlsx"),
    UrlSpec("cutting:order_detail", VIEWERS, grow_one, kwargs=a_cutting_order),
    UrlSpec("cutting:order_print", VIEWERS, grow_one, kwargs=a_cutting_order),
    # A rejection without a reason: the service locks, checks and refuses (repeatable); the page redirects back.
    UrlSpec(
        "cutting:order_action",
        CUTTERS,
        grow_one,
        kwargs=a_cutting_order,
        method="post",
        data=lambda w: {"to": "rejected"},
        status=302,
    ),
    UrlSpec(
        "cutting:item_action",
        CUTTERS,
        grow_one,
        kwargs=an_item,
        method="post",
        data=lambda w: {"to": "rejected"},
        status=302,
    ),
    UrlSpec("api-cutting:cutting-order-list", VIEWERS, grow, api=True, query="page_size=100"),
    UrlSpec("api-cutting:cutting-order-list", VIEWERS, grow, api=True, query="search=محمد&status=pending"),
    UrlSpec("api-cutting:cutting-order-detail", VIEWERS, grow_one, kwargs=a_cutting_order, api=True),
    UrlSpec(
        "api-cutting:cutting-order-transition",
        CUTTERS,
        grow_one,
        kwargs=a_cutting_order,
        method="post",
        data=lambda w: {"to": "pending", "reason": "x"},
        status=409,  # a waiting cutting order cannot be reset: the refusal path (with its allowed targets)
        api=True,
    ),
    UrlSpec(
        "api-cutting:cutting-item-transition",
        CUTTERS,
        grow_one,
        kwargs=an_item,
        method="post",
        data=lambda w: {"to": "pending", "reason": "x"},
        status=409,
        api=True,
    ),
]
