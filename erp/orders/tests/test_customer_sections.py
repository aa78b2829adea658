"""The customer page's orders, payments, balance and timeline sections (erp/orders/customer_sections.py), the
payment receipt, and the customers list's balance column and filters."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from erp.accounts.models import Branch, User
from erp.customers.models import CustomerAccessLog, CustomerNote
from erp.customers.tests import factories as customer_factories
from erp.orders.customer_sections import balance_summary
from erp.orders.models import Order, Payment, PaymentAllocation
from erp.orders.tests import factories

# The orders module's own sections (other modules, such as complaints, add theirs to the same page).
ORDER_SECTIONS = {"balance", "orders", "payments", "timeline"}

pytestmark = pytest.mark.django_db


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Sections built after the page, when their placeholder scrolls into view.
LAZY = {"payments", "timeline"}


def sections(response: Any) -> dict[str, dict[str, Any]]:
    """The page's sections by key; a lazy one (payments, the timeline) has no context: the page loads it afterwards."""
    return {s["section"].key: s["context"] for s in response.context["sections"]}


def loaded(client: Client, code: str) -> dict[str, dict[str, Any]]:
    """Every section's context, the lazy ones as their placeholders load them."""
    data = sections(client.get(f"/customers/{code}/"))
    for key in LAZY & set(data):
        assert data[key] is None
        data[key] = section(client, code, key)
    return data


def section_url(code: str, key: str) -> str:
    return f"/customers/{code}/sections/{key}/"


def section(client: Client, code: str, key: str) -> dict[str, Any]:
    """A lazy section as its placeholder loads it."""
    response = client.get(section_url(code, key))
    assert response.status_code == 200
    return response.context["s"]["context"]  # type: ignore[no-any-return]


def timeline(client: Client, code: str) -> dict[str, Any]:
    return section(client, code, "timeline")


def grow_history(shop: factories.Shop, creator: User, n: int) -> None:
    """n more orders (with a payment each), notes and look-ups on the shop's customer."""
    factories.bulk_orders(shop, creator, n)
    customer = shop.customer
    CustomerNote.objects.bulk_create(
        CustomerNote(customer=customer, text=f"note {i}", created_by=creator) for i in range(n)
    )
    CustomerAccessLog.objects.bulk_create(
        CustomerAccessLog(user=creator, customer=customer, customer_branch=customer.branch, via="phone")
        for _ in range(n)
    )


def test_sections_show_orders_payments_balance_and_timeline(shop: factories.Shop, admin_user: User) -> None:
    orders = factories.bulk_orders(shop, admin_user, 3)
    CustomerNote.objects.create(customer=shop.customer, text="يفضل الاتصال مساءً", created_by=admin_user)
    CustomerAccessLog.objects.create(
        user=admin_user, customer=shop.customer, customer_branch=shop.branch, via="code", is_cross_branch=True
    )
    client = login(admin_user)
    response = client.get(f"/customers/{shop.customer.code}/")
    assert response.status_code == 200
    data = sections(response)
    assert [k for k in data if k in ORDER_SECTIONS] == ["balance", "orders", "payments", "timeline"]
    # Payments and the timeline are not built with the page: placeholders load them when they scroll into view.
    for key in LAZY:
        assert data[key] is None
        assert f'hx-get="{section_url(shop.customer.code, key)}" hx-trigger="revealed"' in response.content.decode()
        data[key] = section(client, shop.customer.code, key)
    assert [o.number for o in data["orders"]["orders"]] == [o.number for o in reversed(orders)]
    assert data["orders"]["more"] is False
    assert len(data["payments"]["payments"]) == 3
    summary = data["balance"]["summary"]
    assert summary["ordered"] == Decimal("900.00")
    assert summary["paid"] == Decimal("450.00")
    assert summary["outstanding"] == Decimal("450.00")
    kinds = [e["kind"] for e in data["timeline"]["entries"]]
    assert sorted(set(kinds)) == ["lookup", "note", "order", "payment"]
    assert len(kinds) == 3 + 3 + 1 + 1
    # Newest first.
    stamps = [e["at"] for e in data["timeline"]["entries"]]
    assert stamps == sorted(stamps, reverse=True)
    body = response.content.decode()
    for order in orders:
        assert order.number in body
    assert "يفضل الاتصال مساءً" in body
    # "Open in the orders list" lists this customer's orders (the order search does not cover customer codes).
    link = f"/orders/?customer={shop.customer.pk}"
    assert f'href="{link}"' in body
    listed = client.get(link).content.decode()
    assert all(order.number in listed for order in orders)
    receipt = f"/orders/payments/{Payment.objects.filter(order=orders[0]).get().pk}/receipt/"
    assert receipt not in body
    assert receipt in client.get(section_url(shop.customer.code, "payments")).content.decode()
    loaded = client.get(section_url(shop.customer.code, "timeline")).content.decode()
    assert "يفضل الاتصال مساءً" in loaded
    for order in orders:
        assert f'href="/orders/{order.pk}/"' in loaded


def test_sections_are_bounded_whatever_the_history(
    shop: factories.Shop, admin_user: User, query_budget: Callable[..., list[int]]
) -> None:
    client = login(admin_user)
    counts = query_budget(
        lambda n: grow_history(shop, admin_user, n), lambda: client.get(f"/customers/{shop.customer.code}/")
    )
    data = loaded(client, shop.customer.code)
    assert len(data["orders"]["orders"]) == 10 and data["orders"]["more"] is True
    assert len(data["payments"]["payments"]) == 10 and data["payments"]["more"] is True
    assert len(timeline(client, shop.customer.code)["entries"]) == 30
    assert data["balance"]["summary"]["count"] == 100
    assert counts[0] == counts[1]
    # The timeline, loaded after the page, is bounded too (grown on to 200 and 300 rows of each kind).
    timeline_counts = query_budget(
        lambda n: grow_history(shop, admin_user, n),
        lambda: client.get(section_url(shop.customer.code, "timeline")),
        sizes=(100, 200),
    )
    assert timeline_counts[0] < counts[0]  # three queries (user, customer, the UNION), not the page's
    payments_counts = query_budget(
        lambda n: grow_history(shop, admin_user, n),
        lambda: client.get(section_url(shop.customer.code, "payments")),
        sizes=(100, 200),
    )
    assert payments_counts[0] < counts[0]


def test_lists_show_only_the_orders_the_user_may_see(
    shop: factories.Shop, make_user: Callable[..., User], branch_a: Branch, admin_user: User
) -> None:
    from erp.accounts.roles import RoleKey

    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    mine = factories.bulk_orders(shop, seller, 2)
    factories.bulk_orders(shop, admin_user, 3)  # not the seller's
    shop.customer.created_by = seller  # the seller sees the customer (they registered them)
    shop.customer.save(update_fields=["created_by"])
    client = login(seller)
    data = loaded(client, shop.customer.code)
    assert {o.pk for o in data["orders"]["orders"]} == {o.pk for o in mine}
    assert {p.order_id for p in data["payments"]["payments"]} == {o.pk for o in mine}
    entries = timeline(client, shop.customer.code)["entries"]
    timeline_orders = {e["ref"] for e in entries if e["kind"] == "order"}
    assert {e["ref"] for e in entries if e["kind"] == "payment"} == {o.pk for o in mine}
    assert timeline_orders == {o.pk for o in mine}
    # The balance is the customer's, over all their open orders.
    assert data["balance"]["summary"]["count"] == 5


def test_sections_need_the_orders_permission(
    shop: factories.Shop, make_user: Callable[..., User], branch_a: Branch
) -> None:
    from django.contrib.auth.models import Permission

    from erp.accounts.roles import RoleKey

    # A user holding only customers.view_customers (directly, no role) sees the customer but no order section.
    viewer = make_user(None, branch=branch_a)
    viewer.user_permissions.add(Permission.objects.get(codename="view_customers", content_type__app_label="customers"))
    response = login(viewer).get(f"/customers/{shop.customer.code}/")
    assert response.status_code == 200
    assert sections(response) == {}
    assert shop.customer.code in response.content.decode()
    # Nor can they load the lazy sections by their address.
    for key in LAZY:
        assert login(viewer).get(section_url(shop.customer.code, key)).status_code == 404
    allowed = make_user(RoleKey.BRANCH_MANAGER, branch=branch_a)
    assert set(sections(login(allowed).get(f"/customers/{shop.customer.code}/"))) & ORDER_SECTIONS == ORDER_SECTIONS
    assert login(allowed).get(section_url(shop.customer.code, "timeline")).status_code == 200


def test_a_lazy_section_is_loaded_only_for_a_customer_in_scope(
    shop: factories.Shop, make_user: Callable[..., User], branch_a: Branch, branch_b: Branch
) -> None:
    from erp.accounts.roles import RoleKey

    outsider = make_user(RoleKey.BRANCH_MANAGER, branch=branch_b)  # another branch's manager
    manager = make_user(RoleKey.BRANCH_MANAGER, branch=branch_a)
    for key in LAZY:
        assert login(outsider).get(section_url(shop.customer.code, key)).status_code == 404
        assert login(manager).get(section_url(shop.customer.code, key)).status_code == 200
    # Only a section that exists, and only by GET; anonymous users go to the login page.
    assert login(manager).get(section_url(shop.customer.code, "nothing")).status_code == 404
    assert login(manager).post(section_url(shop.customer.code, "timeline")).status_code == 405
    anonymous = Client().get(section_url(shop.customer.code, "timeline"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_balance_summary_credit_and_overdue(shop: factories.Shop, admin_user: User) -> None:
    customer = shop.customer
    customer.credit_limit = Decimal("400.00")
    customer.payment_terms_days = 10
    customer.save()
    today = timezone.localdate()
    late, recent, cancelled = factories.bulk_orders(shop, admin_user, 3)
    Order.objects.filter(pk=late.pk).update(expected_delivery_date=today - timedelta(days=11))
    Order.objects.filter(pk=recent.pk).update(expected_delivery_date=today - timedelta(days=9))
    Order.objects.filter(pk=cancelled.pk).update(status=Order.Status.CANCELLED)
    summary = balance_summary(customer, today=today)
    assert summary["count"] == 2
    assert summary["outstanding"] == Decimal("300.00")
    assert summary["overdue_count"] == 1 and summary["overdue_amount"] == Decimal("150.00")
    assert summary["credit_used_percent"] == 75 and summary["credit_available"] == Decimal("100.00")
    assert summary["over_limit"] is False
    customer.credit_limit = Decimal("250.00")
    summary = balance_summary(customer, today=today)
    assert summary["over_limit"] is True and summary["credit_available"] == Decimal("0.00")
    customer.credit_limit = Decimal("0")
    assert balance_summary(customer, today=today)["credit_used_percent"] is None


def test_payment_receipt_prints_allocations_and_is_scoped(
    shop: factories.Shop, admin_user: User, make_user: Callable[..., User], branch_b: Branch
) -> None:
    from erp.accounts.roles import RoleKey

    order = factories.bulk_orders(shop, admin_user, 1)[0]
    payment = Payment.objects.get(order=order)
    response = login(admin_user).get(f"/orders/payments/{payment.pk}/receipt/")
    assert response.status_code == 200
    body = response.content.decode()
    assert order.number in body, body[body.find("<main") :][:3000]
    assert "150" in body
    outsider = make_user(RoleKey.BRANCH_MANAGER, branch=branch_b)
    assert login(outsider).get(f"/orders/payments/{payment.pk}/receipt/").status_code == 404
    assert PaymentAllocation.objects.filter(payment=payment).count() == 1


# ---------------------------------------------------------------------------------------------------------------
# Customers list: balance column and filters


def _codes(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/customers/?{query}")
    assert response.status_code == 200
    return [c.code for c in response.context["page"].rows]


def test_customer_list_balance_column_and_filters(shop: factories.Shop, admin_user: User, branch_a: Branch) -> None:
    owing = shop.customer
    owing.credit_limit = Decimal("100.00")
    owing.save()
    factories.bulk_orders(shop, admin_user, 2)  # 300.00 owed, over its limit of 100
    within = customer_factories.customer(branch=branch_a, credit_limit=Decimal("1000.00"))
    other = factories.Shop(**{**shop.__dict__, "customer": within})
    factories.bulk_orders(other, admin_user, 1)  # 150.00 owed, within 1000
    clear = customer_factories.customer(branch=branch_a)
    cancelled = factories.bulk_orders(factories.Shop(**{**shop.__dict__, "customer": clear}), admin_user, 1)[0]
    Order.objects.filter(pk=cancelled.pk).update(status=Order.Status.CANCELLED)  # owes nothing any more

    client = login(admin_user)
    response = client.get("/customers/")
    balances = {c.code: c.balance_due for c in response.context["page"].rows}
    assert balances[owing.code] == Decimal("300.00")
    assert balances[within.code] == Decimal("150.00")
    assert balances[clear.code] == Decimal("0.00")
    assert "over limit" in response.content.decode() or "تجاوز" in response.content.decode()

    assert set(_codes(client, "has_balance=true")) == {owing.code, within.code}
    assert clear.code in _codes(client, "has_balance=false")
    assert owing.code not in _codes(client, "has_balance=false")
    assert _codes(client, "over_credit_limit=true") == [owing.code]
    assert owing.code not in _codes(client, "over_credit_limit=false")
    assert {within.code, clear.code} <= set(_codes(client, "over_credit_limit=false"))
    # A bad value is a field error, not a crash.
    response = client.get("/customers/?has_balance=maybe")
    assert response.status_code == 200 and response.context["page"].rows == []


def test_customer_list_balance_adds_no_query_per_row(
    shop: factories.Shop, admin_user: User, branch_a: Branch, query_budget: Callable[..., list[int]]
) -> None:
    client = login(admin_user)

    def grow(n: int) -> None:
        for customer in customer_factories.bulk_customers(count=n, branch=branch_a):
            Order.objects.bulk_create(
                [
                    Order(
                        number=f"{customer.code}-0001",
                        customer=customer,
                        branch=branch_a,
                        created_by=admin_user,
                        order_type="products",
                        order_date=timezone.localdate(),
                        expected_delivery_date=timezone.localdate(),
                        total=Decimal("10.00"),
                        balance=Decimal("10.00"),
                    )
                ]
            )

    query_budget(grow, lambda: client.get("/customers/?has_balance=true&over_credit_limit=false"))


def test_customer_api_shows_the_balance_and_filters_by_it(
    shop: factories.Shop, admin_user: User, branch_a: Branch, api_client: Any
) -> None:
    from erp.accounts.services import api_token_issue

    shop.customer.credit_limit = Decimal("100.00")
    shop.customer.save()
    factories.bulk_orders(shop, admin_user, 1)  # owes 150.00
    clear = customer_factories.customer(branch=branch_a)
    _token, key = api_token_issue(user=admin_user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = api_client.get("/api/v1/customers/?has_balance=true").json()
    assert [(c["code"], c["balance"]) for c in body["results"]] == [(shop.customer.code, "150.00")]
    body = api_client.get("/api/v1/customers/?over_credit_limit=true").json()
    assert [c["code"] for c in body["results"]] == [shop.customer.code]
    detail = api_client.get(f"/api/v1/customers/{clear.pk}/").json()
    assert detail["balance"] == "0.00"
