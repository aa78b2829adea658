"""The PostgreSQL COPY path of the demo data (erp/core/demodata.bulk_insert and the bulk generators above the
small size), at a tiny volume: what it writes must agree with what the services would have written (totals,
balances, ledgers, counters, search columns), every reference must hold with the foreign-key triggers on, and the
sequences must continue after the copied rows."""

import io
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from erp.core import demodata
from erp.core.models import Counter

pytestmark = pytest.mark.django_db

TINY = {
    "erp.customers.demo": 120,
    "erp.orders.demo": 400,
    "erp.inventory.demo": 60,
    "erp.installations.demo": 3,
    "erp.complaints.demo": 8,
}


@pytest.fixture
def tiny_medium(monkeypatch: pytest.MonkeyPatch) -> str:
    """`demo_data --size medium` (the COPY generators) at a tiny volume, foreign-key triggers on, every deferred
    check run before the test looks at the data."""
    import importlib

    for module, volume in TINY.items():
        monkeypatch.setitem(importlib.import_module(module).SIZES, "medium", volume)
    monkeypatch.setitem(demodata.SIZES, "medium", {"branches": 3, "extra_users": 6})
    monkeypatch.setattr(demodata, "SKIP_FK_CHECKS", False)
    out = io.StringIO()
    call_command("demo_data", size="medium", seed=5, stdout=out)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # a dangling reference fails here
    return out.getvalue()


def test_copy_path_agrees_with_the_services(tiny_medium: str) -> None:
    """One generation (a minute on a loaded machine), three kinds of checks."""
    _totals_ledger_and_progress(tiny_medium)
    _search_columns_match_the_services()
    _counters_continue_after_the_generated_numbers()


def _totals_ledger_and_progress(tiny_medium: str) -> None:
    from erp.inventory.models import StockMovement
    from erp.inventory.services import stock_ledger_mismatches
    from erp.orders.models import Order, OrderItem, Payment
    from erp.orders.services import order_totals_mismatches

    assert connection.vendor == "postgresql"
    assert Order.objects.count() >= 400 and OrderItem.objects.count() > Order.objects.count()
    assert order_totals_mismatches() == []
    assert stock_ledger_mismatches() == []
    call_command("check_order_totals", stdout=io.StringIO())
    call_command("check_stock_ledger", stdout=io.StringIO())
    assert StockMovement.objects.filter(reason=StockMovement.Reason.SALE).exists()  # a history, not just openings
    assert all(p.amount == p.allocations.get().amount for p in Payment.objects.filter(order__isnull=False)[:50])
    for label in ("customers", "orders", "catalogue", "stock movements", "installations", "complaints"):
        assert re.search(rf"{label}\s+\[#+\] 100% .* rows/s", tiny_medium), label


def _search_columns_match_the_services() -> None:
    from erp.complaints.models import Complaint
    from erp.complaints.services import complaint_search_text
    from erp.customers.models import Customer
    from erp.customers.services import customer_search_text
    from erp.inventory.models import Product
    from erp.inventory.services import _product_search_text
    from erp.orders.models import Order
    from erp.orders.services import order_search_text

    for customer in Customer.objects.select_related("customer_type", "branch").order_by("pk")[:60]:
        assert customer.search_text == customer_search_text(customer)
    for order in Order.objects.select_related("customer").order_by("-pk")[:60]:
        assert order.search_text == order_search_text(order, order.customer)
    for product in Product.objects.prefetch_related("variants").filter(code__startswith="F")[:30]:
        # (the same words: the service joins the variants in the order it made them, the query in code order)
        assert sorted(product.search_text.split()) == sorted(
            _product_search_text(product, product.variants.all()).split()
        )
    bulk = Complaint.objects.select_related("customer").filter(created_by__isnull=False).order_by("-pk")[:30]
    assert bulk
    for complaint in bulk:
        assert complaint.search_text == complaint_search_text(complaint, complaint.customer)


def _max_suffix(values: Any, pattern: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, value in values:
        match = re.fullmatch(pattern, value)
        assert match, value
        out[key] = max(out.get(key, 0), int(match.group(1)))
    return out


def _counters_continue_after_the_generated_numbers() -> None:
    from erp.accounts.models import User
    from erp.complaints.models import Complaint
    from erp.core.counters import counter_next
    from erp.customers.models import Customer
    from erp.installations.models import Installation
    from erp.orders.models import Order

    counters = dict(Counter.objects.values_list("key", "value"))
    orders = _max_suffix(
        ((f"orders.order:{c}", n) for c, n in Order.objects.values_list("customer_id", "number")), r".*-(\d+)"
    )
    assert orders and all(counters[k] >= v for k, v in orders.items())
    customers = _max_suffix(
        ((f"customers.customer:{b}", code) for b, code in Customer.objects.values_list("branch_id", "code")),
        r"[A-Z]+-(\d+)",
    )
    assert all(counters[k] == v for k, v in customers.items())
    complaints = _max_suffix(
        ((f"complaints.customer:{c}", n) for c, n in Complaint.objects.values_list("customer_id", "number")),
        r"P.*-(\d+)",
    )
    assert all(counters[k] >= v for k, v in complaints.items())
    installed = Installation.objects.filter(created_by__is_superuser=True).values_list("order_id", flat=True)
    assert all(counters.get(f"installations.installation:{o}", 0) >= 1 for o in installed)
    # The next number the service hands out is new, and so is the next primary key.
    order = Order.objects.order_by("-pk").first()
    assert order is not None
    following = counter_next(f"orders.order:{order.customer_id}")
    assert not Order.objects.filter(number=f"{order.customer.code}-{following:04d}").exists()
    admin = User.objects.get(username="admin")
    payment = order.payments.create(
        customer=order.customer, amount=Decimal(1), payment_date=timezone.localdate(), created_by=admin
    )
    assert payment.pk > max(order.payments.exclude(pk=payment.pk).values_list("pk", flat=True), default=0)


def test_bulk_insert_sets_keys_keeps_given_dates_and_fills_the_rest() -> None:
    from erp.accounts.models import Branch

    past = timezone.now() - timedelta(days=30)
    rows = demodata.bulk_insert(
        [
            demodata.row(Branch, code="T1", name="فرع تجريبي", address="القاهرة", created_at=past),
            demodata.row(Branch, code="T2", name="فرع تجريبي ٢", address="الجيزة"),
        ]
    )
    assert all(b.pk for b in rows) and rows[0].pk != rows[1].pk
    stored = {b.code: b for b in Branch.objects.filter(code__in=["T1", "T2"])}
    assert stored["T1"].created_at == past
    assert stored["T2"].created_at > past and stored["T2"].name == "فرع تجريبي ٢"
    assert Branch.objects.create(code="T3", name="بعدهم", address="").pk > rows[1].pk


def test_bulk_insert_with_triggers_on_refuses_a_dangling_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    from erp.customers.models import CustomerNote

    monkeypatch.setattr(demodata, "SKIP_FK_CHECKS", False)
    with pytest.raises(IntegrityError), transaction.atomic():
        demodata.bulk_insert([demodata.row(CustomerNote, customer_id=987654321, text="x")])
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
