from decimal import Decimal

from erp.accounts.models import Branch
from erp.accounts.tests.factories import BranchFactory
from erp.inventory import services
from erp.inventory.models import Category, Product, Warehouse

_counter = iter(range(1, 10**9))


def category(name: str = "أقمشة") -> Category:
    return services.category_create(name=f"{name} {next(_counter)}")


def product(*, colours: tuple[tuple[str, str], ...] = (), **fields: object) -> Product:
    n = next(_counter)
    values: dict[str, object] = {
        "code": f"FAB{n:05d}",
        "name": f"قماش كتان {n}",
        "category": fields.pop("category", None) or category(),
        "retail_price": Decimal("250.00"),
        "wholesale_price": Decimal("200.00"),
    }
    values.update(fields)
    return services.product_create(colours=colours, **values)  # type: ignore[arg-type]


def warehouse(*, branch: Branch | None = None, **fields: object) -> Warehouse:
    n = next(_counter)
    values: dict[str, object] = {"code": f"WH{n:03d}", "name": f"مخزن {n}", "branch": branch or BranchFactory.create()}
    values.update(fields)
    return services.warehouse_create(**values)  # type: ignore[arg-type]
