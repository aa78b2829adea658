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


def bulk_products(
    *, count: int, warehouse: Warehouse | None = None, category_obj: Category | None = None
) -> list[Product]:
    """Many products (one variant each) in a few queries, with opening stock through the stock service."""
    from erp.inventory.models import StockMovement, Variant
    from erp.inventory.services import StockLine

    cat = category_obj or category()
    start = next(_counter)
    products = Product.objects.bulk_create(
        Product(
            code=f"BLK{start}-{i}",
            name=f"قماش {start}-{i}",
            category=cat,
            retail_price=Decimal(100),
            wholesale_price=Decimal(80),
            minimum_stock=Decimal(5),
            search_text=f"blk{start}-{i} قماش",
        )
        for i in range(count)
    )
    variants = Variant.objects.bulk_create(Variant(product=p, code=p.code, is_default=True) for p in products)
    if warehouse is not None and variants:
        services.stock_apply(
            lines=[
                StockLine(
                    v.pk, warehouse.pk, Decimal(10), StockMovement.Kind.IN, StockMovement.Reason.OPENING, f"bulk:{v.pk}"
                )
                for v in variants
            ]
        )
    return products
