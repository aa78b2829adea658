import io

import pytest
from django.core.management import call_command

from erp.cutting.models import CuttingItem, CuttingOrder, CuttingStatus
from erp.cutting.services import derive_status
from erp.inventory.models import StockMovement
from erp.inventory.services import stock_ledger_mismatches
from erp.orders.models import Order

pytestmark = pytest.mark.django_db


def test_demo_cutting_covers_every_state_with_consistent_stock() -> None:
    out = io.StringIO()
    call_command("demo_data", size="small", seed=3, stdout=out)
    assert "cutting:" in out.getvalue()
    assert set(CuttingOrder.objects.values_list("status", flat=True)) == set(CuttingStatus.values)
    assert not CuttingOrder.objects.filter(order__order_type=Order.Type.INSPECTION).exists()
    # Every non-inspection order with goods has its cutting; stored statuses match their items.
    for co in CuttingOrder.objects.prefetch_related("items")[:200]:
        assert co.status == derive_status([i.status for i in co.items.all()])
    # Every cut item of a made-to-measure order took its stock once; products orders took theirs at sale.
    cut = CuttingItem.objects.filter(status=CuttingStatus.COMPLETED, order_item__isnull=False).exclude(
        cutting_order__order__order_type=Order.Type.PRODUCTS
    )
    keys = [f"cut:{i.pk}:production:{i.generation}" for i in cut]
    assert keys and StockMovement.objects.filter(idempotency_key__in=keys).count() == len(keys)
    assert stock_ledger_mismatches() == []
    again = io.StringIO()
    call_command("demo_data", size="small", seed=3, stdout=again)  # a second run adds nothing
    assert "cutting: demo cutting exists already" in again.getvalue() or "skipped" in again.getvalue()
