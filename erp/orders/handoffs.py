"""What operations do to an order (A.3-1, A.3-2): explicit calls from the departments' services.

- `dispatch_handoffs(order, actor)`: at placement, each pending `OrderHandoff` is offered to the department that
  registered for it (`erp.core.hooks`, ``handoff.<kind>``); a consumed hand-off is marked so and written to the
  timeline.
- `order_advance(order, to, actor, source, reason)`: a department moves the order forward (inspection passed →
  completed, all cut → completed, factory ready → ready_install, installed → completed, …). It follows the lifecycle
  table of `erp.orders.transitions` (several steps at once when the department's state jumps ahead), checks no user
  permission (the department's own service already did), never leaves a final status, and writes one timeline row
  naming the department.
- `order_record_handoff(order, actor, kind, details)`: a timeline row for a hand-off between departments.
"""

from collections import deque
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.core import hooks
from erp.core.exceptions import InvalidTransition
from erp.orders.models import Order, OrderEvent, OrderHandoff

S = Order.Status
FINAL = {S.DELIVERED, S.CANCELLED}
# Moves only a department makes: an inspection that failed rejects its order whatever step it reached.
SYSTEM_MOVES: dict[str, set[str]] = {S.PENDING: {S.REJECTED}, S.IN_PROGRESS: {S.REJECTED}}


def _path(order: Order, to: str) -> list[str] | None:
    """The shortest chain of statuses from the order's to `to` (excluding the start), or None."""
    from erp.orders.transitions import TRANSITIONS, _fits_type

    start = order.status
    seen = {start: [start]}
    queue = deque([start])
    while queue:
        status = queue.popleft()
        if status == to:
            return seen[status][1:]
        probe = Order(order_type=order.order_type, status=status)
        nexts = {t for t in TRANSITIONS[status] if _fits_type(probe, t) and t != S.CANCELLED}
        nexts |= SYSTEM_MOVES.get(status, set())
        if status != start:
            nexts.discard(S.REJECTED)  # a rejection is a direct move, never a step on the way
        for nxt in sorted(nexts):
            if nxt not in seen:
                seen[nxt] = [*seen[status], nxt]
                queue.append(nxt)
    return None


@transaction.atomic
def order_advance(
    *, order: Order, to: str, actor: Any, source: str, reason: str = "", details: dict | None = None
) -> bool:
    """Move `order` to `to` on behalf of department `source`; False when it already is there (idempotent)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status == to:
        return False
    if order.status in FINAL:
        raise InvalidTransition(
            _("The order is %(status)s: nothing can move it now.") % {"status": order.get_status_display()}
        )
    path = _path(order, to)
    if path is None:
        raise InvalidTransition(
            _("A %(status)s order cannot become %(to)s.") % {"status": order.get_status_display(), "to": to}
        )
    current = order.status
    order.status = to
    order.status_reason = reason
    order.save(update_fields=["status", "status_reason", "updated_at"])
    OrderEvent.objects.create(
        order=order,
        kind=OrderEvent.Kind.STATUS,
        from_status=current,
        to_status=to,
        user=actor if getattr(actor, "pk", None) else None,
        reason=reason[:255],
        details={"source": source, **({"via": path[:-1]} if len(path) > 1 else {}), **(details or {})},
    )
    return True


def order_record_handoff(*, order: Order | int, actor: Any, kind: str, details: dict | None = None) -> OrderEvent:
    """A hand-off between departments on the order's timeline (`kind`: e.g. "cut_item_to_factory")."""
    order_id = order if isinstance(order, int) else order.pk
    return OrderEvent.objects.create(
        order_id=order_id,
        kind=OrderEvent.Kind.HANDOFF,
        user=actor if getattr(actor, "pk", None) else None,
        details={"handoff": kind, **(details or {})},
    )


def dispatch_handoffs(*, order: Order, actor: Any, kinds: list[str] | None = None) -> list[str]:
    """Offer the order's pending hand-offs to their departments, in the placing transaction; returns the kinds
    consumed. A hand-off nobody registered for stays pending (the department is not installed). `kinds`, when the
    caller knows them, saves the query when no department listens."""
    consumed: list[str] = []
    if kinds is not None and not any(hooks.receivers(f"handoff.{k}") for k in kinds):
        return consumed
    for handoff in OrderHandoff.objects.filter(order=order, status=OrderHandoff.Status.PENDING).order_by("id"):
        name = f"handoff.{handoff.kind}"
        if not hooks.receivers(name):
            continue
        hooks.call(name, order=order, actor=actor)
        OrderHandoff.objects.filter(pk=handoff.pk).update(
            status=OrderHandoff.Status.CONSUMED, consumed_at=timezone.now()
        )
        consumed.append(handoff.kind)
    return consumed
