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
    S.CANCELLED: set(),  # the order was cancelled (`cutting_order_cancelled`): final
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


def _new_cutting_orders(order: Order, warehouse_ids: list[int], existing: int) -> list[CuttingOrder]:
    """One cutting order per warehouse, numbered after the order's `existing` ones (one insert)."""
    base = normalize_search(order.search_text or order.number)
    return CuttingOrder.objects.bulk_create(
        CuttingOrder(
            code=f"C-{order.number}-{n}",
            order=order,
            warehouse_id=wid,
            search_text=f"{normalize_search(f'C-{order.number}-{n}')} {base}",
        )
        for n, wid in enumerate(warehouse_ids, start=existing + 1)
    )


def _cut_items(items: list[OrderItem], by_warehouse: dict[int, CuttingOrder]) -> list[CuttingItem]:
    """Unsaved cut items for stocked order lines, each in its warehouse's cutting order."""
    return [
        CuttingItem(
            cutting_order=by_warehouse[item.warehouse_id],  # type: ignore[index]
            order_item=item,
            name=item.name,
            code=item.code,
            quantity=item.quantity,
        )
        for item in items
    ]


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
    cutting_orders = _new_cutting_orders(order, warehouse_ids, 0)
    rows = _cut_items(items, {co.warehouse_id: co for co in cutting_orders})
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
    taken = _taken([i for i in items if i.status == S.COMPLETED]) if moves_stock else {}
    events: list[CuttingEvent] = []
    done: list[CuttingItem] = []
    undone: list[CuttingItem] = []
    for item in items:
        current = item.status
        if current == S.COMPLETED:  # a reversal: give back what the completion took, then a new generation
            lines += _reverse(item, co=co, taken=taken, reason=reason)
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


def _taken(completed: list[CuttingItem]) -> dict[str, Decimal]:
    """What the completions of these items took from stock, by deduction key (one query; none without items)."""
    keys = [_deduct_key(i) for i in completed if i.order_item_id]
    if not keys:
        return {}
    return dict(StockMovement.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", "quantity"))


def _reverse(item: CuttingItem, *, co: CuttingOrder, taken: dict[str, Decimal], reason: str) -> list[StockLine]:
    """Undo a completed item (the caller holds its lock): the stock line giving back what its completion took (keyed
    by generation, so each completion is returned once), and a new generation for the next cut."""
    quantity = taken.get(_deduct_key(item))
    lines = []
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
    return lines


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
    """A cutting order is rejected if any item is, completed when all are, cutting once any moved, else waiting;
    cancelled items do not count (all cancelled: cancelled)."""
    if statuses and all(s == S.CANCELLED for s in statuses):
        return S.CANCELLED
    statuses = [s for s in statuses if s != S.CANCELLED]
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
    if CuttingOrder.objects.filter(order=order).exclude(status__in=(S.COMPLETED, S.CANCELLED)).exists():
        return
    order_advance(
        order=order, to=Order.Status.COMPLETED, actor=user, source="cutting", reason=_("Every cutting order is cut.")
    )


# ---------------------------------------------------------------------------------------------------------------
# The order cancelled, or its items edited (hooks called by orders inside its transaction)


@transaction.atomic
def cutting_order_cancelled(*, order: Order, actor: Any, reason: str = "", **_kw: Any) -> int:
    """The ``order.cancelled`` receiver: every cutting order and cut item of the order not cancelled yet becomes
    cancelled (final). A made-to-measure order's items already cut give back what their completion took, through
    the reversal path (keyed per item and generation: once, whatever was rejected or reset before and however often
    this runs); a products order's cut items took nothing (its goods left at sale, and orders returns those).
    The order row is locked by the caller, so a cut in flight waits and then finds its item cancelled. Returns how
    many items were cancelled.

    Its timeline rows name the previous status in ``details["was"]`` rather than ``from_status`` (the cutting demo
    treats any event with a ``from_status`` as "the demo already ran", and the order demo cancels orders first)."""
    from django.urls import reverse

    from erp.notifications.models import Kind
    from erp.notifications.services import notify
    from erp.orders.handoffs import order_record_handoff

    cos = list(CuttingOrder.objects.select_for_update().filter(order=order).exclude(status=S.CANCELLED).order_by("pk"))
    if not cos:
        return 0
    by_id = {co.pk: co for co in cos}
    items = list(
        CuttingItem.objects.select_for_update(of=("self",))
        .filter(cutting_order__in=cos)
        .exclude(status=S.CANCELLED)
        .select_related("order_item")
        .order_by("pk")
    )
    reason = (reason or "").strip()[:255]
    user = actor if getattr(actor, "pk", None) else None
    now = timezone.now()
    taken = _taken([i for i in items if i.status == S.COMPLETED]) if order.order_type != T.PRODUCTS else {}
    lines: list[StockLine] = []
    events: list[CuttingEvent] = []
    for item in items:
        current = item.status
        returned: list[StockLine] = []
        if current == S.COMPLETED:
            returned = _reverse(item, co=by_id[item.cutting_order_id], taken=taken, reason=reason)
            lines += returned
        item.status = S.CANCELLED
        item.updated_at = now
        events.append(
            CuttingEvent(
                cutting_order_id=item.cutting_order_id,
                item=item,
                to_status=S.CANCELLED,
                user=user,
                reason=reason,
                details={
                    "order_cancelled": True,
                    "was": current,
                    **({"stock_returned": str(returned[0].quantity)} if returned else {}),
                },
            )
        )
    if lines:
        stock_apply(lines=lines, user=user)
    CuttingItem.objects.bulk_update(items, ["status", "generation", "updated_at"])
    for co in cos:
        events.append(
            CuttingEvent(
                cutting_order=co,
                to_status=S.CANCELLED,
                user=user,
                reason=reason,
                details={"order_cancelled": True, "was": co.status},
            )
        )
        co.status = S.CANCELLED
        co.updated_at = now
    CuttingOrder.objects.bulk_update(cos, ["status", "updated_at"])
    CuttingEvent.objects.bulk_create(events)
    for co in cos:
        notify(
            kind=Kind.CUTTING,
            title=_("Cutting order %(code)s is cancelled") % {"code": co.code},
            body=_("Order %(number)s was cancelled: %(reason)s") % {"number": order.number, "reason": reason},
            link=reverse("cutting:order_detail", kwargs={"pk": co.pk}),
            actor=actor,
            branch=order.branch_id,
            event="cutting_cancelled",
            idempotency_key=f"cutting:{co.pk}:cancelled",
        )
    order_record_handoff(
        order=order,
        actor=actor,
        kind="cutting_cancelled",
        details={
            "cutting_orders": [co.code for co in cos],
            "items": len(items),
            "stock_returned": len(lines),
        },
    )
    return len(items)


@transaction.atomic
def cutting_items_changed(
    *,
    order: Order,
    actor: Any,
    added: list[OrderItem],
    removed: list[OrderItem],
    resized: dict[int, Decimal],
    **_kw: Any,
) -> dict[str, Any]:
    """The ``orders.items_changed`` receiver: re-evaluate the cutting hand-off after the order's items were edited
    (before the removed rows are deleted). New stocked lines get cut items in their warehouse's cutting order (created
    when missing); removed lines' uncut items are removed; resized lines' uncut items take the new quantity. A line
    whose cut item already moved (started, cut, rejected) refuses the whole edit (ConflictError: the caller's
    transaction rolls back, nothing is saved). Returns what changed (empty when nothing did)."""
    from erp.orders.handoffs import order_record_handoff

    if order.order_type == T.INSPECTION:
        return {}
    cos = list(CuttingOrder.objects.select_for_update().filter(order=order).order_by("pk"))
    touched_ids = [row.pk for row in removed] + list(resized)
    held = (
        list(
            CuttingItem.objects.select_for_update(of=("self",))
            .filter(cutting_order__order=order, order_item_id__in=touched_ids)
            .exclude(status=S.CANCELLED)
            .order_by("pk")
        )
        if touched_ids and cos
        else []
    )
    started = [i for i in held if i.status != S.PENDING]
    if started:
        raise ConflictError(
            _(
                "The cutting room already started or cut %(items)s: change them there, or cancel the order and "
                "place it again."
            )
            % {"items": "، ".join(sorted({i.code or i.name for i in started}))},
            extra={"cutting": True},
        )
    user = actor if getattr(actor, "pk", None) else None
    stocked = [row for row in added if row.kind != OrderItem.Kind.SERVICE and row.warehouse_id]
    summary: dict[str, Any] = {}
    if not cos:
        # Cutting never took this order (no stocked line at placement): it takes it now, as at placement.
        if stocked:
            created = cutting_orders_create(order=order, actor=actor)
            # It read the order's lines as they are now: the removed ones (deleted after this hook) are not cut.
            CuttingItem.objects.filter(cutting_order__in=created, order_item__in=removed).delete()
            summary = {"created": [co.code for co in created], "added": [row.code for row in stocked]}
            order_record_handoff(order=order, actor=actor, kind="cutting_items_changed", details=summary)
        return summary
    events: list[CuttingEvent] = []
    removed_ids = {row.pk for row in removed}
    gone = [i for i in held if i.order_item_id in removed_ids]
    events += [
        CuttingEvent(cutting_order_id=i.cutting_order_id, user=user, details={"removed": [i.code, str(i.quantity)]})
        for i in gone
    ]
    if gone:
        CuttingItem.objects.filter(pk__in=[i.pk for i in gone]).delete()
        summary["removed"] = [i.code for i in gone]
    changed = [i for i in held if resized.get(i.order_item_id or 0, i.quantity) != i.quantity]
    for item in changed:
        quantity = resized[item.order_item_id or 0]
        events.append(
            CuttingEvent(
                cutting_order_id=item.cutting_order_id,
                item=item,
                user=user,
                details={"quantity": [str(item.quantity), str(quantity)]},
            )
        )
        item.quantity = quantity
    if changed:
        CuttingItem.objects.bulk_update(changed, ["quantity"])
        summary["changed"] = [i.code for i in changed]
    by_warehouse = {co.warehouse_id: co for co in cos}
    missing: list[int] = []
    for row in stocked:
        if row.warehouse_id not in by_warehouse and row.warehouse_id not in missing:
            missing.append(row.warehouse_id)  # type: ignore[arg-type]
    if missing:
        created = _new_cutting_orders(order, missing, len(cos))
        by_warehouse.update({co.warehouse_id: co for co in created})
        cos += created
        summary["created"] = [co.code for co in created]
        events += [CuttingEvent(cutting_order=co, to_status=S.PENDING, user=user) for co in created]
    if stocked:
        new_items = CuttingItem.objects.bulk_create(_cut_items(stocked, by_warehouse))
        events += [
            CuttingEvent(
                cutting_order_id=i.cutting_order_id, item=i, to_status=S.PENDING, user=user, details={"added": True}
            )
            for i in new_items
        ]
        summary["added"] = [row.code for row in stocked]
    CuttingEvent.objects.bulk_create(events)
    if not summary:
        return summary
    affected = {e.cutting_order_id for e in events}
    for co in cos:
        if co.pk in affected:
            _settle(order=order, co=co, user=user)
    order_record_handoff(order=order, actor=actor, kind="cutting_items_changed", details=summary)
    return summary


def _settle(*, order: Order, co: CuttingOrder, user: Any) -> None:
    """A cutting order whose items an order edit changed: left without items it is cancelled, otherwise its status
    is derived again (the last uncut line removed may complete it)."""
    if not CuttingItem.objects.filter(cutting_order=co).exists():
        CuttingEvent.objects.create(
            cutting_order=co,
            from_status=co.status,
            to_status=S.CANCELLED,
            user=user,
            reason=_("No item of the order is left to cut."),
        )
        co.status = S.CANCELLED
        co.save(update_fields=["status", "updated_at"])
        return
    _refresh(order=order, co=co, user=user, reason=_("The order's items changed."))
