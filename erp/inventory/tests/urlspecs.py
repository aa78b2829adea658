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
]
