"""The faster column identity (erp/core/orm.py) gives exactly Django's own identity for every column of real
queries, so equality and hashing are unchanged; and it is faster."""

import inspect
import statistics
import time
from typing import Any
from unittest import mock

from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import Col, Expression

from erp.complaints.models import Complaint
from erp.core import orm
from erp.inventory.models import StockBalance
from erp.orders.models import Order, OrderItem

generic = orm._generic_identity


def querysets() -> list[QuerySet[Any]]:
    return [
        Complaint.objects.select_related("customer", "complaint_type", "assigned_to", "branch", "related_order")
        .filter(pk=1)
        .order_by("pk"),
        Order.objects.select_related("customer", "customer__customer_type", "branch", "salesperson", "created_by")
        .filter(status="new", total__gt=F("paid"))
        .order_by("-total", "id"),
        OrderItem.objects.select_related("order", "warehouse").filter(order__customer__name__contains="x"),
        StockBalance.objects.select_related("variant__product__category", "warehouse").order_by("quantity"),
    ]


def columns_of(qs: QuerySet[Any]) -> list[Col]:
    compiler = qs.query.get_compiler(connection=connection)
    compiler.setup_query()
    found: list[Col] = []

    def walk(expression: Any) -> None:
        if isinstance(expression, Col):
            found.append(expression)
        if isinstance(expression, Expression) or hasattr(expression, "get_source_expressions"):
            for source in expression.get_source_expressions():
                walk(source)
        for child in getattr(expression, "children", ()):
            walk(child)

    for expression, _sql, _alias in compiler.select:
        walk(expression)
    walk(qs.query.where)
    return found


def fresh(col: Col) -> Col:
    """The same column built anew (an identity is cached on its instance)."""
    args, kwargs = col._constructor_args  # type: ignore[attr-defined]
    return Col(*args, **kwargs)


def test_the_installed_identity_is_the_fast_one() -> None:
    assert Col.__dict__["identity"].real_func is orm.fast_col_identity


def test_every_column_of_real_queries_has_djangos_own_identity() -> None:
    cols = [col for qs in querysets() for col in columns_of(qs)]
    assert len(cols) > 150
    for col in cols:
        assert orm.fast_col_identity(col) == generic(col), col
    # Equal columns stay equal (and hash alike) and different ones stay different.
    again = [fresh(col) for col in cols]
    assert all(a == b and hash(a) == hash(b) for a, b in zip(cols, again, strict=True))
    assert len(set(cols)) == len({generic(col) for col in cols})


def test_columns_built_in_every_way_keep_djangos_identity() -> None:
    total = Order._meta.get_field("total")
    paid = Order._meta.get_field("paid")
    for col in (
        Col("orders_order", total),
        Col("orders_order", total, paid),
        Col(None, total),  # type: ignore[arg-type]  # Django builds some this way
        Col(alias="T3", target=total),
        Col("orders_order", target=total, output_field=paid),
    ):
        assert orm.fast_col_identity(col) == generic(col)
    assert Col("orders_order", total) != Col("orders_order", total, paid)
    assert Col("orders_order", total) != Col("T3", total)


def test_it_does_not_bind_the_constructor_signature() -> None:
    """What makes Django's path slow is binding the constructor's signature for every column; ours never does.
    (Counted, not timed: a timing ratio on this shared machine is noise.)"""
    cols = [fresh(col) for qs in querysets() for col in columns_of(qs)]
    calls = 0
    real_bind = inspect.Signature.bind_partial

    def counting(self: inspect.Signature, *args: Any, **kwargs: Any) -> inspect.BoundArguments:
        nonlocal calls
        calls += 1
        return real_bind(self, *args, **kwargs)

    with mock.patch.object(inspect.Signature, "bind_partial", counting):
        for col in cols:
            orm.fast_col_identity(col)
        assert calls == 0
        for col in cols:
            generic(col)
        assert calls == len(cols)


def test_it_is_faster_than_the_generic_path() -> None:
    """A lenient speed check (the measured gap is 2-4×); the median of several rounds damps the machine's noise."""
    cols = [col for qs in querysets() for col in columns_of(qs)] * 5

    def timed(identity: Any) -> float:
        started = time.perf_counter()
        for col in cols:
            identity(col)
        return time.perf_counter() - started

    fast = statistics.median(timed(orm.fast_col_identity) for _ in range(7))
    slow = statistics.median(timed(generic) for _ in range(7))
    assert fast * 1.5 < slow, (fast, slow)
