"""Catalogue reads: the public card (cached under a versioned namespace), label sheets and the sync status."""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from erp.catalogue.filters import LabelFilter
from erp.catalogue.models import DesignSettings, SyncEntry
from erp.core.cache import cached
from erp.core.filters import apply_filter
from erp.core.text import normalize_code
from erp.inventory.models import Product, Variant

# Bumped (after commit) by every product change that marks the outbox.
CACHE_NAMESPACE = "catalogue"
# Bumped by the design settings service only: product changes do not evict the design.
DESIGN_NAMESPACE = "catalogue-design"
CARD_CACHE_SECONDS = 3600


def normalize_product_code(code: str) -> str:
    """Codes as stored: ASCII digits (Arabic-Indic ones folded), no surrounding space, upper case."""
    return normalize_code(code).upper()


def product_images(*, product_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Photos of the cards, {product id: [{"url", "width", "height", "alt"}, …]} in display order: one query over
    the image table for all `product_ids`, thumbnails only (an image whose thumbnail is not made yet is left out)."""
    from django.urls import reverse

    from erp.inventory.models import ProductImage

    out: dict[int, list[dict[str, Any]]] = {}
    rows = (
        ProductImage.objects.filter(product_id__in=product_ids)
        .exclude(thumbnail="")
        .order_by("product_id", "position", "id")
        .values_list("pk", "product_id", "thumb_width", "thumb_height")
    )
    for pk, product_id, width, height in rows:
        url = reverse("catalogue_public:photo", kwargs={"pk": pk})
        out.setdefault(product_id, []).append({"url": url, "width": width, "height": height, "alt": ""})
    return out


def public_photo_name(*, pk: int) -> str | None:
    """The stored thumbnail of image `pk` when its product is public (active), else None."""
    from erp.inventory.models import ProductImage

    name = (
        ProductImage.objects.filter(pk=pk, product__is_active=True)
        .exclude(thumbnail="")
        .values_list("thumbnail", flat=True)
        .first()
    )
    return name or None


def _variant_price(variant: Variant, product: Product) -> Decimal:
    return variant.retail_price if variant.retail_price is not None else product.retail_price


def product_cards(*, products: QuerySet[Product]) -> dict[int, dict[str, Any]]:
    """What the public card and the edge show for each product, by id: two queries (plus the images' one).

    Only public fields: no wholesale price, no stock, no cost.
    """
    rows = list(
        products.select_related("category").prefetch_related(
            Prefetch("variants", queryset=Variant.objects.filter(is_active=True).order_by("code"))
        )
    )
    images = product_images(product_ids=[p.pk for p in rows]) if rows else {}
    cards: dict[int, dict[str, Any]] = {}
    for p in rows:
        variants = [
            {"code": v.code, "colour": v.colour, "price": _variant_price(v, p), "is_default": v.is_default}
            for v in p.variants.all()
        ]
        cards[p.pk] = {
            "id": p.pk,
            "code": p.code,
            "name": p.name,
            "name_en": p.name_en,
            "category": p.category.full_name or p.category.name,
            "kind": p.kind,
            "unit": p.unit,
            "material": p.material,
            "width_cm": p.width_cm,
            "price": p.retail_price,
            "is_active": p.is_active,
            "colours": [v for v in variants if v["colour"]],
            "variants": variants,
            "images": images.get(p.pk, []),
            "updated_at": p.updated_at,
        }
    return cards


def _card_lookup(code: str) -> dict[str, Any] | None:
    cards = product_cards(products=Product.objects.filter(code=code, is_active=True))
    return next(iter(cards.values()), None)


def card_get(*, code: str) -> dict[str, Any] | None:
    """The public card of an active product by its code (Arabic digits allowed), or None. Cached, misses too."""
    code = normalize_product_code(code)
    if not code or len(code) > Product._meta.get_field("code").max_length:  # type: ignore[operator]
        return None
    return cached(CACHE_NAMESPACE, f"card:{code}", lambda: _card_lookup(code), timeout=CARD_CACHE_SECONDS)


def design_get() -> DesignSettings:
    """The design settings row (one query, cached), or unsaved defaults before anyone edited them."""

    def load() -> DesignSettings:
        return DesignSettings.objects.filter(pk=1).first() or DesignSettings(pk=1)

    return cached(DESIGN_NAMESPACE, "design", load, timeout=CARD_CACHE_SECONDS)


def design_get_for_update() -> DesignSettings:
    """The row itself, uncached, for the edit page."""
    return DesignSettings.objects.filter(pk=1).first() or DesignSettings(pk=1)


def label_products(*, actor: Any, filters: Any = None) -> QuerySet[Product]:
    qs = Product.objects.filter(is_active=True).select_related("category").order_by("code", "id")
    return apply_filter(LabelFilter, filters, qs, actor=actor)


def sync_summary() -> dict[str, Any]:
    """Counts by status and the last delivery, in one query (the due index serves the status filters)."""
    return SyncEntry.objects.aggregate(
        pending=Count("id", filter=Q(status__in=[SyncEntry.Status.PENDING, SyncEntry.Status.SENDING])),
        failed=Count("id", filter=Q(status=SyncEntry.Status.FAILED)),
        delivered=Count("id", filter=Q(status=SyncEntry.Status.DONE)),
        last_success=Max("sent_at"),
    )


def sync_failed_list() -> QuerySet[SyncEntry]:
    return SyncEntry.objects.filter(status=SyncEntry.Status.FAILED).order_by("-updated_at", "-id")
