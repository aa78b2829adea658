"""Cutting writes (domain B §4.6, A.3-2, A.3-4).

- `cutting_orders_create(order, actor)`: the ``handoff.cutting_needed`` receiver. One cutting order per warehouse
  holding the order's goods (service lines skipped), plus the customer-supplied fabric of the curtain contract (on
  the first warehouse's cutting order); a fixed number of queries whatever the number of items.
- `cut_item_transition` / `cutting_order_transition`: every move of a cut item (pending → in_progress → completed,
  rejected, reset to pending), one item or a whole cutting order ("complete all" with one permit and receiver).
  Completing an item deducts its stock through `stock_apply` exactly once (key per item, reason and generation),
  except for products orders, whose stock left at sale. Rejecting or resetting a completed item returns what was
  taken, once. Made-to-measure orders hand each cut (or reversed) item to the factory through the
  ``cutting.item_done`` / ``cutting.item_reversed`` hooks; a products order completes when all its cutting orders are.

Locks, always in this order: the order row, then the cutting order, then its items by primary key.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.accounts.access import access_for, require_perm
from erp.accounts.scoping import scope_for
from erp.core import hooks
from erp.core.exceptions import ConflictError, InvalidTransition, PermissionDeniedError
from erp.core.text import normalize_code, normalize_search
from erp.cutting.models import CuttingEvent, CuttingItem, CuttingOrder, CuttingStatus
from erp.inventory.models import StockMovement
from erp.inventory.services import StockLine, stock_apply
from erp.orders.models import CurtainFabric, Order, OrderItem

S = CuttingStatus
T = Order.Type
FACTORY_TYPES = (T.INSTALLATION, T.TAILORING, T.ACCESSORY)

TRANSITIONS: dict[str, set[str]] = {
    S.PENDING: {S.IN_PROGRESS, S.COMPLETED, S.REJECTED},
    S.IN_PROGRESS: {S.COMPLETED, S.REJECTED, S.PENDING},
    S.COMPLETED: {S.PENDING, S.REJECTED},
    S.REJECTED: {S.PENDING},
}
NEEDS_REASON = {S.REJECTED, S.PENDING}


def _permission(current: str, target: str) -> str:
    """Undoing a cut (it returns stock) is for managers; every other move is the cutting room's."""
    return "cutting.reverse_cuts" if current == S.COMPLETED else "cutting.cut_items"


def allowed_targets(*, status: str, user: Any) -> list[str]:
    """The statuses `user` may move a cut item (or a cutting order) in `status` to (no query)."""
    access = access_for(user)
    return [t for t in sorted(TRANSITIONS[status]) if access.has_perm(_permission(status, t))]


def _deduct_key(item: CuttingItem) -> str:
    return f"cut:{item.pk}:production:{item.generation}"


def _return_key(item: CuttingItem) -> str:
    return f"cut:{item.pk}:return:{item.generation}"


# ---------------------------------------------------------------------------------------------------------------
# Creation at placement


@transaction.atomic
def cutting_orders_create(*, order: Order, actor: Any = None, **_: Any) -> list[CuttingOrder]:
    """Cutting orders for a placed (non-inspection) order; nothing when it has them already. Five queries."""
    if order.order_type == T.INSPECTION or CuttingOrder.objects.filter(order=order).exists():
        return []
    items = list(
        OrderItem.objects.filter(order=order, warehouse__isnull=False)
        .exclude(kind=OrderItem.Kind.SERVICE)
        .order_by("position", "id")
    )
    if not items:
        return []
    fabrics = list(
        CurtainFabric.objects.filter(room__order=order, order_item__isnull=True).select_related("room").order_by("id")
    )
    warehouse_ids: list[int] = []
    for item in items:
        if item.warehouse_id not in warehouse_ids:
            warehouse_ids.append(item.warehouse_id)  # type: ignore[arg-type]
    base = normalize_search(order.search_text or order.number)
    cutting_orders = CuttingOrder.objects.bulk_create(
        CuttingOrder(
            code=f"C-{order.number}-{n}",
            order=order,
            warehouse_id=wid,
            search_text=f"{normalize_search(f'C-{order.number}-{n}')} {base}",
        )
        for n, wid in enumerate(warehouse_ids, start=1)
    )
    by_warehouse = {co.warehouse_id: co for co in cutting_orders}
    rows = [
        CuttingItem(
            cutting_order=by_warehouse[item.warehouse_id],  # type: ignore[index]
            order_item=item,
            name=item.name,
            code=item.code,
            quantity=item.quantity,
        )
        for item in items
    ]
    rows += [
        CuttingItem(
            cutting_order=cutting_orders[0],
            fabric=fabric,
            name=f"{fabric.customer_supplied} ({fabric.room.room_name})",
            code="",
            quantity=fabric.meters,
        )
        for fabric in fabrics
    ]
    CuttingItem.objects.bulk_create(rows)
    user = actor if getattr(actor, "pk", None) else None
    CuttingEvent.objects.bulk_create(
        CuttingEvent(cutting_order=co, to_status=S.PENDING, user=user, details={"items": len(rows)})
        for co in cutting_orders
    )
    return cutting_orders


# ---------------------------------------------------------------------------------------------------------------
# Transitions


@dataclass(frozen=True)
class CutDetails:
    """What completing an item records (one set for "complete all")."""

    cutter: str = ""
    permit_number: str = ""
    receiver: str = ""
    exit_date: date | None = None
    backdate_reason: str = ""
    extra_quantity: Decimal | None = None
    bag_number: str = ""


def _clean_details(details: CutDetails, *, prefix: str = "") -> CutDetails:
    errors: dict[str, str] = {}
    cutter = details.cutter.strip()
    permit = normalize_code(details.permit_number).upper()
    receiver = details.receiver.strip()
    if not cutter:
        errors["cutter"] = _("Enter the cutter's name.")
    if not permit:
        errors["permit_number"] = _("Enter the permit number.")
    if not receiver:
        errors["receiver"] = _("Enter who received the fabric.")
    today = timezone.localdate()
    exit_date = details.exit_date or today
    backdate_reason = details.backdate_reason.strip()
    if exit_date > today:
        errors["exit_date"] = _("The exit date cannot be in the future.")
    elif exit_date < today and not backdate_reason:
        errors["backdate_reason"] = _("An earlier exit date needs a reason.")
    extra = details.extra_quantity if details.extra_quantity is not None else Decimal(0)
    if extra < 0:
        errors["extra_quantity"] = _("The extra quantity cannot be negative.")
    if errors:
        raise ValidationError({f"{prefix}{k}": v for k, v in errors.items()})
    return CutDetails(
        cutter=cutter,
        permit_number=permit,
        receiver=receiver,
        exit_date=exit_date,
        backdate_reason=backdate_reason if exit_date < today else "",
        extra_quantity=extra,
        bag_number=normalize_code(details.bag_number),
    )


def _lock(cutting_order_id: int, item_ids: list[int] | None) -> tuple[Order, CuttingOrder, list[CuttingItem]]:
    co = CuttingOrder.objects.only("order_id").get(pk=cutting_order_id)
    order = Order.objects.select_for_update().get(pk=co.order_id)
    co = CuttingOrder.objects.select_for_update().get(pk=cutting_order_id)
    items_qs = CuttingItem.objects.select_for_update(of=("self",)).filter(cutting_order_id=cutting_order_id)
    if item_ids is not None:
        items_qs = items_qs.filter(pk__in=item_ids)
    items = list(items_qs.select_related("order_item").order_by("pk"))
    return order, co, items


def _check_scope(user: Any, co: CuttingOrder) -> None:
    if not scope_for(user, "cutting_orders", CuttingOrder.objects.filter(pk=co.pk)).exists():
        raise PermissionDeniedError(_("This cutting order is not one of yours."))


@transaction.atomic
def cut_item_transition(
    *, item: CuttingItem, user: Any, to: str, reason: str = "", details: CutDetails | None = None
) -> CuttingItem:
    """Move one cut item to `to` (InvalidTransition with the allowed targets when it cannot go there)."""
    order, co, items = _lock(item.cutting_order_id, [item.pk])
    _check_scope(user, co)
    _move(order=order, co=co, items=items, user=user, to=to, reason=reason, details=details, strict=True)
    _refresh(order=order, co=co, user=user, reason=reason)
    return items[0]


@transaction.atomic
def cutting_order_transition(
    *, cutting_order: CuttingOrder, user: Any, to: str, reason: str = "", details: CutDetails | None = None
) -> CuttingOrder:
    """Move every item of the cutting order that can go to `to` (start all, complete all, reject all, reset all)."""
    order, co, items = _lock(cutting_order.pk, None)
    _check_scope(user, co)
    if to not in TRANSITIONS.get(co.status, set()):
        raise InvalidTransition(
            _("A %(status)s cutting order cannot become %(to)s.") % {"status": co.get_status_display(), "to": to},
            extra={"to": allowed_targets(status=co.status, user=user)},
        )
    movable = [i for i in items if to in TRANSITIONS[i.status]]
    if not movable:
        raise InvalidTransition(
            _("No item of this cutting order can become %(to)s.") % {"to": to},
            extra={"to": allowed_targets(status=co.status, user=user)},
        )
    _move(order=order, co=co, items=movable, user=user, to=to, reason=reason, details=details, strict=False)
    _refresh(order=order, co=co, user=user, reason=reason)
    return co


def _move(
    *,
    order: Order,
    co: CuttingOrder,
    items: list[CuttingItem],
    user: Any,
    to: str,
    reason: str,
    details: CutDetails | None,
    strict: bool,
) -> None:
    access = access_for(user)
    reason = reason.strip()
    for item in items:
        if to not in TRANSITIONS[item.status]:
            raise InvalidTransition(
                _("A %(status)s item cannot become %(to)s.") % {"status": item.get_status_display(), "to": to},
                extra={"to": allowed_targets(status=item.status, user=user)},
            )
    needed = {_permission(i.status, to) for i in items}
    if not all(access.has_perm(p) for p in needed):
        require_perm(user, "cutting.cut_items")  # 403 (logged) for the room's moves
        raise PermissionDeniedError(_("Only a manager may undo a completed cut (it returns stock)."))
    if to in NEEDS_REASON and not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    cut = _clean_details(details or CutDetails()) if to == S.COMPLETED else None

    now = timezone.now()
    moves_stock = order.order_type != T.PRODUCTS  # products orders took their stock at sale (A.3-4)
    lines: list[StockLine] = []
    reversed_items = [i for i in items if i.status == S.COMPLETED]
    taken: dict[str, Decimal] = {}
    if reversed_items and moves_stock:
        keys = [_deduct_key(i) for i in reversed_items if i.order_item_id]
        taken = dict(StockMovement.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", "quantity"))
    events: list[CuttingEvent] = []
    done: list[CuttingItem] = []
    undone: list[CuttingItem] = []
    for item in items:
        current = item.status
        if current == S.COMPLETED:  # a reversal: give back what the completion took, then a new generation
            quantity = taken.get(_deduct_key(item))
            if quantity:
                lines.append(
                    StockLine(
                        item.order_item.variant_id,  # type: ignore[union-attr]
                        co.warehouse_id,
                        -quantity,
                        StockMovement.Kind.IN,
                        StockMovement.Reason.RETURN,
                        _return_key(item),
                        co.code,
                        note=reason[:255],
                    )
                )
            item.generation += 1
            undone.append(item)
        if to == S.COMPLETED and cut is not None:
            item.cutter_name = cut.cutter
            item.permit_number = cut.permit_number
            item.receiver_name = cut.receiver
            item.exit_date = cut.exit_date
            item.backdate_reason = cut.backdate_reason
            item.extra_quantity = cut.extra_quantity or Decimal(0)
            item.bag_number = cut.bag_number
            item.rejection_reason = ""
            item.cut_at = now
            item.cut_by = user
            if moves_stock and item.order_item_id:
                lines.append(
                    StockLine(
                        item.order_item.variant_id,  # type: ignore[union-attr]
                        co.warehouse_id,
                        -(item.quantity + item.extra_quantity),
                        StockMovement.Kind.OUT,
                        StockMovement.Reason.PRODUCTION,
                        _deduct_key(item),
                        co.code,
                        allow_negative=True,  # honoured only where the warehouse allows it (an alert is raised)
                    )
                )
            done.append(item)
        elif to == S.REJECTED:
            item.rejection_reason = reason[:255]
        elif to == S.PENDING:
            item.cutter_name = item.permit_number = item.receiver_name = item.backdate_reason = item.bag_number = ""
            item.exit_date = item.cut_at = item.cut_by = None  # type: ignore[assignment]
            item.extra_quantity = Decimal(0)
            item.rejection_reason = ""
        item.status = to
        events.append(
            CuttingEvent(
                cutting_order=co,
                item=item,
                from_status=current,
                to_status=to,
                user=user,
                reason=reason[:255],
                details={"permit": cut.permit_number, "receiver": cut.receiver} if cut else {},
            )
        )
    if lines:
        stock_apply(lines=lines, user=user)
    CuttingItem.objects.bulk_update(
        items,
        [
            "status",
            "cutter_name",
            "permit_number",
            "receiver_name",
            "exit_date",
            "backdate_reason",
            "extra_quantity",
            "bag_number",
            "rejection_reason",
            "cut_at",
            "cut_by",
            "generation",
            "updated_at",
        ],
    )
    CuttingEvent.objects.bulk_create(events)
    if to == S.IN_PROGRESS and co.started_at is None:
        co.started_at = now
    _hand_off(order=order, co=co, done=done, undone=undone, user=user)


def _handed(co: CuttingOrder, item: CuttingItem) -> hooks.CutItem:
    """What the factory copies of a cut item (the hook payload: departments do not read each other's models)."""
    return hooks.CutItem(
        pk=item.pk,
        cut_reference=co.code,
        permit_number=item.permit_number,
        receiver_name=item.receiver_name,
        meters=item.quantity + item.extra_quantity,
        name=item.name,
    )


def _hand_off(*, order: Order, co: CuttingOrder, done: list[CuttingItem], undone: list[CuttingItem], user: Any) -> None:
    """Made-to-measure orders: each cut item goes to the factory (and comes back when reversed)."""
    from erp.orders.handoffs import order_record_handoff

    if order.order_type not in FACTORY_TYPES:
        return
    for item in undone:
        hooks.call(
            "cutting.item_reversed", order=order, order_item=item.order_item, cut_item=_handed(co, item), actor=user
        )
        order_record_handoff(
            order=order, actor=user, kind="cut_item_reversed", details={"cut_item": item.pk, "cutting_order": co.code}
        )
    for item in done:
        hooks.call("cutting.item_done", order=order, order_item=item.order_item, cut_item=_handed(co, item), actor=user)
        order_record_handoff(
            order=order, actor=user, kind="cut_item_done", details={"cut_item": item.pk, "cutting_order": co.code}
        )


def derive_status(statuses: list[str]) -> str:
    """A cutting order is rejected if any item is, completed when all are, cutting once any moved, else waiting."""
    if not statuses:
        return S.PENDING
    if S.REJECTED in statuses:
        return S.REJECTED
    if all(s == S.COMPLETED for s in statuses):
        return S.COMPLETED
    if any(s != S.PENDING for s in statuses):
        return S.IN_PROGRESS
    return S.PENDING


def _refresh(*, order: Order, co: CuttingOrder, user: Any, reason: str) -> None:
    statuses = list(CuttingItem.objects.filter(cutting_order=co).values_list("status", flat=True))
    new = derive_status(statuses)
    current = co.status
    fields = ["started_at", "updated_at"]
    if new != current:
        co.status = new
        fields.append("status")
        if new == S.COMPLETED:
            co.completions += 1
            co.completed_at = timezone.now()
            fields += ["completions", "completed_at"]
        elif current == S.COMPLETED:
            co.completed_at = None
            fields.append("completed_at")
        CuttingEvent.objects.create(
            cutting_order=co, from_status=current, to_status=new, user=user, reason=reason.strip()[:255]
        )
    co.save(update_fields=fields)
    if new != current and new == S.COMPLETED:
        _completed(order=order, co=co, user=user)


def _completed(*, order: Order, co: CuttingOrder, user: Any) -> None:
    """Notify the order's creator; a products order whose cutting orders are all cut is completed."""
    from django.urls import reverse

    from erp.notifications.models import Kind
    from erp.notifications.services import notify
    from erp.orders.handoffs import order_advance

    notify(
        kind=Kind.CUTTING,
        title=_("Cutting order %(code)s is cut") % {"code": co.code},
        body=_("Order %(number)s") % {"number": order.number},
        link=reverse("cutting:order_detail", kwargs={"pk": co.pk}),
        actor=user,
        branch=order.branch_id,
        users=[order.created_by_id],
        event="cutting_completed",
        idempotency_key=f"cutting:{co.pk}:completed:{co.completions}",
    )
    if order.order_type != T.PRODUCTS or order.status not in (Order.Status.PENDING, Order.Status.IN_PROGRESS):
        return
    if CuttingOrder.objects.filter(order=order).exclude(status=S.COMPLETED).exists():
        return
    order_advance(
        order=order, to=Order.Status.COMPLETED, actor=user, source="cutting", reason=_("Every cutting order is cut.")
    )


def refuse_item_changes_once_cutting(*, order: Order, **_kw: Any) -> None:
    """`orders.items_change` receiver: an order whose items the cutting room already holds cannot change them from
    the order (its cut items would no longer match); the cutting orders are changed or the order is cancelled."""
    if CuttingItem.objects.filter(cutting_order__order=order).exists():
        raise ConflictError(
            _(
                "The cutting room already has this order's items: change them there, or cancel the order and "
                "place it again."
            ),
            extra={"cutting": True},
        )
