"""Suppliers and purchase orders.

draft → approved → partially_received → received, or draft/approved → cancelled (never after a receipt). Lines are
edited only in draft. A receipt (per-line quantities, never above what remains) moves stock in through `stock_apply`
with reason purchase and one idempotency key per receipt line, derived from the submission's key: a retried or
double-submitted receipt finds its key (under the order's row lock) and moves nothing twice.

Permissions: `inventory.view_purchasing` to see, `inventory.manage_purchasing` to keep suppliers and draft orders
and to cancel, `inventory.approve_purchases` to approve, and `inventory.manage_stock` within the destination
warehouse's scope to receive.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from erp.accounts.access import access_for
from erp.accounts.scoping import scope_for
from erp.core.counters import counter_next
from erp.core.exceptions import InvalidTransition, PermissionDeniedError
from erp.core.phones import normalize_phone
from erp.core.text import normalize_code, normalize_search
from erp.inventory.models import (
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    PurchaseReceipt,
    PurchaseReceiptLine,
    StockMovement,
    Supplier,
    Variant,
    Warehouse,
)
from erp.inventory.services import StockLine, stock_apply

S = PurchaseOrder.Status
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.APPROVED, S.CANCELLED},
    S.APPROVED: {S.PARTIALLY_RECEIVED, S.RECEIVED, S.CANCELLED},
    S.PARTIALLY_RECEIVED: {S.PARTIALLY_RECEIVED, S.RECEIVED},
    S.RECEIVED: set(),
    S.CANCELLED: set(),
}
# Statuses a person moves an order to by name; the receiving ones are reached by posting a receipt.
MANUAL_TARGETS = {S.APPROVED, S.CANCELLED}
SUPPLIER_FIELDS = ("name", "phone", "email", "address", "tax_number", "is_active", "notes")


def _require(user: Any, perm: str, message: str) -> None:
    if not access_for(user).has_perm(perm):
        raise PermissionDeniedError(message)


# ---------------------------------------------------------------------------------------------------------------
# Suppliers


def _supplier_fill(supplier: Supplier, data: dict[str, Any]) -> Supplier:
    for name in SUPPLIER_FIELDS:
        if name in data:
            setattr(supplier, name, data[name])
    supplier.name = (supplier.name or "").strip()
    try:
        supplier.phone = normalize_phone(supplier.phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    supplier.tax_number = normalize_code(supplier.tax_number)
    supplier.email = (supplier.email or "").strip().lower()
    supplier.full_clean()
    supplier.search_text = normalize_search(f"{supplier.name} {supplier.phone} {supplier.tax_number}")
    supplier.save()
    return supplier


@transaction.atomic
def supplier_create(*, user: Any, data: dict[str, Any]) -> Supplier:
    _require(user, "inventory.manage_purchasing", _("You may not manage suppliers."))
    return _supplier_fill(Supplier(), data)


@transaction.atomic
def supplier_update(*, user: Any, supplier: Supplier, data: dict[str, Any]) -> Supplier:
    _require(user, "inventory.manage_purchasing", _("You may not manage suppliers."))
    return _supplier_fill(supplier, data)


# ---------------------------------------------------------------------------------------------------------------
# Purchase orders


def _check_lines(lines: Sequence[tuple[Variant, Decimal, Decimal]]) -> None:
    if not lines:
        raise ValidationError({"lines": _("Add at least one line.")})
    seen: set[int] = set()
    for variant, quantity, unit_cost in lines:
        if quantity <= 0:
            raise ValidationError({"lines": _("Every quantity must be above zero.")})
        if unit_cost < 0:
            raise ValidationError({"lines": _("A unit cost cannot be negative.")})
        if variant.pk in seen:
            raise ValidationError({"lines": _("Each variant may appear only once.")})
        seen.add(variant.pk)


def _in_scope(user: Any, warehouse: Warehouse) -> bool:
    return scope_for(user, "warehouses", Warehouse.objects.filter(pk=warehouse.pk)).exists()


def _write_lines(order: PurchaseOrder, lines: Sequence[tuple[Variant, Decimal, Decimal]]) -> None:
    order.lines.all().delete()
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(order=order, variant=v, quantity=q, unit_cost=c) for v, q, c in lines
    )
    order.total = sum((q * c for _v, q, c in lines), Decimal(0)).quantize(Decimal("0.01"))


@transaction.atomic
def po_create(
    *,
    user: Any,
    supplier: Supplier,
    warehouse: Warehouse,
    lines: Sequence[tuple[Variant, Decimal, Decimal]],
    expected_date: date | None = None,
    note: str = "",
    key: str = "",
) -> PurchaseOrder:
    """A draft order. `lines` are (variant, quantity, unit cost). `key` (the API's Idempotency-Key): a repeat
    returns the order the first request created (`order.replayed` tells which)."""
    _require(user, "inventory.manage_purchasing", _("You may not create purchase orders."))
    create_key = f"{user.pk}:{key.strip()}" if key.strip() else None
    if create_key:
        existing = PurchaseOrder.objects.filter(create_key=create_key).first()
        if existing is not None:
            existing.replayed = True  # type: ignore[attr-defined]
            return existing
    if not supplier.is_active:
        raise ValidationError({"supplier": _("This supplier is inactive.")})
    if not warehouse.is_active:
        raise ValidationError({"warehouse": _("This warehouse is inactive.")})
    _check_lines(lines)
    order = PurchaseOrder(
        number=f"PO-{counter_next('inventory.purchase_order'):06d}",
        supplier=supplier,
        warehouse=warehouse,
        expected_date=expected_date,
        note=note.strip(),
        created_by=user,
        create_key=create_key,
    )
    order.save()
    order.replayed = False  # type: ignore[attr-defined]
    _write_lines(order, lines)
    order.save(update_fields=["total"])
    PurchaseOrderEvent.objects.create(order=order, to_status=S.DRAFT, user=user)
    return order


@transaction.atomic
def po_update(
    *,
    user: Any,
    order: PurchaseOrder,
    supplier: Supplier,
    warehouse: Warehouse,
    lines: Sequence[tuple[Variant, Decimal, Decimal]],
    expected_date: date | None = None,
    note: str = "",
) -> PurchaseOrder:
    """Replace a draft's header and lines (only drafts can be edited)."""
    _require(user, "inventory.manage_purchasing", _("You may not edit purchase orders."))
    order = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != S.DRAFT:
        raise InvalidTransition(_("Only a draft purchase order can be edited."), extra={"to": []})
    if not supplier.is_active:
        raise ValidationError({"supplier": _("This supplier is inactive.")})
    _check_lines(lines)
    order.supplier, order.warehouse, order.expected_date, order.note = supplier, warehouse, expected_date, note.strip()
    _write_lines(order, lines)
    order.save()
    return order


def po_allowed_targets(*, order: PurchaseOrder, user: Any) -> list[str]:
    """The statuses `user` may move `order` to by name now (receiving is done by posting a receipt)."""
    access = access_for(user)
    out = []
    for target in sorted(TRANSITIONS[order.status] & MANUAL_TARGETS):
        if target == S.APPROVED:
            ok = access.has_perm("inventory.approve_purchases")
        else:  # cancelled: never after a receipt
            ok = access.has_perm("inventory.manage_purchasing")
        if ok:
            out.append(target)
    return out


def po_can_receive(*, order: PurchaseOrder, user: Any) -> bool:
    return (
        order.status in {S.APPROVED, S.PARTIALLY_RECEIVED}
        and access_for(user).has_perm("inventory.manage_stock")
        and _in_scope(user, order.warehouse)
    )


def _event(order: PurchaseOrder, current: str, to: str, user: Any, reason: str = "") -> None:
    PurchaseOrderEvent.objects.create(order=order, from_status=current, to_status=to, user=user, reason=reason)


@transaction.atomic
def po_transition(*, order: PurchaseOrder, user: Any, to: str, reason: str = "") -> PurchaseOrder:
    order = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    current = order.status
    allowed = sorted(TRANSITIONS[current] & MANUAL_TARGETS)
    if to not in allowed:
        raise InvalidTransition(
            _("A %(status)s purchase order cannot become %(to)s.") % {"status": current, "to": to},
            extra={"to": allowed},
        )
    if to not in po_allowed_targets(order=order, user=user):
        raise PermissionDeniedError(_("You may not do this to the purchase order."))
    if to == S.CANCELLED and not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    if to == S.APPROVED and not order.lines.exists():
        raise ValidationError({"lines": _("Add at least one line.")})
    order.status = to
    order.save(update_fields=["status", "updated_at"])
    _event(order, current, to, user, reason.strip())
    return order


@dataclass(frozen=True)
class ReceiveResult:
    receipt: PurchaseReceipt
    replayed: bool  # True when this key had been received before: nothing moved this time


def po_receive(
    *, order: PurchaseOrder, user: Any, quantities: dict[int, Decimal], key: str, note: str = ""
) -> ReceiveResult:
    """Receive `quantities` (order line id → quantity) against `order`. `key` identifies this submission: the same
    key again returns the first receipt and moves nothing (a double click, a retried request, a replay)."""
    key = key.strip()
    if not key:
        raise ValidationError({"key": _("A receipt needs an idempotency key.")})
    stored = f"po{order.pk}:{key}"[:80]
    try:
        return _po_receive_locked(order=order, user=user, quantities=quantities, key=stored, note=note)
    except IntegrityError:
        # Belt and braces: the order's row lock serialises receipts, so a same-key race ends up here only if the
        # unique key caught it first. Report the receipt the other request made.
        existing = PurchaseReceipt.objects.filter(key=stored).first()
        if existing is None:
            raise
        return ReceiveResult(existing, True)


@transaction.atomic
def _po_receive_locked(
    *, order: PurchaseOrder, user: Any, quantities: dict[int, Decimal], key: str, note: str
) -> ReceiveResult:
    order = PurchaseOrder.objects.select_for_update().select_related("warehouse").get(pk=order.pk)
    existing = PurchaseReceipt.objects.filter(key=key).first()
    if existing is not None:
        return ReceiveResult(existing, True)  # the replay: nothing moves again
    if order.status not in {S.APPROVED, S.PARTIALLY_RECEIVED}:
        raise InvalidTransition(
            _("A %(status)s purchase order cannot be received.") % {"status": order.status},
            extra={"to": sorted(TRANSITIONS[order.status] & MANUAL_TARGETS)},
        )
    if not po_can_receive(order=order, user=user):
        raise PermissionDeniedError(_("You may not receive stock into this warehouse."))
    lines = {line.pk: line for line in order.lines.select_for_update().order_by("pk")}
    wanted = {int(k): Decimal(v) for k, v in quantities.items() if Decimal(v) != 0}
    errors = []
    for line_id, quantity in wanted.items():
        line = lines.get(line_id)
        if line is None:
            errors.append(_("Line %(line)s is not on this purchase order.") % {"line": line_id})
        elif quantity < 0:
            errors.append(_("Quantities cannot be negative."))
        elif quantity > line.remaining:
            errors.append(
                _("%(variant)s: only %(remaining)s remain to receive.")
                % {"variant": line.variant_id, "remaining": line.remaining.normalize()}
            )
    if errors:
        raise ValidationError({"quantities": errors})
    if not wanted:
        raise ValidationError({"quantities": _("Enter at least one received quantity.")})
    receipt = PurchaseReceipt.objects.create(order=order, key=key, user=user, note=note.strip())
    receipt_lines = PurchaseReceiptLine.objects.bulk_create(
        PurchaseReceiptLine(receipt=receipt, line=lines[line_id], quantity=quantity)
        for line_id, quantity in sorted(wanted.items())
    )
    for rl in receipt_lines:
        PurchaseOrderLine.objects.filter(pk=rl.line_id).update(received_quantity=F("received_quantity") + rl.quantity)
    stock_apply(
        lines=[
            StockLine(
                lines[rl.line_id].variant_id,
                order.warehouse_id,
                rl.quantity,
                StockMovement.Kind.IN,
                StockMovement.Reason.PURCHASE,
                f"po-receipt:{receipt.pk}:{rl.pk}",
                order.number,
            )
            for rl in receipt_lines
        ],
        user=user,
    )
    complete = all(line.remaining - wanted.get(pk, Decimal(0)) <= 0 for pk, line in lines.items())
    to = S.RECEIVED if complete else S.PARTIALLY_RECEIVED
    current = order.status
    order.status = to
    order.save(update_fields=["status", "updated_at"])
    _event(order, current, to, user, _("Receipt %(n)s") % {"n": receipt.pk})
    return ReceiveResult(receipt, False)
