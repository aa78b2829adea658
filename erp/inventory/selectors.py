"""Inventory reads: scoped to the warehouses a user may see, fetching everything pages and APIs render."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from erp.accounts.scoping import scope_for
from erp.core.filters import apply_filter
from erp.inventory.filters import MovementFilter, ProductFilter, StockFilter, VariantFilter
from erp.inventory.models import Category, Product, StockBalance, StockMovement, Variant, Warehouse


def warehouse_list(*, actor: Any) -> QuerySet[Warehouse]:
    return scope_for(actor, "warehouses", Warehouse.objects.select_related("branch")).order_by("code")


def warehouse_get_for_user(*, actor: Any, pk: int) -> Warehouse:
    return get_object_or_404(warehouse_list(actor=actor), pk=pk)


def category_list() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("path")


def product_list(*, actor: Any, filters: Any = None) -> QuerySet[Product]:
    """The catalogue is company-wide (every salesperson sells from it); stock figures are scoped separately."""
    qs = Product.objects.select_related("category")
    return apply_filter(ProductFilter, filters, qs, actor=actor)


def product_get(*, pk: int) -> Product:
    return get_object_or_404(
        Product.objects.select_related("category").prefetch_related(
            Prefetch("variants", queryset=Variant.objects.order_by("code"))
        ),
        pk=pk,
    )


def stock_by_product(*, product_ids: list[int], warehouses: list[Warehouse]) -> dict[int, dict[int, Decimal]]:
    """{product id: {warehouse id: quantity}} for a page of products, in one query (no query per row)."""
    out: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    rows = StockBalance.objects.filter(
        variant__product_id__in=product_ids, warehouse_id__in=[w.pk for w in warehouses]
    ).values_list("variant__product_id", "warehouse_id", "quantity")
    for product_id, warehouse_id, quantity in rows:
        out[product_id][warehouse_id] += quantity
    return out


def stock_for_variants(*, actor: Any, variant_ids: list[int]) -> dict[int, list[StockBalance]]:
    visible = warehouse_list(actor=actor)
    balances = (
        StockBalance.objects.filter(variant_id__in=variant_ids, warehouse__in=visible)
        .select_related("warehouse")
        .order_by("warehouse__code")
    )
    out: dict[int, list[StockBalance]] = defaultdict(list)
    for balance in balances:
        out[balance.variant_id].append(balance)
    return out


def variant_list(*, actor: Any, filters: Any = None) -> QuerySet[Variant]:
    qs = Variant.objects.select_related("product", "product__category")
    return apply_filter(VariantFilter, filters, qs, actor=actor)


def stock_list(*, actor: Any, filters: Any = None) -> QuerySet[StockBalance]:
    qs = StockBalance.objects.filter(warehouse__in=warehouse_list(actor=actor)).select_related(
        "variant", "variant__product", "warehouse"
    )
    return apply_filter(StockFilter, filters, qs, actor=actor)


def movement_list(*, actor: Any, filters: Any = None) -> QuerySet[StockMovement]:
    qs = StockMovement.objects.filter(warehouse__in=warehouse_list(actor=actor)).select_related(
        "variant", "variant__product", "warehouse", "user"
    )
    return apply_filter(MovementFilter, filters, qs, actor=actor)


def product_movements(*, actor: Any, product: Any, limit: int = 20) -> list[StockMovement]:
    """A product's latest movements in the user's warehouses, with what the product page shows of them (the colour
    and the warehouse; the product is the page's own)."""
    scoped = movement_list(actor=actor).filter(variant__product=product)
    return list(scoped.select_related(None).select_related("variant", "warehouse").order_by("-id")[:limit])


def transfer_list(*, actor: Any) -> QuerySet[Any]:
    """Transfers touching a warehouse the user may see (either end)."""
    from django.db.models import Q

    from erp.inventory.models import Transfer

    visible = warehouse_list(actor=actor)
    return Transfer.objects.filter(Q(source__in=visible) | Q(destination__in=visible)).select_related(
        "source", "destination", "created_by"
    )


def transfer_get_for_user(*, actor: Any, pk: int) -> Any:
    from erp.inventory.models import TransferEvent, TransferItem

    return get_object_or_404(
        transfer_list(actor=actor).prefetch_related(
            Prefetch("items", queryset=TransferItem.objects.select_related("variant").order_by("id")),
            Prefetch("events", queryset=TransferEvent.objects.select_related("user").order_by("id")),
        ),
        pk=pk,
    )


# ---------------------------------------------------------------------------------------------------------------
# Stock operations: transfers (filtered), purchasing, counts, adjustments, alerts


def transfer_list_filtered(*, actor: Any, filters: Any = None) -> QuerySet[Any]:
    from erp.inventory.filters import TransferFilter

    return apply_filter(TransferFilter, filters, transfer_list(actor=actor), actor=actor)


def supplier_list(*, actor: Any, filters: Any = None) -> QuerySet[Any]:
    from erp.inventory.filters import SupplierFilter
    from erp.inventory.models import Supplier

    return apply_filter(SupplierFilter, filters, Supplier.objects.all(), actor=actor)


def supplier_get(*, pk: int) -> Any:
    from erp.inventory.models import Supplier

    return get_object_or_404(Supplier, pk=pk)


def po_list(*, actor: Any, filters: Any = None) -> QuerySet[Any]:
    """Purchase orders whose destination is a warehouse the user may see."""
    from erp.inventory.filters import PurchaseOrderFilter
    from erp.inventory.models import PurchaseOrder

    qs = PurchaseOrder.objects.filter(warehouse__in=warehouse_list(actor=actor)).select_related(
        "supplier", "warehouse", "created_by"
    )
    return apply_filter(PurchaseOrderFilter, filters, qs, actor=actor)


def po_get_for_user(*, actor: Any, pk: int) -> Any:
    from erp.inventory.models import PurchaseOrderEvent, PurchaseOrderLine, PurchaseReceipt, PurchaseReceiptLine

    return get_object_or_404(
        po_list(actor=actor).prefetch_related(
            Prefetch(
                "lines",
                queryset=PurchaseOrderLine.objects.select_related("variant", "variant__product").order_by("id"),
            ),
            Prefetch("events", queryset=PurchaseOrderEvent.objects.select_related("user").order_by("id")),
            Prefetch(
                "receipts",
                queryset=PurchaseReceipt.objects.select_related("user")
                .prefetch_related(Prefetch("lines", queryset=PurchaseReceiptLine.objects.order_by("id")))
                .order_by("id"),
            ),
        ),
        pk=pk,
    )


def count_list(*, actor: Any, filters: Any = None) -> QuerySet[Any]:
    from erp.inventory.filters import StockCountFilter
    from erp.inventory.models import StockCount

    qs = StockCount.objects.filter(warehouse__in=warehouse_list(actor=actor)).select_related(
        "warehouse", "category", "created_by", "posted_by"
    )
    return apply_filter(StockCountFilter, filters, qs, actor=actor)


def count_get_for_user(*, actor: Any, pk: int) -> Any:
    from erp.inventory.models import StockCountLine

    return get_object_or_404(
        count_list(actor=actor).prefetch_related(
            Prefetch(
                "lines",
                queryset=StockCountLine.objects.select_related("variant", "variant__product").order_by("variant__code"),
            )
        ),
        pk=pk,
    )


def adjustment_list(*, actor: Any, filters: Any = None) -> QuerySet[StockMovement]:
    from erp.inventory.filters import AdjustmentFilter

    qs = StockMovement.objects.filter(
        warehouse__in=warehouse_list(actor=actor), kind=StockMovement.Kind.ADJUSTMENT
    ).select_related("variant", "variant__product", "warehouse", "user")
    return apply_filter(AdjustmentFilter, filters, qs, actor=actor)


def below_minimum_bound() -> Q:
    """A condition on the balance alone that every alert meets: at or below zero, or below the highest minimum of
    any stocked product. It lets the planner find the few candidates by the quantity index (`inv_balance_quantity`)
    instead of joining every balance to its product (250 ms at 40,000 balances); the exact comparison with the
    balance's own product still follows. Costs one aggregate, read from the products' minimum index."""
    highest = Product.objects.exclude(kind=Product.Kind.SERVICE).aggregate(m=Max("minimum_stock"))["m"]
    return Q(quantity__lte=max(highest or Decimal(0), Decimal(0)))


def alert_list(*, actor: Any, filters: Any = None) -> QuerySet[StockBalance]:
    """Balances at or below zero, or below their product's minimum, in the user's warehouses (services excluded).
    `state` is annotated: negative, out or low."""
    from django.db.models import Case, CharField, F, Q, Value, When

    from erp.inventory.filters import StockAlertFilter

    qs = (
        StockBalance.objects.filter(warehouse__in=warehouse_list(actor=actor))
        .filter(below_minimum_bound())
        .filter(Q(quantity__lte=0) | Q(quantity__lt=F("variant__product__minimum_stock")))
        .exclude(variant__product__kind=Product.Kind.SERVICE)
        .select_related("variant", "variant__product", "variant__product__category", "warehouse")
        .annotate(
            state=Case(
                When(quantity__lt=0, then=Value("negative")),
                When(quantity=0, then=Value("out")),
                default=Value("low"),
                output_field=CharField(),
            )
        )
    )
    return apply_filter(StockAlertFilter, filters, qs, actor=actor)
