"""The demo has suppliers, purchase orders in every state, a posted count, adjustments and stock alerts."""

import io

import pytest
from django.core.management import call_command

from erp.inventory.models import PurchaseOrder, StockBalance, StockCount, StockMovement, Supplier
from erp.inventory.services import stock_ledger_mismatches

pytestmark = pytest.mark.django_db


def test_demo_stock_operations() -> None:
    call_command("demo_data", size="small", seed=3, stdout=io.StringIO())
    assert Supplier.objects.count() == 5 and Supplier.objects.filter(is_active=False).count() == 1
    assert set(PurchaseOrder.objects.values_list("status", flat=True)) == set(PurchaseOrder.Status.values)
    assert StockCount.objects.filter(status="posted").count() == 1
    assert StockMovement.objects.filter(kind="adjustment", reason="count").exists()
    assert StockMovement.objects.filter(kind="adjustment", reason="damage").exists()
    assert StockBalance.objects.filter(quantity=0, variant__product__kind="fabric").exists()
    assert StockBalance.objects.filter(quantity__gt=0, quantity__lt=20, variant__product__kind="fabric").exists()
    assert StockMovement.objects.filter(reason="purchase", reference__startswith="PO-").exists()
    assert stock_ledger_mismatches() == []
