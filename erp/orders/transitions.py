"""The order lifecycle (B §4.2, A.3-1): one table of moves, one permission per move, one service that makes them.

pending_approval → pending (approve) | rejected | cancelled
pending → in_progress | cancelled
in_progress → ready_install (installation orders) | completed (others) | cancelled
ready_install → completed | cancelled
completed → delivered (not installation orders: they end when installed)
rejected → pending_approval (resubmitted after a fix) | cancelled

Cancelling or rejecting needs a reason; cancelling a products order returns the stock it took at sale, and the
departments cancel their work through the ``order.cancelled`` hook (or refuse); every move writes the timeline.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from erp.accounts.access import access_for
from erp.accounts.scoping import scope_for
from erp.core import hooks
from erp.core.exceptions import InvalidTransition, NotFoundError, PermissionDeniedError
from erp.orders.models import Order, OrderEvent, OrderHandoff
from erp.orders.services import _return_stock

S = Order.Status
T = Order.Type

TRANSITIONS: dict[str, set[str]] = {
    S.PENDING_APPROVAL: {S.PENDING, S.REJECTED, S.CANCELLED},
    S.PENDING: {S.IN_PROGRESS, S.CANCELLED},
    S.IN_PROGRESS: {S.READY_INSTALL, S.COMPLETED, S.CANCELLED},
    S.READY_INSTALL: {S.COMPLETED, S.CANCELLED},
    S.COMPLETED: {S.DELIVERED},
    S.REJECTED: {S.PENDING_APPROVAL, S.CANCELLED},
    S.DELIVERED: set(),
    S.CANCELLED: set(),
}

# The permission each move needs, by (from, to); a missing pair falls back to the target's permission.
TARGET_PERMISSION: dict[str, str] = {
    S.PENDING: "orders.approve_orders",
    S.REJECTED: "orders.approve_orders",
    S.PENDING_APPROVAL: "orders.edit_orders",
    S.IN_PROGRESS: "orders.progress_orders",
    S.READY_INSTALL: "orders.progress_orders",
    S.COMPLETED: "orders.progress_orders",
    S.DELIVERED: "orders.progress_orders",
    S.CANCELLED: "orders.cancel_orders",
}
NEEDS_REASON = {S.REJECTED, S.CANCELLED}


def _fits_type(order: Order, target: str) -> bool:
    if target == S.READY_INSTALL:
        return order.order_type == T.INSTALLATION
    if target == S.COMPLETED and order.status == S.IN_PROGRESS:
        return order.order_type != T.INSTALLATION
    if target == S.DELIVERED:
        return order.order_type != T.INSTALLATION
    return True


def order_targets(order: Order) -> list[str]:
    """The statuses `order` may move to by the rules, whoever asks."""
    return sorted(t for t in TRANSITIONS[order.status] if _fits_type(order, t))


def order_allowed_targets(*, order: Order, user: Any) -> list[str]:
    """The statuses `user` may move `order` to now (the API's `allowed_transitions`, the page's buttons)."""
    access = access_for(user)
    return [t for t in order_targets(order) if access.has_perm(TARGET_PERMISSION[t])]


@transaction.atomic
def order_transition(*, order: Order, user: Any, to: str, reason: str = "") -> Order:
    """Move `order` to `to`: the rules, the caller's scope and permission, the reason, the stock, the timeline."""
    if not scope_for(user, "orders", Order.objects.filter(pk=order.pk)).exists():
        raise NotFoundError(_("No such order."))
    order = Order.objects.select_for_update().get(pk=order.pk)
    current = order.status
    targets = order_targets(order)
    if to not in targets:
        raise InvalidTransition(
            _("A %(status)s order cannot become %(to)s.") % {"status": order.get_status_display(), "to": to},
            extra={"to": targets},
        )
    if not access_for(user).has_perm(TARGET_PERMISSION[to]):
        raise PermissionDeniedError(_("You may not do this to the order."))
    reason = (reason or "").strip()
    if to in NEEDS_REASON and not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    details: dict[str, Any] = {}
    if to == S.CANCELLED:
        if order.order_type == T.PRODUCTS and _return_stock(order, user):
            details["stock_returned"] = True
        order.handoffs.filter(status=OrderHandoff.Status.PENDING).update(status=OrderHandoff.Status.CANCELLED)
    order.status = to
    order.status_reason = reason
    order.save(update_fields=["status", "status_reason", "updated_at"])
    OrderEvent.objects.create(
        order=order,
        kind=OrderEvent.Kind.STATUS,
        from_status=current,
        to_status=to,
        user=user,
        reason=reason,
        details=details,
    )
    if to == S.CANCELLED:
        # Every department drops the work it holds for the order, in this transaction; one that already finished
        # its work refuses with its reason (a ValidationError): nothing is saved then.
        hooks.call("order.cancelled", order=order, actor=user, reason=reason)
    return order
