"""Two concurrent completions of one cut item deduct its stock once (row locks + the ledger's idempotency key)."""

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from erp.core.exceptions import InvalidTransition
from erp.cutting.models import CuttingStatus
from erp.cutting.services import cut_item_transition
from erp.cutting.tests.helpers import CUT, items_of, tailoring
from erp.inventory.models import StockBalance, StockMovement
from erp.inventory.services import stock_ledger_mismatches


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_completions_deduct_once(shop: Any, seller: Any, keeper: Any) -> None:
    item = items_of(tailoring(shop, seller))[0]
    before = StockBalance.objects.get(variant=shop.fabrics[0], warehouse=shop.warehouse).quantity
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def complete() -> None:
        try:
            barrier.wait()
            cut_item_transition(item=item, user=keeper, to=CuttingStatus.COMPLETED, details=CUT)
            outcomes.append("done")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(outcomes) == ["done", "refused"]
    assert StockMovement.objects.filter(reason="production").count() == 1
    after = StockBalance.objects.get(variant=shop.fabrics[0], warehouse=shop.warehouse).quantity
    assert after == before - Decimal(3)
    assert stock_ledger_mismatches() == []
