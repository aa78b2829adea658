"""Catalogue writes beyond creation: product and variant updates, the price history they write, and bulk price
updates (preview, then one audited transaction).

Every price change — a manual edit, a bulk update or an import — goes through `_price_changes_write`, so the price
history is complete; every product write added here ends in `_products_changed`.
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from erp.accounts.access import access_for, require_perm
from erp.core.exceptions import ConflictError
from erp.core.text import normalize_code
from erp.inventory.models import (
    BulkPriceUpdate,
    Category,
    ImportJob,
    PriceChange,
    Product,
    Variant,
)
from erp.inventory.services import _product_search_text

CENT = Decimal("0.01")
PRICE_FIELDS = {"retail_price": PriceChange.Field.RETAIL, "wholesale_price": PriceChange.Field.WHOLESALE}
PRODUCT_FIELDS = (
    "name",
    "name_en",
    "category",
    "kind",
    "unit",
    "material",
    "width_cm",
    "retail_price",
    "wholesale_price",
    "minimum_stock",
    "is_active",
)
VARIANT_FIELDS = ("colour", "barcode", "retail_price", "wholesale_price", "is_active")
SEARCH_FIELDS = {"name", "name_en", "material", "colour", "barcode"}


def _products_changed(product_ids: Iterable[int]) -> None:
    """Every product write of the catalogue-data services ends here (updates, prices, images, imports): the public
    catalogue's edge outbox gets one entry per product, in the caller's transaction."""
    from erp.catalogue.sync import catalogue_mark_changed

    ids = sorted(set(product_ids))
    if ids:
        catalogue_mark_changed(product_ids=ids)


# ---------------------------------------------------------------------------------------------------------------
# Price history


@dataclass(frozen=True)
class PriceDelta:
    product_id: int
    variant_id: int | None
    field: str  # PriceChange.Field
    old: Decimal | None
    new: Decimal | None


def _price_changes_write(
    deltas: Sequence[PriceDelta],
    *,
    source: str,
    user: Any,
    bulk: BulkPriceUpdate | None = None,
    job: ImportJob | None = None,
) -> list[PriceChange]:
    rows = [
        PriceChange(
            product_id=d.product_id,
            variant_id=d.variant_id,
            field=d.field,
            old_value=d.old,
            new_value=d.new,
            source=source,
            bulk_update=bulk,
            import_job=job,
            user=user if getattr(user, "pk", None) else None,
        )
        for d in deltas
        if d.old != d.new
    ]
    return PriceChange.objects.bulk_create(rows, batch_size=1000)


def price_history(*, product: Product, limit: int = 30) -> list[PriceChange]:
    """The latest price changes of a product and its variants (one query; a bulk update is linked by its id)."""
    return list(PriceChange.objects.filter(product=product).select_related("variant", "user").order_by("-id")[:limit])


# ---------------------------------------------------------------------------------------------------------------
# Product and variant updates


def _refresh_search_text(product: Product) -> None:
    product.search_text = _product_search_text(product, Variant.objects.filter(product=product))
    Product.objects.filter(pk=product.pk).update(search_text=product.search_text)


def product_changes_apply(
    *, product: Product, data: dict[str, Any], user: Any, source: str, job: ImportJob | None = None
) -> list[str]:
    """Apply `data` to a locked `product` (no permission check: callers check). Returns the changed field names."""
    changed = [name for name in PRODUCT_FIELDS if name in data and getattr(product, name) != data[name]]
    if not changed:
        return []
    deltas = [
        PriceDelta(product.pk, None, PRICE_FIELDS[name], getattr(product, name), data[name])
        for name in changed
        if name in PRICE_FIELDS
    ]
    for name in changed:
        setattr(product, name, data[name])
    product.full_clean(validate_unique=False)
    product.save(update_fields=[*changed, "updated_at"])
    _price_changes_write(deltas, source=source, user=user, job=job)
    if SEARCH_FIELDS.intersection(changed):
        _refresh_search_text(product)
    return changed


def variant_changes_apply(
    *, variant: Variant, data: dict[str, Any], user: Any, source: str, job: ImportJob | None = None
) -> list[str]:
    changed = [name for name in VARIANT_FIELDS if name in data and getattr(variant, name) != data[name]]
    if not changed:
        return []
    deltas = [
        PriceDelta(variant.product_id, variant.pk, PRICE_FIELDS[name], getattr(variant, name), data[name])
        for name in changed
        if name in PRICE_FIELDS
    ]
    for name in changed:
        setattr(variant, name, data[name])
    variant.full_clean(exclude=["product"])
    variant.save(update_fields=[*changed, "updated_at"])
    _price_changes_write(deltas, source=source, user=user, job=job)
    if SEARCH_FIELDS.intersection(changed):
        _refresh_search_text(variant.product)
    return changed


def _require_price_permission(actor: Any, changed: Sequence[str]) -> None:
    if set(changed) & set(PRICE_FIELDS):
        require_perm(actor, "inventory.change_prices")


@transaction.atomic
def product_update(*, actor: Any, product: Product, data: dict[str, Any]) -> Product:
    """Edit a product (code excepted: it is the QR key). Price changes need `change_prices` and are recorded."""
    require_perm(actor, "inventory.manage_catalogue")
    locked = Product.objects.select_for_update().get(pk=product.pk)
    values = {k: v for k, v in data.items() if k in PRODUCT_FIELDS}
    for name in ("name", "name_en", "material"):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()
    for name in PRICE_FIELDS:
        if name in values and (values[name] is None or values[name] < 0):
            raise ValidationError({name: _("Prices cannot be negative.")})
    _require_price_permission(actor, [n for n in values if getattr(locked, n) != values[n]])
    changed = product_changes_apply(product=locked, data=values, user=actor, source=PriceChange.Source.MANUAL)
    if changed:
        _products_changed([locked.pk])
    return locked


@transaction.atomic
def variant_update(*, actor: Any, variant: Variant, data: dict[str, Any]) -> Variant:
    """Edit a colour: name, barcode, price overrides (empty = the product's price), active flag."""
    require_perm(actor, "inventory.manage_catalogue")
    locked = Variant.objects.select_for_update().select_related("product").get(pk=variant.pk)
    values = {k: v for k, v in data.items() if k in VARIANT_FIELDS}
    if "barcode" in values:
        values["barcode"] = normalize_code(values["barcode"] or "") or None
    if isinstance(values.get("colour"), str):
        values["colour"] = values["colour"].strip()
    for name in PRICE_FIELDS:
        if name in values and values[name] is not None and values[name] < 0:
            raise ValidationError({name: _("Prices cannot be negative.")})
    _require_price_permission(actor, [n for n in values if getattr(locked, n) != values[n]])
    changed = variant_changes_apply(variant=locked, data=values, user=actor, source=PriceChange.Source.MANUAL)
    if changed:
        _products_changed([locked.product_id])
    return locked


# ---------------------------------------------------------------------------------------------------------------
# Bulk price updates


@dataclass(frozen=True)
class BulkPriceParams:
    method: str  # BulkPriceUpdate.Method
    direction: str  # BulkPriceUpdate.Direction
    amount: Decimal
    apply_retail: bool = True
    apply_wholesale: bool = False
    rounding: str = BulkPriceUpdate.Rounding.CENTS
    category: Category | None = None
    product_codes: tuple[str, ...] = ()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.amount is None or self.amount <= 0:
            errors["amount"] = _("Enter an amount above zero.")
        elif self.method == BulkPriceUpdate.Method.PERCENT and self.amount > 1000:
            errors["amount"] = _("A percentage cannot exceed 1000.")
        elif (
            self.method == BulkPriceUpdate.Method.PERCENT
            and self.direction == BulkPriceUpdate.Direction.DOWN
            and self.amount > 100
        ):
            errors["amount"] = _("A decrease cannot exceed 100%.")
        if not (self.apply_retail or self.apply_wholesale):
            errors["apply_retail"] = _("Choose the retail price, the wholesale price or both.")
        if self.category is None and not self.product_codes:
            errors["category"] = _("Choose a category or list product codes.")
        if self.category is not None and self.product_codes:
            errors["category"] = _("Choose a category or list product codes, not both.")
        if self.method not in BulkPriceUpdate.Method.values:
            errors["method"] = _("Choose a method.")
        if self.direction not in BulkPriceUpdate.Direction.values:
            errors["direction"] = _("Choose a direction.")
        if self.rounding not in BulkPriceUpdate.Rounding.values:
            errors["rounding"] = _("Choose a rounding rule.")
        if errors:
            raise ValidationError(errors)

    def new_price(self, old: Decimal) -> Decimal:
        sign = 1 if self.direction == BulkPriceUpdate.Direction.UP else -1
        if self.method == BulkPriceUpdate.Method.PERCENT:
            value = old * (Decimal(100) + sign * self.amount) / Decimal(100)
        else:
            value = old + sign * self.amount
        step = Decimal(self.rounding)
        value = (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_product_codes(text: str) -> tuple[str, ...]:
    """Codes pasted from a sheet: separated by spaces, commas or new lines; Arabic digits folded; kept unique."""
    seen: dict[str, None] = {}
    for raw in normalize_code(text or "").replace(",", " ").replace("،", " ").split():
        seen.setdefault(raw.upper(), None)
    return tuple(seen)


@dataclass
class BulkPriceLine:
    product_id: int
    code: str
    name: str
    old_retail: Decimal
    new_retail: Decimal
    old_wholesale: Decimal
    new_wholesale: Decimal

    @property
    def negative(self) -> bool:
        return self.new_retail < 0 or self.new_wholesale < 0

    @property
    def changes(self) -> bool:
        return self.old_retail != self.new_retail or self.old_wholesale != self.new_wholesale


@dataclass
class BulkPricePreview:
    lines: list[BulkPriceLine]
    variant_deltas: list[PriceDelta]
    params_key: str = ""
    unknown_codes: list[str] = field(default_factory=list)

    @property
    def changing(self) -> list[BulkPriceLine]:
        return [line for line in self.lines if line.changes]

    @property
    def negative_count(self) -> int:
        return sum(1 for line in self.lines if line.negative) + sum(
            1 for d in self.variant_deltas if d.new is not None and d.new < 0
        )

    @property
    def count(self) -> int:
        return len(self.changing)

    @property
    def fingerprint(self) -> str:
        """What the preview showed: applying checks the same products still have the same prices."""
        text = self.params_key + "#" + "|".join(f"{x.product_id}:{x.old_retail}:{x.old_wholesale}" for x in self.lines)
        text += "#" + "|".join(f"{d.variant_id}:{d.field}:{d.old}" for d in self.variant_deltas)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def _bulk_products(params: BulkPriceParams) -> QuerySet[Product]:
    if params.category is not None:
        return Product.objects.filter(category__path__startswith=params.category.path)
    return Product.objects.filter(code__in=params.product_codes)


def _bulk_compute(params: BulkPriceParams, products: Iterable[Any], variants: Iterable[Any]) -> BulkPricePreview:
    lines = [
        BulkPriceLine(
            p.pk,
            p.code,
            p.name,
            p.retail_price,
            params.new_price(p.retail_price) if params.apply_retail else p.retail_price,
            p.wholesale_price,
            params.new_price(p.wholesale_price) if params.apply_wholesale else p.wholesale_price,
        )
        for p in products
    ]
    deltas = []
    for v in variants:  # a colour's own price moves by the same rule as the product's
        if params.apply_retail and v.retail_price is not None:
            deltas.append(
                PriceDelta(
                    v.product_id, v.pk, PriceChange.Field.RETAIL, v.retail_price, params.new_price(v.retail_price)
                )
            )
        if params.apply_wholesale and v.wholesale_price is not None:
            deltas.append(
                PriceDelta(
                    v.product_id,
                    v.pk,
                    PriceChange.Field.WHOLESALE,
                    v.wholesale_price,
                    params.new_price(v.wholesale_price),
                )
            )
    key = (
        f"{params.method}:{params.direction}:{params.amount}:{params.apply_retail}:{params.apply_wholesale}:"
        f"{params.rounding}:{params.category.pk if params.category else ''}:{','.join(params.product_codes)}"
    )
    return BulkPricePreview(lines, [d for d in deltas if d.old != d.new], key)


def _override_filter(params: BulkPriceParams) -> Q:
    q = Q()
    if params.apply_retail:
        q |= Q(retail_price__isnull=False)
    if params.apply_wholesale:
        q |= Q(wholesale_price__isnull=False)
    return q


def bulk_price_preview(*, params: BulkPriceParams) -> BulkPricePreview:
    """What a bulk update would do (two queries, nothing written)."""
    params.clean()
    products = list(_bulk_products(params).order_by("code").only("code", "name", "retail_price", "wholesale_price"))
    variants = Variant.objects.filter(product__in=_bulk_products(params)).filter(_override_filter(params))
    preview = _bulk_compute(
        params, products, variants.order_by("pk").only("product_id", "retail_price", "wholesale_price")
    )
    if params.product_codes:
        found = {p.code for p in products}
        preview.unknown_codes = [c for c in params.product_codes if c not in found]
    return preview


@transaction.atomic
def bulk_price_apply(
    *, actor: Any, params: BulkPriceParams, fingerprint: str | None = None, note: str = ""
) -> BulkPriceUpdate:
    """Apply a bulk price update in one transaction, with its audit entry and a PriceChange row per price.

    Refused without `change_prices`, when a price would go below zero, or when the prices changed since the
    preview whose `fingerprint` is given.
    """
    require_perm(actor, "inventory.change_prices")
    params.clean()
    products = list(
        _bulk_products(params)
        .select_for_update()
        .order_by("pk")
        .only("code", "name", "retail_price", "wholesale_price")
    )
    variants = list(
        Variant.objects.select_for_update()
        .filter(product__in=[p.pk for p in products])
        .filter(_override_filter(params))
        .order_by("pk")
        .only("product_id", "retail_price", "wholesale_price")
    )
    preview = _bulk_compute(params, sorted(products, key=lambda p: p.code), variants)
    if fingerprint and fingerprint != preview.fingerprint:
        raise ConflictError(_("Prices changed since the preview was made: review the new preview and apply again."))
    if preview.negative_count:
        raise ValidationError({"amount": _("This would make %(n)s prices negative.") % {"n": preview.negative_count}})
    if not preview.changing and not preview.variant_deltas:
        raise ValidationError({"amount": _("No price would change.")})

    by_pk = {p.pk: p for p in products}
    deltas: list[PriceDelta] = []
    touched: list[Product] = []
    for line in preview.changing:
        product = by_pk[line.product_id]
        deltas.append(PriceDelta(product.pk, None, PriceChange.Field.RETAIL, line.old_retail, line.new_retail))
        deltas.append(PriceDelta(product.pk, None, PriceChange.Field.WHOLESALE, line.old_wholesale, line.new_wholesale))
        product.retail_price, product.wholesale_price = line.new_retail, line.new_wholesale
        touched.append(product)
    Product.objects.bulk_update(touched, ["retail_price", "wholesale_price"], batch_size=500)
    variants_by_pk: dict[int | None, Variant] = {v.pk: v for v in variants}
    for d in preview.variant_deltas:
        setattr(variants_by_pk[d.variant_id], f"{d.field}_price", d.new)
    Variant.objects.bulk_update(
        [variants_by_pk[pk] for pk in {d.variant_id for d in preview.variant_deltas}],
        ["retail_price", "wholesale_price"],
        batch_size=500,
    )
    audit = BulkPriceUpdate.objects.create(
        user=actor,
        category=params.category,
        product_codes=list(params.product_codes),
        method=params.method,
        direction=params.direction,
        amount=params.amount,
        apply_retail=params.apply_retail,
        apply_wholesale=params.apply_wholesale,
        rounding=params.rounding,
        note=note.strip()[:255],
        product_count=len({d.product_id for d in deltas} | {d.product_id for d in preview.variant_deltas}),
    )
    written = _price_changes_write(
        [*deltas, *preview.variant_deltas], source=PriceChange.Source.BULK, user=actor, bulk=audit
    )
    audit.change_count = len(written)
    audit.save(update_fields=["change_count"])
    _products_changed({d.product_id for d in written})
    return audit


def can_change_prices(user: Any) -> bool:
    return access_for(user).has_perm("inventory.change_prices")
