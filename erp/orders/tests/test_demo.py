import io

import pytest
from django.core.management import call_command

from erp.inventory.services import stock_ledger_mismatches
from erp.orders.models import Order, OrderHandoff, Payment, PromoCode, Salesperson
from erp.orders.services import order_totals_mismatches

pytestmark = pytest.mark.django_db


def test_demo_orders_cover_every_type_and_status_and_add_up() -> None:
    out = io.StringIO()
    call_command("demo_data", size="small", seed=3, stdout=out)
    assert "orders:" in out.getvalue()
    assert set(Order.objects.values_list("order_type", flat=True)) == set(Order.Type.values)
    assert set(Order.objects.values_list("status", flat=True)) == set(Order.Status.values)
    assert Payment.objects.exists() and OrderHandoff.objects.exists()
    assert Salesperson.objects.filter(user__isnull=True).exists()
    assert set(PromoCode.objects.values_list("status", flat=True)) == set(PromoCode.Status.values)
    assert order_totals_mismatches() == []
    assert stock_ledger_mismatches() == []
    from erp.orders.models import OrderDraft

    assert OrderDraft.objects.filter(payload__items__0__quantity__isnull=False).exists()  # drafts to resume
    call_command("check_order_totals", stdout=io.StringIO())
