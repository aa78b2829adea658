"""Catalogue writes and the one writer of stock.

Every stock change goes through `stock_apply`: balances are locked with SELECT … FOR UPDATE in primary-key order
(so concurrent postings never deadlock or oversell), updated with F() expressions, and each change writes one
immutable ledger row carrying an idempotency key — a retried step finds its key and does nothing twice.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from erp.catalogue.sync import catalogue_mark_changed
from erp.core.exceptions import InsufficientStock
from erp.core.text import normalize_code, normalize_search
from erp.inventory.models import Category, Product, StockBalance, StockMovement, Variant, Warehouse

# ---------------------------------------------------------------------------------------------------------------
# Catalogue


@transaction.atomic
def category_create(*, name: str, parent: Category | None = None, name_en: str = "") -> Category:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    full_name = f"{parent.full_name} / {name}" if parent else name
    values = {"name": name, "name_en": name_en, "full_name": full_name}
    if parent:
        return Category.objects.add_child(parent, values)  # type: ignore[attr-defined, no-any-return]
    return Category.objects.add_root(values)  # type: ignore[attr-defined, no-any-return]


@transaction.atomic
def category_rename(*, category: Category, name: str) -> Category:
    """Renaming rewrites the stored full names of the whole subtree in one pass (no query per ancestor on reads)."""
    old_prefix = category.full_name
    category.name = name.strip()
    parent = Category.objects.get_parent(category)  # type: ignore[attr-defined]
    category.full_name = f"{parent.full_name} / {category.name}" if parent else category.name
    category.save(update_fields=["name", "full_name", "updated_at"])
    descendants = list(Category.objects.get_descendants(category))  # type: ignore[attr-defined]
    for node in descendants:
        node.full_name = category.full_name + node.full_name[len(old_prefix) :]
    Category.objects.bulk_update(descendants, ["full_name"], batch_size=500)
    return category


def _product_search_text(product: Product, variants: Iterable[Variant] = ()) -> str:
    parts = [product.code, product.name, product.name_en, product.material]
    for v in variants:
        parts.extend([v.code, v.colour, v.barcode or ""])
    return normalize_search(" ".join(p for p in parts if p))


@transaction.atomic
def product_create(
    *,
    code: str,
    name: str,
    category: Category,
    retail_price: Decimal,
    wholesale_price: Decimal,
    colours: Sequence[tuple[str, str]] = (),
    **fields: Any,
) -> Product:
    """A product and its variants: one per (variant code suffix, colour), or a single default variant."""
    product = Product(
        code=normalize_code(code).upper(),
        name=name.strip(),
        category=category,
        retail_price=retail_price,
        wholesale_price=wholesale_price,
        **fields,
    )
    product.full_clean()
    product.save()
    if colours:
        variants = [
            Variant(product=product, code=f"{product.code}-{normalize_code(suffix).upper()}", colour=colour)
            for suffix, colour in colours
        ]
    else:
        variants = [Variant(product=product, code=product.code, is_default=True)]
    for variant in variants:
        variant.full_clean(exclude=["product"])
    Variant.objects.bulk_create(variants)
    product.search_text = _product_search_text(product, variants)
    product.save(update_fields=["search_text"])
    catalogue_mark_changed(product_ids=[product.pk])  # the public catalogue's edge outbox, same transaction
    return product


def variant_price(variant: Variant, *, wholesale: bool = False) -> Decimal:
    """The variant's price (its override, else the product's). `variant.product` should be select_related."""
    if wholesale:
        return variant.wholesale_price if variant.wholesale_price is not None else variant.product.wholesale_price
    return variant.retail_price if variant.retail_price is not None else variant.product.retail_price


@transaction.atomic
def warehouse_create(*, code: str, name: str, branch: Any, **fields: Any) -> Warehouse:
    warehouse = Warehouse(code=normalize_code(code).upper(), name=name.strip(), branch=branch, **fields)
    warehouse.full_clean()
    warehouse.save()
    return warehouse


# ---------------------------------------------------------------------------------------------------------------
# Stock: the one writer


@dataclass(frozen=True)
class StockLine:
    """One change to one balance. `quantity` is signed: negative takes stock out."""

    variant_id: int
    warehouse_id: int
    quantity: Decimal
    kind: str
    reason: str
    idempotency_key: str
    reference: str = ""
    note: str = ""
    allow_negative: bool = False  # only honoured where the warehouse allows negative stock for cutting


@dataclass(frozen=True)
class StockResult:
    movements: list[StockMovement]
    replayed: bool  # True when every line had been applied before (a retried step): nothing changed
    went_negative: list[StockMovement]  # movements that left a balance below zero (alerts are raised for them)


def stock_apply(*, lines: Sequence[StockLine], user: Any = None) -> StockResult:
    """Apply `lines` atomically: all of them, or none. Lines whose key was applied before are skipped.

    Raises InsufficientStock (nothing applied) when a balance would go below zero without permission.
    """
    if not lines:
        return StockResult([], True, [])
    for line in lines:
        if line.quantity == 0:
            raise ValidationError({"quantity": _("A stock movement cannot be zero.")})
    keys = [line.idempotency_key for line in lines]
    if len(set(keys)) != len(keys):
        raise ValidationError({"idempotency_key": _("Each line needs its own idempotency key.")})
    try:
        return _stock_apply_locked(lines=lines, user=user)
    except IntegrityError:
        # A concurrent call applied the same keys first; our transaction rolled back. Report what exists.
        existing = list(StockMovement.objects.filter(idempotency_key__in=keys))
        if len(existing) == len(keys):
            return StockResult(existing, True, [])
        raise


@transaction.atomic
def _stock_apply_locked(*, lines: Sequence[StockLine], user: Any) -> StockResult:
    keys = [line.idempotency_key for line in lines]
    done = {m.idempotency_key: m for m in StockMovement.objects.filter(idempotency_key__in=keys)}
    pending = [line for line in lines if line.idempotency_key not in done]
    if not pending:
        return StockResult([done[k] for k in keys], True, [])

    pairs = {(line.variant_id, line.warehouse_id) for line in pending}
    # Make sure a balance row exists for every pair, then lock them all in primary-key order.
    StockBalance.objects.bulk_create(
        [StockBalance(variant_id=v, warehouse_id=w) for v, w in pairs], ignore_conflicts=True
    )
    variant_ids = {v for v, _ in pairs}
    warehouse_ids = {w for _, w in pairs}
    locked = {
        (b.variant_id, b.warehouse_id): b
        for b in StockBalance.objects.select_for_update(of=("self",))
        .filter(variant_id__in=variant_ids, warehouse_id__in=warehouse_ids)
        .order_by("pk")
    }
    negative_ok = set(
        Warehouse.objects.filter(pk__in=warehouse_ids, allow_negative_for_cutting=True).values_list("pk", flat=True)
    )

    # Check every line against the running balances before writing anything.
    running = {pair: locked[pair].quantity for pair in pairs}
    after: list[Decimal] = []
    for line in pending:
        pair = (line.variant_id, line.warehouse_id)
        new = running[pair] + line.quantity
        if new < 0 and not (line.allow_negative and line.warehouse_id in negative_ok):
            raise InsufficientStock(
                _("Not enough stock: %(available)s available, %(wanted)s wanted.")
                % {"available": running[pair], "wanted": -line.quantity},
                extra={"variant": line.variant_id, "warehouse": line.warehouse_id, "available": str(running[pair])},
            )
        running[pair] = new
        after.append(new)

    for pair in pairs:
        delta = sum((line.quantity for line in pending if (line.variant_id, line.warehouse_id) == pair), Decimal(0))
        if delta:
            StockBalance.objects.filter(pk=locked[pair].pk).update(quantity=F("quantity") + delta)

    _raise_alerts(locked, running)
    movements = StockMovement.objects.bulk_create(
        StockMovement(
            variant_id=line.variant_id,
            warehouse_id=line.warehouse_id,
            kind=line.kind,
            reason=line.reason,
            quantity=line.quantity,
            balance_after=balance,
            reference=line.reference,
            idempotency_key=line.idempotency_key,
            user=user,
            note=line.note,
        )
        for line, balance in zip(pending, after, strict=True)
    )
    by_key = {m.idempotency_key: m for m in movements} | done
    went_negative = [m for m in movements if m.balance_after < 0]
    return StockResult([by_key[k] for k in keys], False, went_negative)


def _raise_alerts(locked: dict[tuple[int, int], StockBalance], running: dict[tuple[int, int], Decimal]) -> None:
    """Alerts (after commit) for balances that fell below their minimum, to zero or below. Only a posting that
    lowers a balance can cross, so a receipt costs no extra query."""
    from erp.inventory.alerts import crossings, dispatch_on_commit

    lowered = [pair for pair, after in running.items() if after < locked[pair].quantity]
    if not lowered:
        return
    minimums = dict(Variant.objects.filter(pk__in={v for v, _ in lowered}).values_list("pk", "product__minimum_stock"))
    dispatch_on_commit(crossings([(v, w, locked[(v, w)].quantity, running[(v, w)], minimums[v]) for v, w in lowered]))


def stock_receive(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: Decimal,
    reason: str,
    key: str,
    user: Any = None,
    reference: str = "",
) -> StockResult:
    if quantity <= 0:
        raise ValidationError({"quantity": _("Enter a quantity above zero.")})
    line = StockLine(variant.pk, warehouse.pk, quantity, StockMovement.Kind.IN, reason, key, reference)
    return stock_apply(lines=[line], user=user)


def stock_issue(
    *,
    variant: Variant,
    warehouse: Warehouse,
    quantity: Decimal,
    reason: str,
    key: str,
    user: Any = None,
    reference: str = "",
    for_cutting: bool = False,
) -> StockResult:
    if quantity <= 0:
        raise ValidationError({"quantity": _("Enter a quantity above zero.")})
    line = StockLine(
        variant.pk, warehouse.pk, -quantity, StockMovement.Kind.OUT, reason, key, reference, allow_negative=for_cutting
    )
    return stock_apply(lines=[line], user=user)


def stock_ledger_mismatches() -> list[dict[str, Any]]:
    """Balances whose quantity differs from the sum of their ledger rows (should always be empty)."""
    sums = {
        (row["variant_id"], row["warehouse_id"]): row["total"]
        for row in StockMovement.objects.values("variant_id", "warehouse_id").annotate(total=Sum("quantity"))
    }
    out = []
    for balance in StockBalance.objects.values("variant_id", "warehouse_id", "quantity").iterator(chunk_size=2000):
        key = (balance["variant_id"], balance["warehouse_id"])
        ledger = sums.pop(key, Decimal(0))
        if ledger != balance["quantity"]:
            out.append({"variant": key[0], "warehouse": key[1], "balance": balance["quantity"], "ledger": ledger})
    out.extend({"variant": v, "warehouse": w, "balance": None, "ledger": total} for (v, w), total in sums.items())
    return out
