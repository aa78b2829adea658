"""Payments, refunds and oldest-first allocation; totals and balances exact (property test)."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erp.accounts.models import User
from erp.customers.tests import factories as customer_factories
from erp.orders import services
from erp.orders.models import Order, PaymentAllocation
from erp.orders.services import ItemInput, PaymentInput
from erp.orders.tests.factories import Shop, place

pytestmark = pytest.mark.django_db
T = Order.Type


def allocated(order: Order) -> Decimal:
    return PaymentAllocation.objects.filter(order=order).aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


def test_payment_on_an_order_and_a_refund(shop: Shop, seller_a: User) -> None:
    order = place(shop, seller_a, pay="200")
    services.payment_record(
        actor=seller_a, customer=shop.customer, order=order, amount=Decimal("100"), method="cheque", reference="CH-9"
    )
    order.refresh_from_db()
    assert (order.paid, order.balance) == (Decimal("300.00"), Decimal("51.50"))
    with pytest.raises(ValidationError) as exc:
        services.payment_record(actor=seller_a, customer=shop.customer, order=order, amount=Decimal("60"))
    assert list(exc.value.message_dict) == ["amount"]
    refund = services.payment_record(actor=seller_a, customer=shop.customer, order=order, amount=Decimal("-50"))
    assert refund.is_refund
    order.refresh_from_db()
    assert (order.paid, order.balance) == (Decimal("250.00"), Decimal("101.50")) and allocated(order) == order.paid
    with pytest.raises(ValidationError) as exc:
        services.payment_record(actor=seller_a, customer=shop.customer, order=order, amount=Decimal("-251"))
    assert list(exc.value.message_dict) == ["amount"]
    kinds = list(order.events.filter(kind="payment").values_list("reason", flat=True))
    assert kinds == ["", "", gettext("Refund")]  # stored in the active (Arabic-first) language


def test_payment_field_errors(shop: Shop, seller_a: User, seller_b: User) -> None:
    order = place(shop, seller_a, pay="200")
    other = customer_factories.customer(branch=shop.branch)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"amount": Decimal(0)}, "amount"),
        ({"amount": Decimal(10), "method": "gold"}, "method"),
        ({"amount": Decimal(10), "method": "bank_transfer"}, "reference"),
        ({"amount": Decimal(10), "customer": other}, "order"),
        ({"amount": Decimal(-10), "order": None}, "amount"),
        ({"amount": Decimal(10), "order": None, "customer": other}, "amount"),
    ]
    for kwargs, field in cases:
        values: dict[str, Any] = {"actor": seller_a, "customer": shop.customer, "order": order, **kwargs}
        with pytest.raises(ValidationError) as exc:
            services.payment_record(**values)
        assert field in exc.value.message_dict, (kwargs, exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.payment_record(actor=shop_warehouse_user(shop), customer=shop.customer, amount=Decimal(1))
    order.refresh_from_db()
    assert order.paid == Decimal("200.00") and order.payments.count() == 1


def shop_warehouse_user(shop: Shop) -> User:
    from erp.accounts.roles import RoleKey
    from erp.accounts.tests.factories import UserFactory

    return UserFactory.create(roles=[RoleKey.WAREHOUSE_STAFF], branch=shop.branch)


def test_general_payment_is_allocated_oldest_first(shop: Shop, seller_a: User, manager_a: User) -> None:
    newest = place(shop, seller_a, pay="200", order_date=date(2026, 3, 1))
    oldest = place(shop, seller_a, pay="200", order_date=date(2026, 1, 1))
    cancelled = place(shop, seller_a, pay="200", order_date=date(2025, 12, 1))
    from erp.orders.transitions import order_transition

    order_transition(order=cancelled, user=manager_a, to=Order.Status.CANCELLED, reason="x")
    payment = services.payment_record(actor=seller_a, customer=shop.customer, amount=Decimal("200"))
    rows = list(payment.allocations.values_list("order_id", "amount"))
    assert rows == [(oldest.pk, Decimal("151.50")), (newest.pk, Decimal("48.50"))]
    for order in (newest, oldest):
        order.refresh_from_db()
        assert order.paid == allocated(order) and order.balance == order.total - order.paid
    with pytest.raises(ValidationError) as exc:
        services.payment_record(actor=seller_a, customer=shop.customer, amount=Decimal("103.01"))
    assert list(exc.value.message_dict) == ["amount"]
    assert services.order_totals_mismatches() == []


# ---------------------------------------------------------------------------------------------------------------
# Property test: random items, discounts, promo, payments and refunds → stored totals exact


def cents(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_total(
    lines: list[tuple[Decimal, Decimal, Decimal]], addition: Decimal, admin: Decimal, promo: Decimal
) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    subtotal = Decimal(0)
    discounts = Decimal(0)
    for quantity, price, percent in lines:
        gross = cents(Fraction(quantity) * Fraction(price))
        subtotal += gross
        discounts += cents(Fraction(gross) * Fraction(percent) / 100)
    before = subtotal - discounts + addition - admin
    promo_amount = cents(Fraction(before) * Fraction(promo) / 100) if before > 0 else Decimal(0)
    return subtotal, discounts, promo_amount, before - promo_amount


money = st.decimals(min_value=Decimal("0"), max_value=Decimal("5000"), places=2)
line = st.tuples(
    st.integers(min_value=0, max_value=2),
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal("60"), places=3),
    money,
    st.decimals(min_value=Decimal("0"), max_value=Decimal("20"), places=2),
)
operation = st.tuples(
    st.sampled_from(["pay", "refund", "general"]),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("3000"), places=2),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(line, min_size=1, max_size=6),
    addition=st.decimals(min_value=Decimal("0"), max_value=Decimal("300"), places=2),
    admin=st.decimals(min_value=Decimal("0"), max_value=Decimal("300"), places=2),
    promo=st.sampled_from([None, Decimal(1), Decimal("7.5"), Decimal(15)]),
    first=st.fractions(min_value=0, max_value=1),
    operations=st.lists(operation, max_size=8),
)
def test_totals_and_balances_are_exact(
    shop: Shop,
    admin_user: User,
    lines: list[tuple[int, Decimal, Decimal, Decimal]],
    addition: Decimal,
    admin: Decimal,
    promo: Decimal | None,
    first: Fraction,
    operations: list[tuple[str, Decimal]],
) -> None:
    customer = customer_factories.customer(branch=shop.branch)
    items = [
        ItemInput(shop.fabrics[n].pk, quantity, warehouse_id=shop.warehouse.pk, unit_price=price, discount_percent=pct)
        for n, quantity, price, pct in lines
    ]
    code = ""
    if promo is not None:
        code = services.promo_issue(
            actor=admin_user, discount_percent=promo, expires_at=timezone.now() + timedelta(days=1)
        ).code
    subtotal, discounts, promo_amount, total = expected_total(
        [(q, p, pct) for _n, q, p, pct in lines], addition, admin, promo or Decimal(0)
    )
    down = cents(Fraction(total) * first) if total > 0 else Decimal(0)
    kwargs: dict[str, Any] = {
        "order_type": T.TAILORING,
        "items": items,
        "customer": customer,
        "financial_addition": addition,
        "admin_discount": admin,
        "promo_code": code,
        "pay": None,
        "payment": PaymentInput(down) if down > 0 else None,
        "waive_down_payment": True,
    }
    if total < 0:
        with pytest.raises(ValidationError) as exc:
            place(shop, admin_user, **kwargs)
        assert "admin_discount" in exc.value.message_dict
        return
    order = place(shop, admin_user, **kwargs)
    assert (order.subtotal, order.items_discount, order.promo_discount, order.total) == (
        subtotal,
        discounts,
        promo_amount,
        total,
    )
    paid = down
    for kind, amount in operations:
        if kind == "refund":
            amount = -amount
        valid = (kind == "refund" and -amount <= paid) or (kind != "refund" and amount <= total - paid)
        try:
            services.payment_record(
                actor=admin_user, customer=customer, amount=amount, order=None if kind == "general" else order
            )
        except ValidationError as exc:
            assert not valid and list(exc.message_dict) == ["amount"]
        else:
            assert valid
            paid += amount
    order.refresh_from_db()
    assert order.paid == paid == allocated(order)
    assert order.balance == order.total - paid
    assert services.order_totals_mismatches() == []
