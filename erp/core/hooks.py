"""Named hand-off hooks between modules (domain A.3-2).

A hand-off between departments is an explicit, synchronous call made by the service that owns the change, inside its
transaction: `call("cutting.item_done", ...)` runs every function registered under that name, in registration order,
and returns their results. Nothing is deferred and nothing is hidden in model signals: an exception in a receiver
rolls the caller's whole transaction back, so nothing is half-saved. Receivers register in their AppConfig.ready().

The names in use, and the keyword arguments each receives (receivers take `**_` for forward compatibility):

- ``handoff.inspection_needed`` / ``handoff.cutting_needed`` / ``handoff.factory_order_needed``:
  ``order``, ``actor``. Called by `erp.orders.handoffs.dispatch_handoffs` when an order is placed; the pending
  `OrderHandoff` row is marked consumed when a receiver ran.
- ``cutting.item_done``: ``order``, ``order_item`` (or None for customer-supplied fabric), ``cut_item`` (a
  `erp.core.hooks.CutItem`: what the factory copies of it), ``actor``. A cut item was completed (its stock already
  deducted by cutting); the factory links it to its factory order.
- ``cutting.item_reversed``: ``order``, ``order_item``, ``cut_item`` (a `CutItem`), ``actor``. A completed cut item was
  rejected or reset (stock returned); the factory unlinks it.
- ``manufacturing.modification_requested``: ``order``, ``request_id``, ``items`` (list of dicts), ``actor``,
  ``due_date``. Installations approved a re-work request; the factory creates a modification factory order and
  returns it.
- ``manufacturing.modification_done``: ``order``, ``request_id``, ``actor``. A modification factory order completed;
  installations closes the request.
- ``order.cancelled``: ``order`` (already cancelled, row locked), ``actor``, ``reason``. Called by
  `erp.orders.transitions.order_transition` after the order became cancelled, in its transaction. Each department
  cancels the work it holds (inspection, cutting orders and items with their stock returned once, factory orders,
  installation), writes its own timeline and one order-timeline row; a department whose work is finished refuses
  with a translated ValidationError naming why, and the whole cancellation rolls back.
- ``orders.items_changed``: ``order``, ``actor``, ``added`` (new OrderItem rows, saved), ``removed`` (OrderItem rows
  about to be deleted), ``resized`` ({order item id: new quantity}). Called by
  `erp.orders.services.order_update_items` after kept rows were updated and new ones created, before the removed
  rows are deleted: a department re-evaluates its hand-off (cutting: cut items follow) and lets go of the removed
  rows, or refuses (ConflictError) for work already done on them. A receiver returns something truthy when it
  changed anything.
- ``complaints.delay_candidates``: ``today``. Each receiver returns a list of `erp.core.hooks.DelayCandidate` for the
  daily delay-complaint task (orders past their date, installations past theirs).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

_HOOKS: dict[str, list[Callable[..., Any]]] = defaultdict(list)


def register(name: str, fn: Callable[..., Any]) -> None:
    """Add `fn` under `name` once (AppConfig.ready may run twice in some test set-ups)."""
    if fn not in _HOOKS[name]:
        _HOOKS[name].append(fn)


def receivers(name: str) -> list[Callable[..., Any]]:
    return list(_HOOKS.get(name, ()))


def call(name: str, **kwargs: Any) -> list[Any]:
    """Run every receiver of `name` now, in the caller's transaction, and return their results."""
    return [fn(**kwargs) for fn in receivers(name)]


@dataclass(frozen=True)
class DelayCandidate:
    """Something late enough for an automatic delay complaint: `key` is stable per late thing (no duplicate complaint
    while one with the same key is open)."""

    key: str
    order_id: int
    customer_id: int
    reason: str
    related_label: str = ""
    related_url: str = ""


@dataclass(frozen=True)
class CutItem:
    """A cut item as cutting hands it over (``cutting.item_done`` / ``cutting.item_reversed``): its id, its cutting
    order's code, the permit and receiver recorded at completion, the meters cut (quantity plus extra) and its name."""

    pk: int
    cut_reference: str = ""
    permit_number: str = ""
    receiver_name: str = ""
    meters: Decimal | None = None
    name: str = ""
