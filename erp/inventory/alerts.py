"""Low-stock, out-of-stock and negative-stock alerts: the hook other modules (notifications) subscribe to.

`stock_apply` reports, after its transaction commits, every balance a posting made *worse* in state: from ok to
low (below the product's minimum), to out (exactly zero) or to negative (cutting in a warehouse that allows it).
Handlers run after commit (never inside the stock lock) and one failing handler neither breaks the posting nor the
other handlers. Register with `register_stock_alert_handler(fn)`; fn receives a list of `StockAlert`.

The alerts *list* is computed from the balances (selectors.alert_list), not from maintained alert rows: there is
nothing to keep in step inside the stock lock and nothing to drift; out-of-stock and negative rows come from a
partial index (`inv_balance_out`), low ones from the warehouse index joined to the product's minimum.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

logger = logging.getLogger(__name__)

OK, LOW, OUT, NEGATIVE = "ok", "low", "out", "negative"
_RANK = {OK: 0, LOW: 1, OUT: 2, NEGATIVE: 3}


@dataclass(frozen=True)
class StockAlert:
    variant_id: int
    warehouse_id: int
    before: Decimal
    after: Decimal
    minimum: Decimal
    state: str  # low | out | negative


Handler = Callable[[list[StockAlert]], None]
_HANDLERS: list[Handler] = []


def register_stock_alert_handler(fn: Handler) -> Handler:
    """Subscribe `fn` (usable as a decorator). Registering the same function twice keeps one subscription."""
    if fn not in _HANDLERS:
        _HANDLERS.append(fn)
    return fn


def unregister_stock_alert_handler(fn: Handler) -> None:
    if fn in _HANDLERS:
        _HANDLERS.remove(fn)


def stock_state(quantity: Decimal, minimum: Decimal) -> str:
    if quantity < 0:
        return NEGATIVE
    if quantity == 0:
        return OUT
    if quantity < minimum:
        return LOW
    return OK


def crossings(changes: list[tuple[int, int, Decimal, Decimal, Decimal]]) -> list[StockAlert]:
    """(variant, warehouse, before, after, minimum) → the alerts for balances whose state got worse."""
    out = []
    for variant_id, warehouse_id, before, after, minimum in changes:
        state = stock_state(after, minimum)
        if _RANK[state] > _RANK[stock_state(before, minimum)]:
            out.append(StockAlert(variant_id, warehouse_id, before, after, minimum, state))
    return out


def dispatch_on_commit(alerts: list[StockAlert]) -> None:
    if alerts and _HANDLERS:
        transaction.on_commit(lambda: _dispatch(alerts))


def _dispatch(alerts: list[StockAlert]) -> None:
    for handler in _HANDLERS:
        try:
            handler(alerts)
        except Exception:
            logger.exception("stock alert handler %r failed", handler)
