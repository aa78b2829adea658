"""The stock ledger: one writer, row locks, idempotency keys, ledger sum = balance (reliability.md T6)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connections

from erp.core.exceptions import InsufficientStock
from erp.inventory import services
from erp.inventory.models import StockBalance, StockMovement
from erp.inventory.services import StockLine
from erp.inventory.tests import factories

pytestmark = pytest.mark.django_db


def balance(variant_id: int, warehouse_id: int) -> Decimal:
    return StockBalance.objects.get(variant_id=variant_id, warehouse_id=warehouse_id).quantity


def test_receive_and_issue_keep_ledger_equal_to_balance() -> None:
    variant = factories.product().variants.get()
    wh = factories.warehouse()
    services.stock_receive(variant=variant, warehouse=wh, quantity=Decimal("12.5"), reason="purchase", key="po-1")
    services.stock_issue(variant=variant, warehouse=wh, quantity=Decimal("2.25"), reason="sale", key="so-1")
    assert balance(variant.pk, wh.pk) == Decimal("10.250")
    rows = list(StockMovement.objects.order_by("id").values_list("quantity", "balance_after"))
    assert rows == [(Decimal("12.500"), Decimal("12.500")), (Decimal("-2.250"), Decimal("10.250"))]
    assert services.stock_ledger_mismatches() == []
    call_command("check_stock_ledger")


def test_negative_stock_is_refused_and_nothing_is_written() -> None:
    variant = factories.product().variants.get()
    wh = factories.warehouse()
    services.stock_receive(variant=variant, warehouse=wh, quantity=Decimal(3), reason="purchase", key="in")
    with pytest.raises(InsufficientStock) as exc:
        services.stock_issue(variant=variant, warehouse=wh, quantity=Decimal(4), reason="sale", key="out")
    assert exc.value.extra["available"] == "3.000"
    assert balance(variant.pk, wh.pk) == 3
    assert not StockMovement.objects.filter(idempotency_key="out").exists()


def test_cutting_may_go_negative_only_where_allowed() -> None:
    variant = factories.product().variants.get()
    strict = factories.warehouse()
    lenient = factories.warehouse(allow_negative_for_cutting=True)
    with pytest.raises(InsufficientStock):
        services.stock_issue(
            variant=variant, warehouse=strict, quantity=Decimal(1), reason="production", key="c1", for_cutting=True
        )
    result = services.stock_issue(
        variant=variant, warehouse=lenient, quantity=Decimal(1), reason="production", key="c2", for_cutting=True
    )
    assert [m.balance_after for m in result.went_negative] == [Decimal(-1)]
    with pytest.raises(InsufficientStock):  # not for a sale, even in that warehouse
        services.stock_issue(variant=variant, warehouse=lenient, quantity=Decimal(1), reason="sale", key="s1")


def test_retried_step_moves_stock_exactly_once() -> None:
    variant = factories.product().variants.get()
    wh = factories.warehouse()
    first = services.stock_receive(variant=variant, warehouse=wh, quantity=Decimal(5), reason="purchase", key="po-9:1")
    again = services.stock_receive(variant=variant, warehouse=wh, quantity=Decimal(5), reason="purchase", key="po-9:1")
    assert not first.replayed and again.replayed
    assert again.movements[0].pk == first.movements[0].pk
    assert balance(variant.pk, wh.pk) == 5 and StockMovement.objects.count() == 1


def test_multi_line_apply_is_all_or_nothing() -> None:
    variant = factories.product().variants.get()
    a, b = factories.warehouse(), factories.warehouse()
    services.stock_receive(variant=variant, warehouse=a, quantity=Decimal(2), reason="purchase", key="in-a")
    transfer = [
        StockLine(variant.pk, a.pk, Decimal(-3), "transfer_out", "transfer", "t1:out"),
        StockLine(variant.pk, b.pk, Decimal(3), "transfer_in", "transfer", "t1:in"),
    ]
    with pytest.raises(InsufficientStock):
        services.stock_apply(lines=transfer)
    assert balance(variant.pk, a.pk) == 2
    assert not StockBalance.objects.filter(warehouse=b, quantity__gt=0).exists()
    transfer[0] = StockLine(variant.pk, a.pk, Decimal(-2), "transfer_out", "transfer", "t1:out")
    transfer[1] = StockLine(variant.pk, b.pk, Decimal(2), "transfer_in", "transfer", "t1:in")
    services.stock_apply(lines=transfer)
    assert (balance(variant.pk, a.pk), balance(variant.pk, b.pk)) == (0, 2)


def test_bad_lines_are_refused() -> None:
    variant = factories.product().variants.get()
    wh = factories.warehouse()
    with pytest.raises(ValidationError):
        services.stock_receive(variant=variant, warehouse=wh, quantity=Decimal(0), reason="purchase", key="z")
    with pytest.raises(ValidationError):
        services.stock_apply(
            lines=[StockLine(variant.pk, wh.pk, Decimal(1), "in", "purchase", "dup")] * 2,
        )


def test_product_search_text_and_default_variant() -> None:
    plain = factories.product(name="ستارة بلاك أوت", code="bo-١٢")
    assert plain.code == "BO-12"
    assert [v.is_default for v in plain.variants.all()] == [True]
    coloured = factories.product(colours=(("bj", "بيج"), ("gr", "رمادي")))
    assert sorted(coloured.variants.values_list("colour", flat=True)) == ["بيج", "رمادي"]
    assert "اوت" in plain.search_text  # alef variants folded for search


def test_category_full_path_follows_renames() -> None:
    root = services.category_create(name="أقمشة")
    child = services.category_create(name="ستائر", parent=root)
    leaf = services.category_create(name="بلاك أوت", parent=child)
    assert leaf.full_name == "أقمشة / ستائر / بلاك أوت"
    services.category_rename(category=root, name="منسوجات")
    leaf.refresh_from_db()
    assert leaf.full_name == "منسوجات / ستائر / بلاك أوت"


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_sales_of_the_last_five_units() -> None:
    """T6: stock 5, ten threads each sell 1 on their own connection: exactly 5 succeed, balance 0, 5 sale rows."""
    variant = factories.product().variants.get()
    wh = factories.warehouse()
    services.stock_receive(variant=variant, warehouse=wh, quantity=Decimal(5), reason="purchase", key="opening")
    start = threading.Barrier(10)

    def sell(i: int) -> str:
        try:
            start.wait()
            services.stock_issue(variant=variant, warehouse=wh, quantity=Decimal(1), reason="sale", key=f"sale-{i}")
            return "ok"
        except InsufficientStock:
            return "short"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(sell, range(10)))
    assert outcomes.count("ok") == 5 and outcomes.count("short") == 5
    assert balance(variant.pk, wh.pk) == 0
    assert StockMovement.objects.filter(reason="sale").count() == 5
    assert services.stock_ledger_mismatches() == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_one_step_apply_once() -> None:
    """The same idempotency key posted by several workers at once (a redelivered task) moves stock once."""
    variant = factories.product().variants.get()
    wh = factories.warehouse()
    start = threading.Barrier(6)

    def receive(_: int) -> bool:
        try:
            start.wait()
            result = services.stock_receive(
                variant=variant, warehouse=wh, quantity=Decimal(7), reason="purchase", key="po-77:1"
            )
            return result.replayed
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        replayed = list(pool.map(receive, range(6)))
    assert replayed.count(False) == 1
    assert balance(variant.pk, wh.pk) == 7 and StockMovement.objects.count() == 1
