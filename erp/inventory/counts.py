"""Stock counts and manual adjustments, both written to the ledger through `stock_apply`.

A count sheet snapshots the expected quantity of every variant held in the warehouse (optionally one category's
subtree, including its variants with no stock row yet). Staff enter counted quantities; posting creates one
adjustment movement (reason count) per line whose count differs from the snapshot — once: the sheet is locked,
each line's key is `count:<sheet>:<line>`, and a posted sheet cannot be posted again.

Permissions: entering counts needs `inventory.manage_stock` in the warehouse's scope; opening, posting and
cancelling a sheet and manual adjustments need `inventory.adjust_stock` in that scope.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.accounts.access import access_for
from erp.accounts.scoping import scope_for
from erp.core.counters import counter_next
from erp.core.exceptions import InvalidTransition, PermissionDeniedError
from erp.inventory.models import Category, StockBalance, StockCount, StockCountLine, StockMovement, Variant, Warehouse
from erp.inventory.services import StockLine, StockResult, stock_apply

C = StockCount.Status
ADJUSTMENT_REASONS = (StockMovement.Reason.DAMAGE, StockMovement.Reason.COUNT, StockMovement.Reason.OTHER)


def _check(user: Any, perm: str, warehouse: Warehouse) -> None:
    if not access_for(user).has_perm(perm) or not (
        scope_for(user, "warehouses", Warehouse.objects.filter(pk=warehouse.pk)).exists()
    ):
        raise PermissionDeniedError(_("You may not do this in this warehouse."))


def count_can(user: Any, action: str, count: StockCount) -> bool:
    """For pages: whether `user` may `enter` counts or `post`/`cancel` the (open) sheet. No query: the view
    already limited the sheet to the user's warehouses."""
    if count.status != C.OPEN:
        return False
    perm = "inventory.manage_stock" if action == "enter" else "inventory.adjust_stock"
    return access_for(user).has_perm(perm)


@transaction.atomic
def count_create(*, user: Any, warehouse: Warehouse, category: Category | None = None, note: str = "") -> StockCount:
    _check(user, "inventory.adjust_stock", warehouse)
    count = StockCount.objects.create(
        number=f"SC-{counter_next('inventory.stock_count'):06d}",
        warehouse=warehouse,
        category=category,
        note=note.strip(),
        created_by=user,
    )
    balances = StockBalance.objects.filter(warehouse=warehouse).exclude(variant__product__kind="service")
    if category is not None:
        balances = balances.filter(variant__product__category__path__startswith=category.path)
    expected = dict(balances.values_list("variant_id", "quantity"))
    if category is not None:
        others = Variant.objects.filter(
            product__category__path__startswith=category.path, is_active=True, product__is_active=True
        ).exclude(product__kind="service")
        for variant_id in others.values_list("pk", flat=True):
            expected.setdefault(variant_id, Decimal(0))
    StockCountLine.objects.bulk_create(
        StockCountLine(count=count, variant_id=v, expected=q) for v, q in sorted(expected.items())
    )
    return count


@transaction.atomic
def count_enter(*, user: Any, count: StockCount, counted: dict[int, Decimal | None]) -> StockCount:
    """Record counted quantities (line id → quantity, None clears it) on an open sheet."""
    count = StockCount.objects.select_for_update().select_related("warehouse").get(pk=count.pk)
    if count.status != C.OPEN:
        raise InvalidTransition(_("This count is closed."), extra={"to": []})
    _check(user, "inventory.manage_stock", count.warehouse)
    lines = {line.pk: line for line in count.lines.all()}
    changed = []
    for line_id, value in counted.items():
        line = lines.get(int(line_id))
        if line is None:
            raise ValidationError({"counted": _("Line %(line)s is not on this sheet.") % {"line": line_id}})
        if value is not None and value < 0:
            raise ValidationError({"counted": _("A counted quantity cannot be negative.")})
        line.counted = value
        changed.append(line)
    StockCountLine.objects.bulk_update(changed, ["counted"], batch_size=500)
    count.save(update_fields=["updated_at"])
    return count


@transaction.atomic
def count_post(*, user: Any, count: StockCount) -> StockResult:
    """Adjust the differences (counted − expected) of the counted lines; uncounted lines are left alone."""
    count = StockCount.objects.select_for_update().select_related("warehouse").get(pk=count.pk)
    if count.status != C.OPEN:
        raise InvalidTransition(_("A %(status)s count cannot be posted.") % {"status": count.status}, extra={"to": []})
    _check(user, "inventory.adjust_stock", count.warehouse)
    lines = [line for line in count.lines.all() if line.counted is not None and line.counted != line.expected]
    result = stock_apply(
        lines=[
            StockLine(
                line.variant_id,
                count.warehouse_id,
                line.counted - line.expected,  # type: ignore[operator]
                StockMovement.Kind.ADJUSTMENT,
                StockMovement.Reason.COUNT,
                f"count:{count.pk}:{line.pk}",
                count.number,
            )
            for line in lines
        ],
        user=user,
    )
    count.status = C.POSTED
    count.posted_by = user
    count.posted_at = timezone.now()
    count.save(update_fields=["status", "posted_by", "posted_at", "updated_at"])
    return result


@transaction.atomic
def count_cancel(*, user: Any, count: StockCount) -> StockCount:
    count = StockCount.objects.select_for_update().select_related("warehouse").get(pk=count.pk)
    if count.status != C.OPEN:
        raise InvalidTransition(_("Only an open count can be cancelled."), extra={"to": []})
    _check(user, "inventory.adjust_stock", count.warehouse)
    count.status = C.CANCELLED
    count.save(update_fields=["status", "updated_at"])
    return count


def stock_adjust(
    *,
    user: Any,
    warehouse: Warehouse,
    variant: Variant,
    quantity: Decimal,
    reason: str,
    note: str,
    key: str,
) -> StockResult:
    """A manual correction (signed quantity) with a reason and a note. `key` makes a retried request harmless."""
    _check(user, "inventory.adjust_stock", warehouse)
    errors: dict[str, str] = {}
    if reason not in ADJUSTMENT_REASONS:
        errors["reason"] = _("Choose damage, count or other.")
    if not note.strip():
        errors["note"] = _("Explain the adjustment.")
    if not quantity:
        errors["quantity"] = _("A stock movement cannot be zero.")
    if not key.strip():
        errors["key"] = _("An adjustment needs an idempotency key.")
    if errors:
        raise ValidationError(errors)
    line = StockLine(
        variant.pk,
        warehouse.pk,
        quantity,
        StockMovement.Kind.ADJUSTMENT,
        reason,
        f"adjust:{key.strip()}",
        "",
        note.strip(),
    )
    return stock_apply(lines=[line], user=user)
