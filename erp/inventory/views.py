"""Inventory pages: product list and detail, warehouses, and the movement ledger."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from erp.accounts.access import require_perm
from erp.accounts.models import SecurityEvent
from erp.accounts.services import security_event_record
from erp.core.exports import xlsx_response
from erp.core.filters import filter_form
from erp.core.keyset import keyset_page
from erp.core.text import normalize_code
from erp.inventory import selectors
from erp.inventory.catalogue_views import product_gallery_context
from erp.inventory.filters import MovementFilter, ProductFilter
from erp.inventory.images import first_images
from erp.inventory.models import Product, StockMovement, Variant

PRODUCT_ORDERINGS = {"code": ("code", "id"), "name": ("name", "id"), "-updated": ("-updated_at", "-id")}
MAX_STOCK_COLUMNS = 8


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "inventory.view_stock")
    actor = request.user
    term = request.GET.get("search", "").strip()
    if term:  # a scanned barcode or an exact variant code jumps straight to the product
        hit = Variant.objects.filter(barcode=normalize_code(term)).only("product_id").first() or (
            Variant.objects.filter(code=normalize_code(term).upper()).only("product_id").first()
        )
        if hit is not None:
            return redirect("inventory:product_detail", pk=hit.product_id)
    try:
        products = selectors.product_list(actor=actor, filters=request.GET)
    except ValidationError:
        products = Product.objects.none()
    warehouses = list(selectors.warehouse_list(actor=actor).filter(is_active=True)[:MAX_STOCK_COLUMNS])
    if request.GET.get("export") == "xlsx":
        return _products_xlsx(request, products, warehouses)
    ordering = request.GET.get("ordering", "code")
    page = keyset_page(
        products, order=PRODUCT_ORDERINGS.get(ordering, PRODUCT_ORDERINGS["code"]), cursor=request.GET.get("after")
    )
    stock = selectors.stock_by_product(product_ids=[p.pk for p in page.rows], warehouses=warehouses)
    thumbs = first_images([p.pk for p in page.rows])  # one query for the page (catalogue data)
    rows = [
        {
            "product": p,
            "stock": [stock[p.pk][w.pk] for w in warehouses],
            "total": sum(stock[p.pk].values()),
            "thumb": thumbs.get(p.pk),
        }
        for p in page.rows
    ]
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "inventory/product_list.html",
        {
            "rows": rows,
            "page": page,
            "warehouses": warehouses,
            "filter_form": filter_form(ProductFilter, request.GET, actor=actor),
            "ordering": ordering,
            "query": query.urlencode(),
        },
    )


def _products_xlsx(request: HttpRequest, products: Any, warehouses: list[Any]) -> HttpResponse:
    from django.utils.translation import gettext as _

    security_event_record(
        kind=SecurityEvent.Kind.EXPORT, user=request.user, request=request, detail={"what": "products"}
    )

    def rows() -> Any:
        batch: list[Product] = []
        for product in products.order_by("code").iterator(chunk_size=1000):
            batch.append(product)
            if len(batch) == 1000:
                yield from _export_rows(request, batch, warehouses)
                batch = []
        yield from _export_rows(request, batch, warehouses)

    headers = [_("Code"), _("Name"), _("Category"), _("Unit"), _("Retail price"), _("Wholesale price")]
    headers += [w.name for w in warehouses] + [_("Total")]
    return xlsx_response(filename="products", headers=headers, rows=rows())


def _export_rows(request: HttpRequest, batch: list[Product], warehouses: list[Any]) -> Any:
    stock = selectors.stock_by_product(product_ids=[p.pk for p in batch], warehouses=warehouses)
    for p in batch:
        per = [stock[p.pk][w.pk] for w in warehouses]
        yield [
            p.code,
            p.name,
            p.category.full_name,
            p.get_unit_display(),
            p.retail_price,
            p.wholesale_price,
            *per,
            sum(per),
        ]


@login_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.view_stock")
    product = selectors.product_get(pk=pk)
    variants = list(product.variants.all())
    balances = selectors.stock_for_variants(actor=request.user, variant_ids=[v.pk for v in variants])
    movements = selectors.product_movements(actor=request.user, product=product)
    return render(
        request,
        "inventory/product_detail.html",
        {
            "product": product,
            "variants": [{"variant": v, "balances": balances.get(v.pk, [])} for v in variants],
            "movements": movements,
            **product_gallery_context(request, product, variants),
        },
    )


@login_required
def warehouse_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "inventory.view_stock")
    warehouses = list(selectors.warehouse_list(actor=request.user))
    return render(request, "inventory/warehouse_list.html", {"warehouses": warehouses})


@login_required
def movement_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "inventory.view_stock")
    try:
        movements = selectors.movement_list(actor=request.user, filters=request.GET)
    except ValidationError:
        movements = StockMovement.objects.none()
    page = keyset_page(movements, order=("-id",), cursor=request.GET.get("after"), size=50)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "inventory/movement_list.html",
        {
            "page": page,
            "filter_form": filter_form(MovementFilter, request.GET, actor=request.user),
            "query": query.urlencode(),
        },
    )
