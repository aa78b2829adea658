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


# ---------------------------------------------------------------------------------------------------------------
# Stock operations: transfer pages, suppliers, purchase orders, counts, adjustments, alerts

STAFF = RoleKey.WAREHOUSE_STAFF.value
BOSS = RoleKey.FACTORY_MANAGER.value
STOCKERS = (SUPERUSER, STAFF, BOSS)  # inventory.manage_stock
PURCHASE_VIEWERS = (SUPERUSER, BOSS, STAFF, RoleKey.FACTORY_ACCOUNTANT.value)
PURCHASERS = (SUPERUSER, BOSS)  # inventory.manage_purchasing / adjust_stock


def grow_suppliers(world: World, n: int) -> None:
    from erp.inventory.models import Supplier

    start = len(world.extra.setdefault("suppliers", []))
    made = Supplier.objects.bulk_create(
        Supplier(name=f"مورد {start + i}", search_text=f"مورد {start + i}") for i in range(n)
    )
    world.extra["suppliers"].extend(made)


def a_supplier(world: World) -> dict[str, int]:
    if not world.extra.get("suppliers"):
        grow_suppliers(world, 1)
    return {"pk": world.extra["suppliers"][0].pk}


def grow_pos(world: World, n: int) -> None:
    """n more purchase orders into the world's warehouse (each with two lines), by the factory manager."""
    from decimal import Decimal

    from erp.inventory.purchasing import po_create

    extra = catalogue(world)
    if "supplier" not in extra:
        from erp.inventory.models import Supplier

        extra["supplier"] = Supplier.objects.create(name="مورد القماش")
        extra["po_variants"] = [p.variants.get() for p in factories.bulk_products(count=2)]
    for _ in range(n):
        po_create(
            user=world.users[BOSS],
            supplier=extra["supplier"],
            warehouse=extra["warehouse"],
            lines=[(v, Decimal(5), Decimal("12.50")) for v in extra["po_variants"]],
        )


def a_po(world: World) -> dict[str, int]:
    """An approved order with one receipt (so the detail shows lines, a receipt and a timeline)."""
    if "po" not in world.extra:
        from decimal import Decimal

        from erp.inventory.models import PurchaseOrder
        from erp.inventory.purchasing import po_receive, po_transition

        grow_pos(world, 1)
        order = PurchaseOrder.objects.order_by("id").first()
        assert order is not None
        po_transition(order=order, user=world.users[BOSS], to="approved")
        line = order.lines.order_by("id").first()
        assert line is not None
        po_receive(order=order, user=world.users[BOSS], quantities={line.pk: Decimal(2)}, key="spec")
        world.extra["po"] = order
    return {"pk": world.extra["po"].pk}


def a_draft_po(world: World) -> dict[str, int]:
    if "draft_po" not in world.extra:
        from erp.inventory.models import PurchaseOrder

        grow_pos(world, 1)
        world.extra["draft_po"] = PurchaseOrder.objects.order_by("-id").first()
    return {"pk": world.extra["draft_po"].pk}


def a_count(world: World) -> dict[str, int]:
    if "count" not in world.extra:
        from erp.inventory.counts import count_create

        extra = catalogue(world)
        world.extra["count"] = count_create(user=world.users[BOSS], warehouse=extra["warehouse"])
    return {"pk": world.extra["count"].pk}


def grow_count_lines(world: World, n: int) -> None:
    """More variants on the world's count sheet."""
    from decimal import Decimal

    from erp.inventory.models import StockCountLine

    a_count(world)
    products = factories.bulk_products(count=n, warehouse=catalogue(world)["warehouse"])
    StockCountLine.objects.bulk_create(
        StockCountLine(count=world.extra["count"], variant=p.variants.get(), expected=Decimal(10), counted=Decimal(9))
        for p in products
    )


def grow_counts(world: World, n: int) -> None:
    from erp.core.counters import counter_next
    from erp.inventory.models import StockCount

    warehouse = catalogue(world)["warehouse"]
    StockCount.objects.bulk_create(
        StockCount(
            number=f"SC-{counter_next('inventory.stock_count'):06d}", warehouse=warehouse, created_by=world.users[BOSS]
        )
        for _ in range(n)
    )


def grow_adjustments(world: World, n: int) -> None:
    from decimal import Decimal

    from erp.inventory.models import StockMovement
    from erp.inventory.services import StockLine, stock_apply

    extra = catalogue(world)
    variant = extra["product"].variants.get()
    start = extra.setdefault("adjustments", 0)
    stock_apply(
        lines=[
            StockLine(
                variant.pk,
                extra["warehouse"].pk,
                Decimal(1),
                StockMovement.Kind.ADJUSTMENT,
                StockMovement.Reason.OTHER,
                f"spec-adjust:{start + i}",
                note="تسوية",
            )
            for i in range(n)
        ],
        user=world.users[BOSS],
    )
    extra["adjustments"] = start + n


def grow_alerts(world: World, n: int) -> None:
    """n products below their minimum (5) in the world's warehouse, a third of them at zero."""
    from decimal import Decimal

    from erp.inventory.models import StockMovement
    from erp.inventory.services import StockLine, stock_apply

    warehouse = catalogue(world)["warehouse"]
    products = factories.bulk_products(count=n)
    variants = [p.variants.get() for p in products]
    stock_apply(
        lines=[
            StockLine(
                v.pk, warehouse.pk, Decimal(2), StockMovement.Kind.IN, StockMovement.Reason.OPENING, f"spec-low:{v.pk}"
            )
            for v in variants
        ]
    )
    stock_apply(
        lines=[
            StockLine(
                v.pk, warehouse.pk, Decimal(-2), StockMovement.Kind.OUT, StockMovement.Reason.SALE, f"spec-out:{v.pk}"
            )
            for v in variants[::3]
        ]
    )


def no_growth(world: World, n: int) -> None:
    catalogue(world)


SPECS += [
    UrlSpec("inventory:transfer_list", VIEWERS, grow_transfers),
    UrlSpec(
        "inventory:transfer_list", VIEWERS, grow_transfers, query="search=TR&status=draft&created_after=2020-01-01"
    ),
    UrlSpec("inventory:transfer_create", STOCKERS, grow),
    UrlSpec("inventory:line_row", VIEWERS, no_growth, query="cost=1"),
    UrlSpec("inventory:transfer_detail", (SUPERUSER, STAFF, BOSS), grow_transfers, kwargs=a_transfer),
    UrlSpec(
        "inventory:transfer_action",
        (STAFF,),
        grow_transfers,
        kwargs=a_transfer,
        method="post",
        data=lambda w: {"to": "completed"},
        status=302,  # refused (a draft cannot be completed): back to the detail with a message
    ),
    UrlSpec("inventory:transfer_print", (SUPERUSER, STAFF), grow_transfers, kwargs=a_transfer),
    UrlSpec("inventory:supplier_list", PURCHASE_VIEWERS, grow_suppliers),
    UrlSpec("inventory:supplier_list", PURCHASE_VIEWERS, grow_suppliers, query="search=مورد&is_active=true"),
    UrlSpec("inventory:supplier_create", PURCHASERS, grow_suppliers),
    UrlSpec(
        "inventory:supplier_update",
        PURCHASERS,
        grow_suppliers,
        kwargs=a_supplier,
    ),
    UrlSpec("inventory:po_list", PURCHASE_VIEWERS, grow_pos),
    UrlSpec("inventory:po_list", PURCHASE_VIEWERS, grow_pos, query="status=draft&search=PO"),
    UrlSpec("inventory:po_list", PURCHASERS, grow_pos, query="export=xlsx"),
    UrlSpec("inventory:po_create", PURCHASERS, grow_pos),
    UrlSpec("inventory:po_update", PURCHASERS, grow_pos, kwargs=a_draft_po),
    UrlSpec("inventory:po_detail", PURCHASE_VIEWERS, grow_pos, kwargs=a_po),
    UrlSpec(
        "inventory:po_action",
        PURCHASERS,
        grow_pos,
        kwargs=a_po,
        method="post",
        data=lambda w: {"to": "approved"},
        status=302,  # refused (already approved): back to the detail with a message
    ),
    UrlSpec("inventory:po_receive", (SUPERUSER, STAFF, BOSS), grow_pos, kwargs=a_po),
    UrlSpec("inventory:po_print", PURCHASE_VIEWERS, grow_pos, kwargs=a_po),
    UrlSpec("inventory:count_list", VIEWERS, grow_counts),
    UrlSpec("inventory:count_create", PURCHASERS, grow),
    UrlSpec("inventory:count_detail", (SUPERUSER, STAFF, BOSS), grow_count_lines, kwargs=a_count),
    UrlSpec(
        "inventory:count_action",
        PURCHASERS,
        grow_counts,
        kwargs=a_count,
        method="post",
        data=lambda w: {"action": "none"},
        status=302,
    ),
    UrlSpec("inventory:adjustment_list", VIEWERS, grow_adjustments),
    UrlSpec("inventory:adjustment_create", PURCHASERS, grow),
    UrlSpec("inventory:alert_list", VIEWERS, grow_alerts),
    UrlSpec("inventory:alert_list", VIEWERS, grow_alerts, query="state=low"),
    UrlSpec("inventory:alert_list", VIEWERS, grow_alerts, query="export=xlsx"),
    UrlSpec("api-inventory:supplier-list", PURCHASE_VIEWERS, grow_suppliers, api=True, query="page_size=100"),
    UrlSpec(
        "api-inventory:supplier-detail",
        PURCHASE_VIEWERS,
        grow_suppliers,
        api=True,
        kwargs=a_supplier,
    ),
    UrlSpec("api-inventory:purchase-order-list", PURCHASE_VIEWERS, grow_pos, api=True, query="page_size=100"),
    UrlSpec("api-inventory:purchase-order-detail", PURCHASE_VIEWERS, grow_pos, api=True, kwargs=a_po),
    UrlSpec(
        "api-inventory:purchase-order-transition",
        PURCHASERS,
        grow_pos,
        api=True,
        kwargs=a_po,
        method="post",
        data=lambda w: {"to": "approved"},
        status=409,
    ),
    UrlSpec("api-inventory:purchase-order-receipts", PURCHASE_VIEWERS, grow_pos, api=True, kwargs=a_po),
    UrlSpec("api-inventory:stock-count-list", VIEWERS, grow_counts, api=True, query="page_size=100"),
    UrlSpec("api-inventory:stock-count-detail", (SUPERUSER, STAFF, BOSS), grow_count_lines, api=True, kwargs=a_count),
    UrlSpec(
        "api-inventory:stock-count-lines",
        (STAFF,),
        grow_count_lines,
        api=True,
        kwargs=a_count,
        method="post",
        data=lambda w: {"lines": [{"line": 0, "counted": "1"}]},
        status=400,  # an unknown line is refused, naming the field
    ),
    UrlSpec(
        "api-inventory:stock-count-transition",
        (STAFF,),
        grow_counts,
        api=True,
        kwargs=a_count,
        method="post",
        data=lambda w: {"to": "posted"},
        status=403,  # warehouse staff count but may not post
    ),
    UrlSpec("api-inventory:stock-adjustment-list", VIEWERS, grow_adjustments, api=True, query="page_size=100"),
    UrlSpec("api-inventory:stock-alert-list", VIEWERS, grow_alerts, api=True, query="page_size=100"),
]
# Catalogue data (price history, bulk prices, images, import): erp/inventory/tests/catalogue_urlspecs.py.
from erp.inventory.tests.catalogue_urlspecs import SPECS as CATALOGUE_SPECS  # noqa: E402

SPECS += CATALOGUE_SPECS
