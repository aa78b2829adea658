"""Credit limit and payment terms at placement (erp/orders/credit.py): refused with an error naming the rule,
overridden by users holding customers.exceed_credit (and written to the timeline)."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.orders.models import Order, OrderEvent
from erp.orders.tests import factories

pytestmark = pytest.mark.django_db

# The default order: 2 m at 100.00 + 1.5 m at 101.00 = 351.50; paying 200.00 leaves 151.50 unpaid.
PAY = "200"
LEFT = Decimal("151.50")


@pytest.fixture
def seller(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.SALESPERSON, branch=branch_a)


def _credit(shop: factories.Shop, *, limit: str = "0", terms: int = 0) -> None:
    shop.customer.credit_limit = Decimal(limit)
    shop.customer.payment_terms_days = terms
    shop.customer.save()


def test_within_the_credit_limit_is_placed(shop: factories.Shop, seller: User) -> None:
    _credit(shop, limit="151.50")
    order = factories.place(shop, seller, pay=PAY)
    assert order.balance == LEFT


def test_over_the_credit_limit_is_refused_naming_the_limit(shop: factories.Shop, seller: User) -> None:
    _credit(shop, limit="300")
    factories.place(shop, seller, pay=PAY)  # owes 151.50
    before = Order.objects.count()
    with pytest.raises(ValidationError) as exc:
        factories.place(shop, seller, pay=PAY)  # 303.00 > 300
    errors = exc.value.message_dict
    assert list(errors) == ["credit_limit"]
    assert "300" in errors["credit_limit"][0] and "303.00" in errors["credit_limit"][0]
    assert Order.objects.count() == before  # nothing saved
    # Paying more keeps it within the limit.
    factories.place(shop, seller, pay="351.50")


def test_a_manager_overrides_the_limit_and_the_timeline_says_so(shop: factories.Shop, manager_a: User) -> None:
    _credit(shop, limit="100")
    order = factories.place(shop, manager_a, pay=PAY)
    event = OrderEvent.objects.get(order=order, reason="credit override")
    assert "credit_limit" in event.details["credit_override"]


def test_overdue_orders_block_a_customer_with_payment_terms(shop: factories.Shop, seller: User) -> None:
    _credit(shop, terms=15)
    old = factories.place(shop, seller, pay=PAY)
    Order.objects.filter(pk=old.pk).update(expected_delivery_date=timezone.localdate() - timedelta(days=16))
    with pytest.raises(ValidationError) as exc:
        factories.place(shop, seller, pay=PAY)
    assert list(exc.value.message_dict) == ["payment_terms"]
    assert "15" in exc.value.message_dict["payment_terms"][0]
    # Within the terms it is not overdue.
    Order.objects.filter(pk=old.pk).update(expected_delivery_date=timezone.localdate() - timedelta(days=15))
    factories.place(shop, seller, pay=PAY)


def test_overdue_but_paid_or_cancelled_orders_do_not_block(shop: factories.Shop, seller: User) -> None:
    _credit(shop, terms=5)
    old = factories.place(shop, seller, pay=PAY)
    Order.objects.filter(pk=old.pk).update(
        expected_delivery_date=timezone.localdate() - timedelta(days=30), status=Order.Status.CANCELLED
    )
    factories.place(shop, seller, pay=PAY)


def test_a_manager_overrides_the_payment_terms(shop: factories.Shop, seller: User, manager_a: User) -> None:
    _credit(shop, terms=1)
    old = factories.place(shop, seller, pay=PAY)
    Order.objects.filter(pk=old.pk).update(expected_delivery_date=timezone.localdate() - timedelta(days=10))
    order = factories.place(shop, manager_a, pay=PAY)
    assert "payment_terms" in OrderEvent.objects.get(order=order, reason="credit override").details["credit_override"]


def test_customers_without_credit_cost_no_query(shop: factories.Shop, seller: User) -> None:
    """A cash customer (no limit, no terms) is not checked: the down payment governs them."""
    factories.place(shop, seller, pay=PAY)
    with CaptureQueriesContext(connection) as ctx:
        factories.place(shop, seller, pay=PAY)
    assert not [q for q in ctx.captured_queries if "SUM(" in q["sql"] and "orders_order" in q["sql"]]
