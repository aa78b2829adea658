"""How to open every inventory URL for the query budget (see erp/core/testing/urlbudget.py)."""

from typing import Any

from erp.accounts.roles import RoleKey
from erp.core.testing.urlbudget import SUPERUSER, UrlSpec, World
from erp.inventory.tests import factories

VIEWERS = (SUPERUSER, RoleKey.SALES_MANAGER.value, RoleKey.SALESPERSON.value, RoleKey.WAREHOUSE_STAFF.value)


def catalogue(world: World) -> dict[str, Any]:
    """A warehouse in branch A (staffed by the world's warehouse keeper) and one product with stock, made once."""
    if "warehouse" not in world.extra:
        warehouse = factories.warehouse(branch=world.branch_a)
        warehouse.staff.add(world.users[RoleKey.WAREHOUSE_STAFF.value])
        world.extra["warehouse"] = warehouse
        world.extra["product"] = factories.bulk_products(count=1, warehouse=warehouse)[0]
    return world.extra


def grow_transfers(world: World, n: int) -> None:
    from decimal import Decimal

    from erp.inventory.transfers import transfer_create

    extra = catalogue(world)
    if "destination" not in extra:
        extra["destination"] = factories.warehouse(branch=world.branch_a)
    variant = extra["product"].variants.get()
    for _ in range(n):
        transfer_create(
            user=world.users[RoleKey.WAREHOUSE_STAFF.value],
            source=extra["warehouse"],
            destination=extra["destination"],
            items=[(variant, Decimal(1))],
        )


def a_transfer(world: World) -> dict[str, int]:
    if "transfer" not in world.extra:
        grow_transfers(world, 1)
        from erp.inventory.models import Transfer

        world.extra["transfer"] = Transfer.objects.order_by("id").first()
    return {"pk": world.extra["transfer"].pk}


def grow(world: World, n: int) -> None:
    factories.bulk_products(count=n, warehouse=catalogue(world)["warehouse"])


def product(world: World) -> dict[str, int]:
    return {"pk": catalogue(world)["product"].pk}


def warehouse(world: World) -> dict[str, int]:
    return {"pk": catalogue(world)["warehouse"].pk}


SPECS = [
    UrlSpec("inventory:product_list", VIEWERS, grow),
    UrlSpec("inventory:product_list", VIEWERS, grow, query="search=blk&low_stock=true&kind=fabric"),
    UrlSpec("inventory:product_list", VIEWERS, grow, query="export=xlsx"),
    UrlSpec("inventory:product_detail", VIEWERS, grow, kwargs=product),
    UrlSpec("inventory:warehouse_list", VIEWERS, grow),
    UrlSpec("inventory:movement_list", VIEWERS, grow),
    UrlSpec("api-inventory:category-list", VIEWERS, grow, api=True),
    UrlSpec("api-inventory:product-list", VIEWERS, grow, api=True, query="page_size=100"),
    UrlSpec("api-inventory:product-detail", VIEWERS, grow, kwargs=product, api=True),
    UrlSpec("api-inventory:variant-list", VIEWERS, grow, api=True, query="page_size=100&search=blk"),
    UrlSpec("api-inventory:warehouse-list", VIEWERS, grow, api=True),
    UrlSpec(
        "api-inventory:warehouse-detail", (SUPERUSER, RoleKey.WAREHOUSE_STAFF.value), grow, kwargs=warehouse, api=True
    ),
    UrlSpec("api-inventory:stock-list", VIEWERS, grow, api=True, query="page_size=100"),
    UrlSpec("api-inventory:stock-movement-list", VIEWERS, grow, api=True, query="page_size=100"),
    UrlSpec("api-inventory:transfer-list", VIEWERS, grow_transfers, api=True, query="page_size=100"),
    UrlSpec(
        "api-inventory:transfer-detail",
        (SUPERUSER, RoleKey.WAREHOUSE_STAFF.value),
        grow_transfers,
        kwargs=a_transfer,
        api=True,
    ),
    UrlSpec(
        "api-inventory:transfer-transition",
        (RoleKey.WAREHOUSE_STAFF.value,),
        grow_transfers,
        kwargs=a_transfer,
        method="post",
        data=lambda w: {"to": "completed"},
        status=409,  # a draft cannot be completed: the refusal path (with its allowed targets) is measured
        api=True,
    ),
]

# Catalogue data (price history, bulk prices, images, import): erp/inventory/tests/catalogue_urlspecs.py.
from erp.inventory.tests.catalogue_urlspecs import SPECS as CATALOGUE_SPECS  # noqa: E402

SPECS += CATALOGUE_SPECS
