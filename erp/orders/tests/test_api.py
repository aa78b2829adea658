"""Orders API: create with nested items and curtain rooms, field errors, transitions (409), sub-resources,
payments, promo codes, scoping (404 outside it, 403 without the permission)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from erp.accounts.models import User
from erp.customers.models import Customer
from erp.orders.models import Order, Payment, PromoCode
from erp.orders.tests.factories import Shop, place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_customer(shop: Shop, seller_a: User) -> None:
    """Salespeople see the customers they created (B §6.2)."""
    Customer.objects.filter(pk=shop.customer.pk).update(created_by=seller_a)


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(shop: Shop, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "customer": shop.customer.pk,
        "order_type": "tailoring",
        "salesperson": shop.salesperson.pk,
        "invoice_numbers": ["API-1"],
        "items": [
            {"variant": shop.fabrics[0].pk, "quantity": "4.5", "warehouse": shop.warehouse.pk},
            {"variant": shop.accessory.pk, "quantity": "2", "warehouse": shop.warehouse.pk, "discount_percent": "10"},
        ],
        "rooms": [
            {
                "room_name": "غرفة النوم",
                "width_cm": "240",
                "height_cm": "260",
                "fabrics": [{"fabric_type": "light", "meters": "4.5", "item": 0, "tailoring_type": "pencil_pleat"}],
                "accessories": [{"name": "حلق", "quantity": "24", "colour": "ذهبي"}],
            }
        ],
        "payment": {"amount": "300.00", "method": "cash"},
    }
    data.update(extra)
    return data


def test_create_with_nested_items_and_rooms(shop: Shop, seller_a: User) -> None:
    response = client_for(seller_a).post("/api/v1/orders/", body(shop), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"] == f"{shop.customer.code}-0001" and data["contract_number"] == "c1"
    assert data["total"] == "513.90" and data["paid"] == "300.00" and data["balance"] == "213.90"
    assert data["status"] == "pending_approval" and data["allowed_transitions"] == []
    assert data["rooms"][0]["fabrics"][0]["order_item_id"] == data["items"][0]["id"]
    assert data["invoice_numbers"] == ["API-1"] and len(data["payments"]) == 1
    assert data["timeline"].endswith(f"/orders/{data['id']}/timeline/")


def test_create_errors_name_the_fields(shop: Shop, seller_a: User) -> None:
    bad = body(shop, delivery_type="home", payment={"amount": "10"})
    bad["items"][0]["discount_percent"] = "50"
    response = client_for(seller_a).post("/api/v1/orders/", bad, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"delivery_address", "items.0.discount_percent", "payment.amount"} <= set(fields)
    assert response.json()["error"]["code"] == "validation_error"
    assert not Order.objects.exists()
    response = client_for(seller_a).post("/api/v1/orders/", {"order_type": "x"}, format="json")
    assert response.status_code == 400 and {"customer", "order_type"} <= set(response.json()["error"]["fields"])


def test_create_for_a_customer_out_of_scope_is_refused(shop: Shop, seller_b: User) -> None:
    response = client_for(seller_b).post("/api/v1/orders/", body(shop), format="json")
    assert response.status_code == 400 and "customer" in response.json()["error"]["fields"]


def test_list_detail_and_scope(shop: Shop, seller_a: User, seller_b: User, manager_a: User) -> None:
    order = place(shop, seller_a)
    mine = client_for(seller_a).get("/api/v1/orders/?status=pending&search=" + order.number)
    assert [r["number"] for r in mine.json()["results"]] == [order.number]
    assert client_for(seller_b).get("/api/v1/orders/").json()["results"] == []
    assert client_for(seller_b).get(f"/api/v1/orders/{order.pk}/").status_code == 404
    assert client_for(manager_a).get(f"/api/v1/orders/{order.pk}/").status_code == 200
    for sub in ("items", "payments", "timeline"):
        response = client_for(seller_a).get(f"/api/v1/orders/{order.pk}/{sub}/")
        assert response.status_code == 200 and response.json()["results"], sub
        assert client_for(seller_b).get(f"/api/v1/orders/{order.pk}/{sub}/").status_code == 404
    empty = client_for(seller_a).get("/api/v1/orders/?has_balance=true&overdue=true")
    assert empty.json()["results"] == []
    assert client_for(seller_a).get("/api/v1/orders/?status=nope").status_code == 400


def test_transition_conflict_lists_targets_and_permission(shop: Shop, seller_a: User, manager_a: User) -> None:
    order = place(shop, seller_a, order_type="tailoring")
    url = f"/api/v1/orders/{order.pk}/transition/"
    response = client_for(manager_a).post(url, {"to": "delivered"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["fields"]["to"] == ["cancelled", "pending", "rejected"]
    assert client_for(seller_a).post(url, {"to": "pending"}, format="json").status_code == 403
    response = client_for(manager_a).post(url, {"to": "pending"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "pending"
    response = client_for(manager_a).post(url, {"to": "cancelled"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]


def test_payments_on_an_order_and_general(shop: Shop, seller_a: User, seller_b: User) -> None:
    order = place(shop, seller_a, pay="200")
    response = client_for(seller_a).post(
        f"/api/v1/orders/{order.pk}/payments/", {"amount": "50.00", "method": "cash"}, format="json"
    )
    assert response.status_code == 201 and response.json()["amount"] == "50.00"
    response = client_for(seller_a).post(
        "/api/v1/payments/",
        {"customer": shop.customer.pk, "amount": "101.50", "method": "bank_transfer"},
        format="json",
    )
    assert response.status_code == 400 and "reference" in response.json()["error"]["fields"]
    response = client_for(seller_a).post(
        "/api/v1/payments/",
        {"customer": shop.customer.pk, "amount": "101.50", "method": "bank_transfer", "reference": "TR-7"},
        format="json",
    )
    assert response.status_code == 201
    response = client_for(seller_a).post("/api/v1/payments/", {"order": order.pk, "amount": "-20"}, format="json")
    assert response.status_code == 201 and response.json()["is_refund"] is True
    order.refresh_from_db()
    assert order.paid == order.total - 20
    listed = client_for(seller_a).get(f"/api/v1/payments/?order={order.pk}").json()["results"]
    assert len(listed) == 3  # first, on-order and refund (the general one has no order column)
    assert client_for(seller_b).get("/api/v1/payments/").json()["results"] == []
    assert (
        client_for(seller_b).post("/api/v1/payments/", {"order": order.pk, "amount": "1"}, format="json").status_code
        == 400
    )
    assert Payment.objects.count() == 4


def test_promo_codes_need_the_permission(seller_a: User, sales_boss: User) -> None:
    expires = (timezone.now() + timedelta(days=2)).isoformat()
    denied = client_for(seller_a).post("/api/v1/promo-codes/", {"discount_percent": "5", "expires_at": expires})
    assert denied.status_code == 403
    assert client_for(seller_a).get("/api/v1/promo-codes/").status_code == 403
    response = client_for(sales_boss).post(
        "/api/v1/promo-codes/", {"discount_percent": "20", "expires_at": expires}, format="json"
    )
    assert response.status_code == 400 and "discount_percent" in response.json()["error"]["fields"]
    response = client_for(sales_boss).post(
        "/api/v1/promo-codes/", {"discount_percent": "12.5", "expires_at": expires, "code": "ramadan"}, format="json"
    )
    assert response.status_code == 201 and response.json()["code"] == "RAMADAN"
    pk = response.json()["id"]
    assert client_for(seller_a).post(f"/api/v1/promo-codes/{pk}/cancel/").status_code == 403
    response = client_for(sales_boss).post(f"/api/v1/promo-codes/{pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert PromoCode.objects.get().status == PromoCode.Status.CANCELLED


def test_idempotency_key_replays_order_and_payment(shop: Shop, seller_a: User) -> None:
    client = client_for(seller_a)
    headers: dict[str, Any] = {"HTTP_IDEMPOTENCY_KEY": "order-1"}
    first = client.post("/api/v1/orders/", body(shop), format="json", **headers)
    again = client.post("/api/v1/orders/", body(shop), format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1
    other = client.post("/api/v1/orders/", body(shop, notes="x"), format="json", **headers)
    assert other.status_code == 409
    pay = {"customer": shop.customer.pk, "amount": "10.00"}
    one = client.post("/api/v1/payments/", pay, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    two = client.post("/api/v1/payments/", pay, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert one.status_code == two.status_code == 201 and one.json()["id"] == two.json()["id"]
    url = f"/api/v1/orders/{first.json()['id']}/payments/"
    three = client.post(url, pay, format="json", HTTP_IDEMPOTENCY_KEY="pay-2")
    four = client.post(url, pay, format="json", HTTP_IDEMPOTENCY_KEY="pay-2")
    assert three.json()["id"] == four.json()["id"]
    order = Order.objects.get()
    assert order.paid == Decimal("320.00") and Payment.objects.count() == 3


def test_the_orders_api_answers_400_naming_the_field(shop: Shop, seller_a: User) -> None:
    order = place(shop, seller_a)
    client = client_for(seller_a)
    refused = client.get("/api/v1/orders/", {"search": "ab"})
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"search": ["بحث: اكتب 3 حروف أو أرقام على الأقل."]}
    found = client.get("/api/v1/orders/", {"search": order.number})
    assert found.status_code == 200 and [o["number"] for o in found.json()["results"]] == [order.number]
