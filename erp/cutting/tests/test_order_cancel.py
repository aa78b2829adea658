"""The order cancelled (``order.cancelled``): the cutting room cancels what it holds; a made-to-measure order's cut
items give their stock back exactly once (whatever was rejected or reset before), a products order's stock is
returned once by orders (from the sale), the timelines record it, and nothing moves a cancelled item again."""

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from erp.core import hooks
from erp.core.exceptions import InvalidTransition
from erp.cutting.departments import annotate
from erp.cutting.models import CuttingEvent, CuttingItem, CuttingOrder, CuttingStatus
from erp.cutting.services import cut_item_transition, cutting_order_cancelled, cutting_order_transition
from erp.cutting.tests.helpers import CUT, cutting_of, items_of, tailoring
from erp.inventory.models import StockBalance, StockMovement
from erp.inventory.services import stock_ledger_mismatches
from erp.orders import selectors
from erp.orders.models import Order, OrderEvent
from erp.orders.tests import factories
from erp.orders.transitions import order_transition
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db
S = CuttingStatus


@pytest.fixture(autouse=True)
def _only_cutting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cutting room alone answers the cancellation (the other departments' receivers have their own tests)."""
    monkeypatch.setitem(hooks._HOOKS, "order.cancelled", [cutting_order_cancelled])


def balance(shop: Any, n: int = 0) -> Decimal:
    return StockBalance.objects.get(variant=shop.fabrics[n], warehouse=shop.warehouse).quantity


def cancel(order: Order, user: Any, reason: str = "العميل ألغى") -> Order:
    return order_transition(order=order, user=user, to=Order.Status.CANCELLED, reason=reason)


def cutting_rows(order: Order) -> list[OrderEvent]:
    return list(OrderEvent.objects.filter(order=order, details__handoff="cutting_cancelled"))


def test_cancel_before_any_cut_cancels_everything_and_moves_no_stock(shop: Any, seller: Any) -> None:
    order = tailoring(shop, seller)
    moves = StockMovement.objects.count()

    cancel(order, seller)

    assert {co.status for co in cutting_of(order)} == {S.CANCELLED}
    assert {i.status for i in items_of(order)} == {S.CANCELLED}
    assert StockMovement.objects.count() == moves
    [row] = cutting_rows(order)
    assert row.details["items"] == len(items_of(order)) and row.details["stock_returned"] == 0
    co = cutting_of(order)[0]
    assert CuttingEvent.objects.filter(cutting_order=co, item=None, to_status=S.CANCELLED).count() == 1
    assert CuttingEvent.objects.filter(cutting_order=co, item__isnull=False, to_status=S.CANCELLED).count() == 3
    notice = OutboxEvent.objects.get(idempotency_key=f"notification:cutting:{co.pk}:cancelled")
    assert notice.payload["event"] == "cutting_cancelled" and "العميل ألغى" in notice.payload["body"]


def test_cut_items_of_a_made_to_measure_order_return_their_stock_once(shop: Any, seller: Any, keeper: Any) -> None:
    order = tailoring(shop, seller)
    before = balance(shop, 0)
    first, second = items_of(order)[:2]
    cut_item_transition(item=first, user=keeper, to=S.COMPLETED, details=CUT)
    cut_item_transition(item=second, user=keeper, to=S.IN_PROGRESS)
    assert balance(shop, 0) == before - Decimal(3)

    cancel(order, seller)

    assert balance(shop, 0) == before  # given back
    assert StockMovement.objects.filter(idempotency_key=f"cut:{first.pk}:return:0").count() == 1
    assert {i.status for i in items_of(order)} == {S.CANCELLED}
    first.refresh_from_db()
    assert first.generation == 1
    [row] = cutting_rows(order)
    assert row.details["stock_returned"] == 1
    event = CuttingEvent.objects.get(item=first, to_status=S.CANCELLED)
    assert event.details["was"] == S.COMPLETED and Decimal(event.details["stock_returned"]) == Decimal(3)
    assert event.reason == "العميل ألغى" and event.user == seller
    assert stock_ledger_mismatches() == []

    # Cancelling again is refused by the order's rules, and the receiver itself is idempotent.
    with pytest.raises(InvalidTransition):
        cancel(order, seller)
    assert cutting_order_cancelled(order=order, actor=seller, reason="مرة أخرى") == 0
    assert balance(shop, 0) == before and len(cutting_rows(order)) == 1


def test_cancel_after_a_reset_and_a_second_cut_returns_only_the_second(
    shop: Any, seller: Any, keeper: Any, boss: Any
) -> None:
    order = tailoring(shop, seller)
    before = balance(shop, 0)
    item = items_of(order)[0]
    cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=CUT)
    cut_item_transition(item=item, user=boss, to=S.PENDING, reason="قياس خاطئ")  # returns generation 0
    assert balance(shop, 0) == before
    cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=CUT)  # takes generation 1
    assert balance(shop, 0) == before - Decimal(3)

    cancel(order, seller)

    assert balance(shop, 0) == before
    keys = set(StockMovement.objects.filter(reason="return").values_list("idempotency_key", flat=True))
    assert keys == {f"cut:{item.pk}:return:0", f"cut:{item.pk}:return:1"}
    assert stock_ledger_mismatches() == []


def test_cancel_after_a_rejection_returns_nothing_more(shop: Any, seller: Any, keeper: Any, boss: Any) -> None:
    order = tailoring(shop, seller)
    before = balance(shop, 0)
    item = items_of(order)[0]
    cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=CUT)
    cut_item_transition(item=item, user=boss, to=S.REJECTED, reason="عيب في القماش")  # already returned
    assert balance(shop, 0) == before
    moves = StockMovement.objects.count()

    cancel(order, seller)

    assert StockMovement.objects.count() == moves and balance(shop, 0) == before
    item.refresh_from_db()
    assert item.status == S.CANCELLED


def test_products_order_stock_comes_back_once_from_the_sale_not_from_cutting(
    shop: Any, seller: Any, keeper: Any
) -> None:
    before = balance(shop, 0)
    order = factories.place(shop, seller)
    assert balance(shop, 0) == before - Decimal(2)  # taken at sale
    item = items_of(order)[0]
    cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=CUT)  # cutting a products order moves nothing

    cancel(order, seller)

    assert balance(shop, 0) == before
    assert StockMovement.objects.filter(reference=order.number, reason="return").count() == 2  # one per line
    assert not StockMovement.objects.filter(idempotency_key__startswith=f"cut:{item.pk}:").exists()
    assert {i.status for i in items_of(order)} == {S.CANCELLED}
    assert stock_ledger_mismatches() == []


def test_nothing_moves_a_cancelled_item_or_cutting_order(shop: Any, seller: Any, keeper: Any) -> None:
    order = tailoring(shop, seller)
    cancel(order, seller)
    item = items_of(order)[0]
    with pytest.raises(InvalidTransition):
        cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=CUT)
    with pytest.raises(InvalidTransition):
        cutting_order_transition(cutting_order=cutting_of(order)[0], user=keeper, to=S.IN_PROGRESS)


def test_the_order_page_shows_cutting_cancelled(shop: Any, seller: Any) -> None:
    order = tailoring(shop, seller)
    cancel(order, seller)
    row = selectors.order_base(actor=seller).filter(pk=order.pk)
    assert getattr(annotate(row).get(), "dept_cutting_status") == S.CANCELLED  # noqa: B009 (an annotation)


def test_a_refusing_department_leaves_the_cut_items_and_stock_as_they_were(
    shop: Any, seller: Any, keeper: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.exceptions import ValidationError

    def refuse(**_kw: Any) -> None:
        raise ValidationError({"to": "لا"})

    monkeypatch.setitem(hooks._HOOKS, "order.cancelled", [cutting_order_cancelled, refuse])
    order = tailoring(shop, seller)
    item = items_of(order)[0]
    cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=CUT)
    stock, moves = balance(shop, 0), StockMovement.objects.count()

    with pytest.raises(ValidationError):
        cancel(order, seller)

    order.refresh_from_db()
    assert order.status != Order.Status.CANCELLED
    assert balance(shop, 0) == stock and StockMovement.objects.count() == moves
    assert CuttingItem.objects.get(pk=item.pk).status == S.COMPLETED
    assert not CuttingOrder.objects.filter(order=order, status=S.CANCELLED).exists()
    assert cutting_rows(order) == []


@pytest.mark.django_db(transaction=True)
def test_a_cut_racing_the_cancellation_is_returned_or_refused_never_lost(
    shop: Any, seller: Any, keeper: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = tailoring(shop, seller)
    item = items_of(order)[0]
    before = balance(shop, 0)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def cut() -> None:
        try:
            barrier.wait()
            cut_item_transition(item=item, user=keeper, to=S.COMPLETED, details=CUT)
            outcomes.append("cut")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    def cancel_it() -> None:
        try:
            barrier.wait()
            cancel(order, seller)
            outcomes.append("cancelled")
        finally:
            connection.close()

    threads = [threading.Thread(target=cut), threading.Thread(target=cancel_it)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert "cancelled" in outcomes and len(outcomes) == 2
    assert CuttingItem.objects.get(pk=item.pk).status == S.CANCELLED
    assert balance(shop, 0) == before  # cut then returned, or never cut
    assert stock_ledger_mismatches() == []
