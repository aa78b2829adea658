"""Factory writes (B §4.7): creation at placement with automatic line routing, approval / rejection / reply /
re-approval, fabric receipt with bag numbers, delivery to the line, production states, delivery with a permit,
cancellation, moves back (system administrators only) and manual line changes.

Lifecycle of a factory order:

pending_approval → pending (approve) | rejected | cancelled
pending → in_progress | rejected | cancelled
in_progress → ready_install (installation orders) | completed (the others) | cancelled
completed → delivered (tailoring and accessory orders, with a delivery permit and a recipient)
rejected → pending (re-approve) | cancelled
ready_install, delivered, cancelled: final (installations take over a ready installation order)

Modification orders (re-work requested by installations) start at pending and end at completed, which tells
installations through the ``manufacturing.modification_done`` hook. Every move of any other order is mirrored to
the order with `order_advance` (forward moves only) and every move writes the factory timeline.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.accounts.access import access_for, require_perm
from erp.accounts.roles import RoleKey
from erp.core import hooks
from erp.core.counters import counter_next
from erp.core.exceptions import InvalidTransition, PermissionDeniedError
from erp.core.text import normalize_code, normalize_search
from erp.manufacturing.models import (
    FactoryEvent,
    FactoryItem,
    FactoryOrder,
    LineChangeLog,
    ProductionLine,
    ProductionLineRoute,
)
from erp.notifications.models import Kind, Priority
from erp.notifications.services import notify
from erp.orders.handoffs import order_advance, order_record_handoff
from erp.orders.models import Order

S = FactoryOrder.Status
T = FactoryOrder.Type
SOURCE = "manufacturing"
MODIFICATION_DAYS = 3

TYPE_FOR_ORDER: dict[str, str] = {
    Order.Type.INSTALLATION: T.INSTALLATION,
    Order.Type.TAILORING: T.CUSTOM,
    Order.Type.ACCESSORY: T.ACCESSORY,
}

TRANSITIONS: dict[str, set[str]] = {
    S.PENDING_APPROVAL: {S.PENDING, S.REJECTED, S.CANCELLED},
    S.PENDING: {S.IN_PROGRESS, S.REJECTED, S.CANCELLED},
    S.IN_PROGRESS: {S.READY_INSTALL, S.COMPLETED, S.CANCELLED},
    S.READY_INSTALL: set(),
    S.COMPLETED: {S.DELIVERED},
    S.DELIVERED: set(),
    S.REJECTED: {S.PENDING, S.CANCELLED},
    S.CANCELLED: set(),
}
TARGET_PERMISSION: dict[str, str] = {
    S.PENDING: "manufacturing.approve_orders",
    S.REJECTED: "manufacturing.reject_orders",
    S.IN_PROGRESS: "manufacturing.progress_orders",
    S.READY_INSTALL: "manufacturing.progress_orders",
    S.COMPLETED: "manufacturing.progress_orders",
    S.DELIVERED: "manufacturing.progress_orders",
    S.CANCELLED: "manufacturing.cancel_orders",
}
NEEDS_REASON = {S.REJECTED, S.CANCELLED}
# The forward order of the production states: a move to a lower rank is a move back (system administrators only).
RANK: dict[str, int] = {
    S.PENDING_APPROVAL: 0,
    S.REJECTED: 0,
    S.PENDING: 1,
    S.IN_PROGRESS: 2,
    S.READY_INSTALL: 3,
    S.COMPLETED: 3,
    S.DELIVERED: 4,
    S.CANCELLED: 5,
}
ORDER_STATUS: dict[str, str] = {
    S.PENDING: Order.Status.PENDING,
    S.IN_PROGRESS: Order.Status.IN_PROGRESS,
    S.READY_INSTALL: Order.Status.READY_INSTALL,
    S.COMPLETED: Order.Status.COMPLETED,
    S.DELIVERED: Order.Status.DELIVERED,
    S.REJECTED: Order.Status.REJECTED,
}
_ORDER_RANK: dict[str, int] = {
    Order.Status.PENDING_APPROVAL: 0,
    Order.Status.REJECTED: 0,
    Order.Status.PENDING: 1,
    Order.Status.IN_PROGRESS: 2,
    Order.Status.READY_INSTALL: 3,
    Order.Status.COMPLETED: 4,
    Order.Status.DELIVERED: 5,
}
OPEN = (S.PENDING_APPROVAL, S.PENDING, S.IN_PROGRESS, S.REJECTED)


def _detail_link(pk: int) -> str:
    """The factory order page a notification links to."""
    return reverse("manufacturing:order_detail", kwargs={"pk": pk})


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _event(
    factory_order: FactoryOrder,
    kind: str,
    actor: Any,
    *,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> FactoryEvent:
    return FactoryEvent.objects.create(
        factory_order=factory_order,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        user=_user(actor),
        reason=reason[:255],
        details=details or {},
    )


# ---------------------------------------------------------------------------------------------------------------
# Rules


def fits_type(factory_order: FactoryOrder, target: str) -> bool:
    """ready_install only for installation orders, which never complete here; delivered only for tailoring and
    accessory orders; modification orders are approved by installations already (no approval step)."""
    kind = factory_order.order_type
    if target == S.READY_INSTALL:
        return kind == T.INSTALLATION
    if target == S.COMPLETED:
        return kind != T.INSTALLATION
    if target == S.DELIVERED:
        return kind in (T.CUSTOM, T.ACCESSORY)
    return not (target == S.REJECTED and kind == T.MODIFICATION)


def factory_targets(factory_order: FactoryOrder) -> list[str]:
    """The statuses the rules allow from the current one, whoever asks."""
    return sorted(t for t in TRANSITIONS[factory_order.status] if fits_type(factory_order, t))


def is_system_admin(user: Any) -> bool:
    return access_for(user).has_role(RoleKey.SYSTEM_ADMIN)


def backward_targets(factory_order: FactoryOrder, user: Any) -> list[str]:
    """Earlier production states a system administrator may move the order back to (with a reason)."""
    if not is_system_admin(user):
        return []
    rank = RANK[factory_order.status]
    return sorted(
        s
        for s in (S.PENDING, S.IN_PROGRESS, S.READY_INSTALL, S.COMPLETED)
        if RANK[s] < rank and fits_type(factory_order, s) and s != factory_order.status
    )


def factory_allowed_targets(*, factory_order: FactoryOrder, user: Any) -> list[str]:
    """What `user` may move the order to now (the API's `allowed_transitions`, the page's buttons)."""
    access = access_for(user)
    forward = [t for t in factory_targets(factory_order) if access.has_perm(TARGET_PERMISSION[t])]
    return forward + [t for t in backward_targets(factory_order, user) if t not in forward]


# ---------------------------------------------------------------------------------------------------------------
# Routing and creation


def line_for(*, branch_id: int, order_type: str, today: date | None = None) -> ProductionLine | None:
    """The active line serving the branch and type, highest priority first, skipping lines whose orders created
    today already reach their daily capacity (when every line is full, the least loaded one). One query."""
    today = today or timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    lines = list(
        ProductionLine.objects.filter(
            is_active=True,
            pk__in=ProductionLineRoute.objects.filter(branch_id=branch_id, order_type=order_type).values("line_id"),
        )
        .annotate(load=Count("orders", filter=Q(orders__created_at__gte=start)))
        .order_by("-priority", "id")
    )
    for line in lines:
        if line.load < line.capacity_per_day:  # type: ignore[attr-defined]
            return line
    return min(lines, key=lambda line: (line.load - line.capacity_per_day, -line.priority)) if lines else None  # type: ignore[attr-defined]


def _search_text(number: str, order: Order) -> str:
    return normalize_search(f"{number} {order.search_text}")


@transaction.atomic
def factory_order_create_for(*, order: Order, actor: Any) -> FactoryOrder | None:
    """The ``handoff.factory_order_needed`` receiver: the order's factory order, awaiting approval, routed to a line
    (idempotent: an order has one). Constant queries whatever the data."""
    kind = TYPE_FOR_ORDER.get(order.order_type)
    if kind is None:
        return None
    existing = FactoryOrder.objects.filter(order=order).exclude(order_type=T.MODIFICATION).first()
    if existing is not None:
        return existing
    number = f"{order.number}-M"
    line = line_for(branch_id=order.branch_id, order_type=kind)
    factory_order = FactoryOrder.objects.create(
        number=number,
        order=order,
        branch_id=order.branch_id,
        is_vip=order.priority == Order.Priority.VIP,
        order_type=kind,
        status=S.PENDING_APPROVAL,
        line=line,
        expected_date=order.expected_delivery_date,
        created_by=_user(actor),
        search_text=_search_text(number, order),
    )
    _event(
        factory_order,
        FactoryEvent.Kind.CREATED,
        actor,
        to_status=S.PENDING_APPROVAL,
        details={"line": line.name if line else None},
    )
    notify(
        kind=Kind.FACTORY,
        event="factory_order_created",
        title=_("New factory order %(number)s awaits approval") % {"number": number},
        link=_detail_link(factory_order.pk),
        actor=actor,
        priority=Priority.HIGH if factory_order.is_vip else Priority.NORMAL,
        idempotency_key=f"factory:{factory_order.pk}:created",
    )
    return factory_order


def receive_factory_order_needed(*, order: Order, actor: Any, **_kw: Any) -> FactoryOrder | None:
    return factory_order_create_for(order=order, actor=actor)


# ---------------------------------------------------------------------------------------------------------------
# Transitions


def _mirror(factory_order: FactoryOrder, to: str, actor: Any, reason: str) -> None:
    """Move the order forward with the factory (never back; modification orders never move it)."""
    if factory_order.order_type == T.MODIFICATION:
        return
    target = ORDER_STATUS.get(to)
    if target is None:
        return
    order = factory_order.order
    current = Order.objects.filter(pk=order.pk).values_list("status", flat=True).get()
    if current in (Order.Status.CANCELLED, Order.Status.DELIVERED) or current == target:
        return
    if target == Order.Status.REJECTED:
        if current not in (Order.Status.PENDING_APPROVAL, Order.Status.PENDING, Order.Status.IN_PROGRESS):
            return
    elif current != Order.Status.REJECTED and _ORDER_RANK.get(current, 9) >= _ORDER_RANK[target]:
        return
    order_advance(
        order=order, to=target, actor=actor, source=SOURCE, reason=reason, details={"factory": factory_order.number}
    )


def _lock(factory_order: FactoryOrder) -> FactoryOrder:
    return FactoryOrder.objects.select_for_update().select_related("order").get(pk=factory_order.pk)


@transaction.atomic
def factory_order_transition(
    *,
    factory_order: FactoryOrder,
    user: Any,
    to: str,
    reason: str = "",
    permit: str = "",
    recipient: str = "",
) -> FactoryOrder:
    """Move the factory order to `to`: the rules (409 with the allowed targets), the permission (403), the reason,
    the delivery permit and recipient, the order's mirror, the timeline and the notifications.

    A move to an earlier production state is a move back: system administrators only, with a reason."""
    fo = _lock(factory_order)
    current = fo.status
    reason = (reason or "").strip()
    if to not in factory_targets(fo):
        if to in RANK and to in (S.PENDING, S.IN_PROGRESS, S.READY_INSTALL, S.COMPLETED) and RANK[to] < RANK[current]:
            return _revert(fo, user=user, to=to, reason=reason)
        raise InvalidTransition(
            _("A factory order that is “%(status)s” cannot become “%(to)s”.")
            % {"status": fo.get_status_display(), "to": S(to).label if to in S.values else to},
            extra={"to": factory_allowed_targets(factory_order=fo, user=user)},
        )
    if not access_for(user).has_perm(TARGET_PERMISSION[to]):
        raise PermissionDeniedError(_("You may not do this to the factory order."))
    if to in NEEDS_REASON and not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    fields = ["status", "status_reason", "updated_at"]
    details: dict[str, Any] = {}
    if to == S.DELIVERED:
        permit, recipient = normalize_code(permit), (recipient or "").strip()
        errors = {}
        if not permit:
            errors["permit"] = _("Enter the delivery permit number.")
        if not recipient:
            errors["recipient"] = _("Enter who received the order.")
        if errors:
            raise ValidationError(errors)
        fo.delivery_permit, fo.delivery_recipient, fo.delivered_at = permit[:40], recipient[:120], timezone.now()
        fields += ["delivery_permit", "delivery_recipient", "delivered_at"]
        details = {"permit": fo.delivery_permit, "recipient": fo.delivery_recipient}
    if to in (S.COMPLETED, S.READY_INSTALL):
        fo.completed_at = timezone.now()
        fields.append("completed_at")
    if to == S.REJECTED:
        fo.rejection_reason, fo.rejection_reply, fo.replied_at = reason[:255], "", None
        fields += ["rejection_reason", "rejection_reply", "replied_at"]
    fo.status, fo.status_reason = to, reason[:255]
    fo.save(update_fields=fields)
    event = _event(
        fo, FactoryEvent.Kind.STATUS, user, from_status=current, to_status=to, reason=reason, details=details
    )
    _mirror(fo, to, user, reason)
    if to == S.REJECTED:
        notify(
            kind=Kind.FACTORY,
            event="factory_order_rejected",
            title=_("The factory rejected %(number)s: %(reason)s") % {"number": fo.number, "reason": reason},
            link=_detail_link(fo.pk),
            actor=user,
            users=[fo.order.created_by_id],
            branch=fo.branch_id,
            priority=Priority.HIGH,
            idempotency_key=f"factory:{fo.pk}:rejected:{event.pk}",
        )
    elif to in (S.READY_INSTALL, S.COMPLETED):
        notify(
            kind=Kind.FACTORY,
            event=f"factory_order_{to}",
            title=_("Factory order %(number)s is %(status)s")
            % {"number": fo.number, "status": fo.get_status_display()},
            link=_detail_link(fo.pk),
            actor=user,
            users=[fo.order.created_by_id],
            branch=fo.branch_id,
            idempotency_key=f"factory:{fo.pk}:{to}:{event.pk}",
        )
    if fo.order_type == T.MODIFICATION and to == S.COMPLETED:
        hooks.call("manufacturing.modification_done", order=fo.order, request_id=fo.modification_request_id, actor=user)
    return fo


def _revert(fo: FactoryOrder, *, user: Any, to: str, reason: str) -> FactoryOrder:
    if not is_system_admin(user):
        raise InvalidTransition(
            _("Only a system administrator may move a factory order back."),
            extra={"to": factory_allowed_targets(factory_order=fo, user=user)},
        )
    if not fits_type(fo, to):
        raise InvalidTransition(
            _("This factory order cannot be “%(to)s”.") % {"to": S(to).label},
            extra={"to": factory_allowed_targets(factory_order=fo, user=user)},
        )
    if not reason:
        raise ValidationError({"reason": _("Give a reason for moving the order back.")})
    current = fo.status
    fo.status, fo.status_reason = to, reason[:255]
    fields = ["status", "status_reason", "updated_at"]
    if RANK[to] < RANK[S.COMPLETED]:
        fo.completed_at = None
        fields.append("completed_at")
    if current == S.DELIVERED:
        fo.delivered_at = None
        fields.append("delivered_at")
    fo.save(update_fields=fields)
    _event(fo, FactoryEvent.Kind.REVERTED, user, from_status=current, to_status=to, reason=reason)
    return fo


@transaction.atomic
def factory_order_reply(*, factory_order: FactoryOrder, user: Any, reply: str) -> FactoryOrder:
    """The salesperson answers a rejection; the factory managers are told."""
    require_perm(user, "manufacturing.reply_rejections")
    fo = _lock(factory_order)
    if fo.status != S.REJECTED:
        raise InvalidTransition(_("Only a rejected factory order can be answered."))
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": _("Write the reply.")})
    fo.rejection_reply, fo.replied_at = reply, timezone.now()
    fo.save(update_fields=["rejection_reply", "replied_at", "updated_at"])
    event = _event(fo, FactoryEvent.Kind.REPLY, user, reason=reply[:255])
    notify(
        kind=Kind.FACTORY,
        event="factory_rejection_replied",
        title=_("Reply to the rejection of %(number)s") % {"number": fo.number},
        body=reply,
        link=_detail_link(fo.pk),
        actor=user,
        idempotency_key=f"factory:{fo.pk}:reply:{event.pk}",
    )
    return fo


@transaction.atomic
def factory_order_change_line(
    *, factory_order: FactoryOrder, user: Any, line: ProductionLine, reason: str = ""
) -> FactoryOrder:
    require_perm(user, "manufacturing.change_line")
    fo = _lock(factory_order)
    if fo.status in (S.READY_INSTALL, S.COMPLETED, S.DELIVERED, S.CANCELLED):
        raise InvalidTransition(_("A finished factory order stays on its line."))
    if not line.is_active:
        raise ValidationError({"line": _("The line is not active.")})
    if fo.line_id == line.pk:
        return fo
    previous = fo.line_id
    fo.line = line
    fo.save(update_fields=["line", "updated_at"])
    LineChangeLog.objects.create(factory_order=fo, from_line_id=previous, to_line=line, user=_user(user), reason=reason)
    _event(
        fo, FactoryEvent.Kind.LINE, user, reason=reason, details={"from": previous, "to": line.pk, "line": line.name}
    )
    return fo


# ---------------------------------------------------------------------------------------------------------------
# Items: cut items from cutting, receipt in bags, delivery to the line


def _cut_info(cut_item: hooks.CutItem) -> dict[str, Any]:
    """What the factory copies of a cut item, as cutting hands it over (`erp.core.hooks.CutItem`)."""
    return {
        "cut_reference": cut_item.cut_reference[:60],
        "cut_permit": cut_item.permit_number[:60],
        "cut_receiver": cut_item.receiver_name[:120],
        "meters": cut_item.meters,
        "name": cut_item.name[:200],
    }


@transaction.atomic
def receive_cut_item_done(
    *, order: Order, order_item: Any, cut_item: Any, actor: Any, **_kw: Any
) -> FactoryItem | None:
    """The ``cutting.item_done`` receiver: link the cut item to the order's factory order (idempotent per cut item).
    Orders without a factory order (products) are not the factory's business."""
    existing = FactoryItem.objects.filter(cut_item_id=cut_item.pk).first()
    if existing is not None:
        return existing
    fo = FactoryOrder.objects.filter(order_id=order.pk).exclude(order_type=T.MODIFICATION).first()
    if fo is None:
        return None
    info = _cut_info(cut_item)
    name = info.pop("name") or (getattr(order_item, "name", "") if order_item is not None else "") or _("Fabric")
    item = FactoryItem.objects.create(
        factory_order=fo,
        order_item_id=getattr(order_item, "pk", None),
        cut_item_id=cut_item.pk,
        name=name,
        **info,
    )
    _event(fo, FactoryEvent.Kind.ITEM, actor, details={"cut_item": cut_item.pk, "reference": item.cut_reference})
    order_record_handoff(
        order=order.pk, actor=actor, kind="cut_item_to_factory", details={"factory_order": fo.number, "item": name}
    )
    return item


@transaction.atomic
def receive_cut_item_reversed(*, cut_item: Any, actor: Any, **_kw: Any) -> bool:
    """The ``cutting.item_reversed`` receiver: unlink a cut item the factory has not received yet; once received the
    reset is refused (the ValidationError rolls the cutting reset back)."""
    item = FactoryItem.objects.select_for_update().filter(cut_item_id=cut_item.pk).first()
    if item is None:
        return False
    if item.received_at is not None:
        raise ValidationError(
            _("The factory already received this fabric (bag %(bag)s): it cannot be reset.") % {"bag": item.bag_number}
        )
    fo = item.factory_order
    item.delete()
    _event(
        fo, FactoryEvent.Kind.ITEM, actor, reason=_("Cut item reversed by cutting"), details={"cut_item": cut_item.pk}
    )
    return True


@transaction.atomic
def factory_fabric_receive(
    *, user: Any, receipts: Sequence[tuple[FactoryItem | int, str]], scope: Any = None
) -> list[FactoryItem]:
    """Receive cut fabric: each (item, bag number). Items already received or not cut are refused (nothing is
    saved). `scope`, when given, is the queryset of factory orders the user may see."""
    require_perm(user, "manufacturing.receive_fabric")
    if not receipts:
        raise ValidationError({"items": _("Choose at least one item.")})
    ids = [r[0] if isinstance(r[0], int) else r[0].pk for r in receipts]
    bags = {i: normalize_code(b) for i, (_item, b) in zip(ids, receipts, strict=True)}
    qs = FactoryItem.objects.select_for_update().filter(pk__in=ids)
    if scope is not None:
        qs = qs.filter(factory_order__in=scope)
    items = {i.pk: i for i in qs.order_by("pk")}
    errors: dict[str, list[str]] = {}
    for pk in ids:
        item = items.get(pk)
        if item is None:
            errors.setdefault("items", []).append(_("No such item: %(id)s.") % {"id": pk})
        elif item.received_at is not None:
            errors.setdefault("items", []).append(_("%(item)s was received already.") % {"item": item.name})
        elif not bags[pk]:
            errors.setdefault("bag_number", []).append(_("Enter the bag number of %(item)s.") % {"item": item.name})
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for item in items.values():
        item.bag_number, item.received_at, item.received_by = bags[item.pk][:40], now, _user(user)
    FactoryItem.objects.bulk_update(items.values(), ["bag_number", "received_at", "received_by"])
    by_order: dict[int, list[FactoryItem]] = {}
    for item in items.values():
        by_order.setdefault(item.factory_order_id, []).append(item)
    FactoryEvent.objects.bulk_create(
        FactoryEvent(
            factory_order_id=fo_id,
            kind=FactoryEvent.Kind.RECEIPT,
            user=_user(user),
            details={"items": [i.pk for i in rows], "bags": sorted({i.bag_number for i in rows})},
        )
        for fo_id, rows in by_order.items()
    )
    return list(items.values())


def factory_fabric_receive_reference(
    *, user: Any, cut_reference: str, bag_number: str, scope: Any = None
) -> list[FactoryItem]:
    """Receive every not-yet-received item of a cutting order (by its number) in one bag."""
    reference = normalize_code(cut_reference)
    qs = FactoryItem.objects.filter(cut_reference=reference, received_at__isnull=True)
    if scope is not None:
        qs = qs.filter(factory_order__in=scope)
    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        raise ValidationError({"cut_reference": _("Nothing to receive for %(ref)s.") % {"ref": reference}})
    return factory_fabric_receive(user=user, receipts=[(pk, bag_number) for pk in ids], scope=scope)


@transaction.atomic
def factory_items_deliver(*, user: Any, factory_order: FactoryOrder, item_ids: Iterable[int] | None = None) -> int:
    """Deliver received fabric to the order's production line (all received items when `item_ids` is None)."""
    require_perm(user, "manufacturing.deliver_to_line")
    fo = _lock(factory_order)
    if fo.status in (S.CANCELLED, S.REJECTED, S.DELIVERED):
        raise InvalidTransition(_("This factory order takes no fabric now."))
    if fo.line_id is None:
        raise ValidationError({"line": _("Choose a production line first.")})
    qs = FactoryItem.objects.filter(factory_order=fo, received_at__isnull=False, delivered_to_line_at__isnull=True)
    if item_ids is not None:
        qs = qs.filter(pk__in=list(item_ids))
    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        raise ValidationError({"items": _("No received fabric waits for the line.")})
    FactoryItem.objects.filter(pk__in=ids).update(delivered_to_line_at=timezone.now(), delivered_by=_user(user))
    _event(fo, FactoryEvent.Kind.DELIVERY, user, details={"items": ids, "line_id": fo.line_id})
    return len(ids)


# ---------------------------------------------------------------------------------------------------------------
# Modification orders (installations' re-work)


@transaction.atomic
def receive_modification_requested(
    *,
    order: Order,
    request_id: int,
    items: Sequence[dict[str, Any]],
    actor: Any,
    due_date: date | None = None,
    **_kw: Any,
) -> FactoryOrder:
    """The ``manufacturing.modification_requested`` receiver: a modification factory order (pending, due in three
    days unless `due_date`), with its items; one per request (a repeat returns the first)."""
    existing = FactoryOrder.objects.filter(modification_request_id=request_id).first()
    if existing is not None:
        return existing
    n = counter_next(f"manufacturing.modification:{order.pk}") + 1
    number = f"{order.number}-M{n}"
    line = line_for(branch_id=order.branch_id, order_type=T.MODIFICATION)
    fo = FactoryOrder.objects.create(
        number=number,
        order=order,
        branch_id=order.branch_id,
        is_vip=order.priority == Order.Priority.VIP,
        order_type=T.MODIFICATION,
        status=S.PENDING,
        line=line,
        expected_date=due_date or (timezone.localdate() + timedelta(days=MODIFICATION_DAYS)),
        modification_request_id=request_id,
        created_by=_user(actor),
        search_text=_search_text(number, order),
    )
    rows = []
    for raw in items:
        meters = raw.get("meters", raw.get("quantity"))
        rows.append(
            FactoryItem(
                factory_order=fo,
                order_item_id=raw.get("order_item_id"),
                name=str(raw.get("name") or _("Modification"))[:200],
                meters=Decimal(str(meters)) if meters not in (None, "") else None,
                notes=str(raw.get("notes") or "")[:255],
            )
        )
    FactoryItem.objects.bulk_create(rows)
    _event(fo, FactoryEvent.Kind.CREATED, actor, to_status=S.PENDING, details={"modification_request": request_id})
    notify(
        kind=Kind.FACTORY,
        event="factory_modification_created",
        title=_("Modification order %(number)s") % {"number": number},
        link=_detail_link(fo.pk),
        actor=actor,
        priority=Priority.HIGH,
        idempotency_key=f"factory:{fo.pk}:created",
    )
    return fo


# ---------------------------------------------------------------------------------------------------------------
# Production lines


@transaction.atomic
def production_line_save(
    *,
    user: Any,
    line: ProductionLine | None = None,
    name: str,
    capacity_per_day: int,
    priority: int,
    is_active: bool = True,
    notes: str = "",
    routes: Iterable[tuple[str, int]] = (),
) -> ProductionLine:
    """Create or update a line and replace its routes ((order type, branch id) pairs)."""
    require_perm(user, "manufacturing.manage_lines")
    line = line or ProductionLine()
    line.name, line.capacity_per_day, line.priority = name.strip(), capacity_per_day, priority
    line.is_active, line.notes = is_active, notes
    line.full_clean()
    line.save()
    wanted = {(t, int(b)) for t, b in routes}
    bad = [t for t, _b in wanted if t not in T.values]
    if bad:
        raise ValidationError({"routes": _("Unknown order type.")})
    ProductionLineRoute.objects.filter(line=line).delete()
    ProductionLineRoute.objects.bulk_create(
        ProductionLineRoute(line=line, order_type=t, branch_id=b) for t, b in sorted(wanted)
    )
    return line


# ---------------------------------------------------------------------------------------------------------------
# The order cancelled (hook called by orders inside its transaction)

FINISHED = (S.READY_INSTALL, S.COMPLETED, S.DELIVERED)


@transaction.atomic
def receive_order_cancelled(*, order: Order, actor: Any, reason: str = "", **_kw: Any) -> list[FactoryOrder]:
    """The ``order.cancelled`` receiver. Once a factory order is ready or completed there is no cancel (B §4.7-4):
    a ready, completed or delivered factory order refuses the order's cancellation (a ValidationError naming it, the
    whole cancellation rolls back). Otherwise every open factory order of the order (awaiting approval, waiting, in
    production, rejected; re-work orders too) becomes cancelled, with its timeline, the factory managers and the
    order's creator told, and one row on the order's timeline. Returns the factory orders cancelled."""
    fos = list(FactoryOrder.objects.select_for_update().filter(order_id=order.pk).order_by("pk"))
    finished = [fo for fo in fos if fo.status in FINISHED and fo.order_type != T.MODIFICATION]
    if finished:
        raise ValidationError(
            {
                "to": _(
                    "The factory order %(number)s is already “%(status)s”: finished factory work cannot be "
                    "cancelled, so neither can the order."
                )
                % {"number": finished[0].number, "status": finished[0].get_status_display()}
            }
        )
    cancelled = [fo for fo in fos if fo.status in OPEN]
    reason = (reason or "").strip()
    for fo in cancelled:
        current = fo.status
        fo.status, fo.status_reason = S.CANCELLED, reason[:255]
        fo.save(update_fields=["status", "status_reason", "updated_at"])
        _event(
            fo,
            FactoryEvent.Kind.STATUS,
            actor,
            from_status=current,
            to_status=S.CANCELLED,
            reason=reason,
            details={"order_cancelled": True},
        )
        notify(
            kind=Kind.FACTORY,
            event="factory_order_cancelled",
            title=_("Factory order %(number)s is cancelled: %(reason)s") % {"number": fo.number, "reason": reason},
            link=_detail_link(fo.pk),
            actor=actor,
            users=[order.created_by_id],
            branch=fo.branch_id,
            idempotency_key=f"factory:{fo.pk}:cancelled",
        )
    if cancelled:
        order_record_handoff(
            order=order.pk,
            actor=actor,
            kind="factory_cancelled",
            details={"factory_orders": [fo.number for fo in cancelled]},
        )
    return cancelled
