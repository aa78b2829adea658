"""Stock transfers between warehouses: a small state machine whose stock effects go through `stock_apply`.

draft → pending (submit) → approved (stock leaves the source) → completed (stock, as received, enters the
destination; a shortfall is recorded on the item), or draft/pending → cancelled, pending → rejected, and
approved → cancelled (the stock returns to the source). Every step writes a TransferEvent and uses idempotency
keys, so a retried step never moves stock twice.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from erp.accounts.access import access_for
from erp.accounts.scoping import scope_for
from erp.core.counters import counter_next
from erp.core.exceptions import InvalidTransition, PermissionDeniedError
from erp.inventory.models import StockMovement, Transfer, TransferEvent, TransferItem, Variant, Warehouse
from erp.inventory.services import StockLine, stock_apply

S = Transfer.Status
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.PENDING, S.CANCELLED},
    S.PENDING: {S.APPROVED, S.REJECTED, S.CANCELLED},
    S.APPROVED: {S.COMPLETED, S.CANCELLED},
    S.COMPLETED: set(),
    S.CANCELLED: set(),
    S.REJECTED: set(),
}


def _in_scope(user: Any, warehouse: Warehouse) -> bool:
    return scope_for(user, "warehouses", Warehouse.objects.filter(pk=warehouse.pk)).exists()


def transfer_allowed_targets(*, transfer: Transfer, user: Any) -> list[str]:
    """The statuses `user` may move `transfer` to now (for the API's `allowed_transitions`)."""
    access = access_for(user)
    out = []
    for target in sorted(TRANSITIONS[transfer.status]):
        if target in {S.APPROVED, S.REJECTED}:
            ok = access.has_perm("inventory.approve_transfers")
        elif target == S.COMPLETED:
            ok = access.has_perm("inventory.manage_stock") and _in_scope(user, transfer.destination)
        else:
            ok = access.has_perm("inventory.manage_stock") and _in_scope(user, transfer.source)
        if ok:
            out.append(target)
    return out


@transaction.atomic
def transfer_create(
    *, user: Any, source: Warehouse, destination: Warehouse, items: Sequence[tuple[Variant, Decimal]], note: str = ""
) -> Transfer:
    if not access_for(user).has_perm("inventory.manage_stock") or not _in_scope(user, source):
        raise PermissionDeniedError(_("You may not transfer stock out of this warehouse."))
    if source.pk == destination.pk:
        raise ValidationError({"destination": _("Choose a different warehouse to transfer to.")})
    if not items:
        raise ValidationError({"items": _("Add at least one item.")})
    seen: set[int] = set()
    for variant, quantity in items:
        if quantity <= 0:
            raise ValidationError({"items": _("Every quantity must be above zero.")})
        if variant.pk in seen:
            raise ValidationError({"items": _("Each variant may appear only once.")})
        seen.add(variant.pk)
    transfer = Transfer.objects.create(
        number=f"TR-{counter_next('inventory.transfer'):06d}",
        source=source,
        destination=destination,
        note=note,
        created_by=user,
    )
    TransferItem.objects.bulk_create(TransferItem(transfer=transfer, variant=v, quantity=q) for v, q in items)
    TransferEvent.objects.create(transfer=transfer, to_status=S.DRAFT, user=user)
    return transfer


@transaction.atomic
def transfer_transition(
    *, transfer: Transfer, user: Any, to: str, reason: str = "", received: dict[int, Decimal] | None = None
) -> Transfer:
    """Move `transfer` to `to`. `received` (item id → quantity) is needed to complete."""
    transfer = Transfer.objects.select_for_update().select_related("source", "destination").get(pk=transfer.pk)
    current = transfer.status
    if to not in TRANSITIONS[current]:
        raise InvalidTransition(
            _("A %(status)s transfer cannot become %(to)s.") % {"status": current, "to": to},
            extra={"to": sorted(TRANSITIONS[current])},
        )
    if to not in transfer_allowed_targets(transfer=transfer, user=user):
        raise PermissionDeniedError(_("You may not do this to the transfer."))
    if to in {S.REJECTED, S.CANCELLED} and current != S.DRAFT and not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    items = list(transfer.items.all())
    prefix = f"transfer:{transfer.pk}"
    if to == S.APPROVED:
        stock_apply(
            lines=[
                StockLine(
                    i.variant_id,
                    transfer.source_id,
                    -i.quantity,
                    StockMovement.Kind.TRANSFER_OUT,
                    StockMovement.Reason.TRANSFER,
                    f"{prefix}:{i.pk}:out",
                    transfer.number,
                )
                for i in items
            ],
            user=user,
        )
    elif to == S.COMPLETED:
        received = received or {}
        for item in items:
            quantity = received.get(item.pk, item.quantity)
            if quantity < 0 or quantity > item.quantity:
                raise ValidationError({"received": _("Received quantities must be between zero and what was sent.")})
            item.received_quantity = quantity
        TransferItem.objects.bulk_update(items, ["received_quantity"])
        stock_apply(
            lines=[
                StockLine(
                    i.variant_id,
                    transfer.destination_id,
                    i.received_quantity,
                    StockMovement.Kind.TRANSFER_IN,
                    StockMovement.Reason.TRANSFER,
                    f"{prefix}:{i.pk}:in",
                    transfer.number,
                )
                for i in items
                if i.received_quantity
            ],
            user=user,
        )
    elif to == S.CANCELLED and current == S.APPROVED:
        stock_apply(
            lines=[
                StockLine(
                    i.variant_id,
                    transfer.source_id,
                    i.quantity,
                    StockMovement.Kind.TRANSFER_IN,
                    StockMovement.Reason.TRANSFER,
                    f"{prefix}:{i.pk}:return",
                    transfer.number,
                )
                for i in items
            ],
            user=user,
        )
    transfer.status = to
    transfer.save(update_fields=["status", "updated_at"])
    TransferEvent.objects.create(transfer=transfer, from_status=current, to_status=to, user=user, reason=reason.strip())
    return transfer
