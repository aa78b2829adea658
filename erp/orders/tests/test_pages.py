"""Order pages: list with search and filters, per-type tabs, export permission, detail with transition buttons,
payments with field errors, printable invoice and contract, promo codes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from erp.accounts.models import User
from erp.orders import services
from erp.orders.models import Order, PromoCode
from erp.orders.services import FabricInput, RoomInput
from erp.orders.tests.factories import Shop, place

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_search_filters_and_tabs(shop: Shop, seller_a: User, seller_b: User) -> None:
    products = place(shop, seller_a, invoice_numbers=["فاتورة-٥٥"])
    tailoring = place(shop, seller_a, order_type="tailoring", pay="200")
    page = client_for(seller_a).get("/orders/")
    assert page.status_code == 200 and products.number in page.content.decode()
    found = client_for(seller_a).get("/orders/?search=فاتورة-55").content.decode()  # Arabic digits folded
    assert products.number in found and tailoring.number not in found
    tab = client_for(seller_a).get("/orders/type/tailoring/").content.decode()
    assert tailoring.number in tab and products.number not in tab
    owing = client_for(seller_a).get("/orders/?has_balance=true").content.decode()
    assert tailoring.number in owing and products.number not in owing
    assert products.number not in client_for(seller_b).get("/orders/").content.decode()
    assert client_for(seller_a).get("/orders/type/furniture/").status_code == 404


def test_export_needs_permission(shop: Shop, seller_a: User, manager_a: User) -> None:
    place(shop, seller_a)
    assert client_for(seller_a).get("/orders/?export=xlsx").status_code == 403
    response = client_for(manager_a).get("/orders/?export=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_detail_transition_and_payment(shop: Shop, seller_a: User, manager_a: User, seller_b: User) -> None:
    order = place(shop, seller_a, order_type="tailoring", pay="200")
    assert client_for(seller_b).get(f"/orders/{order.pk}/").status_code == 404
    page = client_for(manager_a).get(f"/orders/{order.pk}/").content.decode()
    assert f"/orders/{order.pk}/transition/" in page and 'value="pending"' in page
    seller_page = client_for(seller_a).get(f"/orders/{order.pk}/").content.decode()
    assert f"/orders/{order.pk}/transition/" not in seller_page  # no move the salesperson may make
    response = client_for(manager_a).post(f"/orders/{order.pk}/transition/", {"to": "pending"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    client_for(manager_a).post(f"/orders/{order.pk}/transition/", {"to": "cancelled"})  # no reason: refused
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    bad = client_for(seller_a).post(f"/orders/{order.pk}/payments/", {"amount": "5", "method": "cheque"})
    assert bad.status_code == 400 and "invalid-feedback" in bad.content.decode()
    ok = client_for(seller_a).post(f"/orders/{order.pk}/payments/", {"amount": "5", "method": "cash"})
    assert ok.status_code == 302
    order.refresh_from_db()
    assert order.paid == Decimal("205.00")


def test_invoice_and_contract_print(shop: Shop, seller_a: User) -> None:
    room = RoomInput("الصالة", Decimal(300), Decimal(260), fabrics=[FabricInput("light", Decimal(1), item_index=0)])
    order = place(shop, seller_a, order_type="installation", rooms=[room])
    invoice = client_for(seller_a).get(f"/orders/{order.pk}/invoice/").content.decode()
    assert order.number in invoice and order.items.get(position=1).code in invoice
    contract = client_for(seller_a).get(f"/orders/{order.pk}/contract/").content.decode()
    assert "الصالة" in contract and order.contract_number in contract
    products = place(shop, seller_a)
    assert client_for(seller_a).get(f"/orders/{products.pk}/contract/").status_code == 404


def test_promo_pages(sales_boss: User, seller_a: User) -> None:
    assert client_for(seller_a).get("/orders/promo-codes/").status_code == 403
    bad = client_for(sales_boss).post(
        "/orders/promo-codes/", {"discount_percent": "20", "expires_at": "2030-01-01T10:00"}
    )
    assert bad.status_code == 400 and not PromoCode.objects.exists()
    ok = client_for(sales_boss).post(
        "/orders/promo-codes/", {"discount_percent": "10", "expires_at": "2030-01-01T10:00", "code": "new"}
    )
    assert ok.status_code == 302
    promo = PromoCode.objects.get()
    assert promo.code == "NEW" and "NEW" in client_for(sales_boss).get("/orders/promo-codes/").content.decode()
    client_for(sales_boss).post(f"/orders/promo-codes/{promo.pk}/cancel/")
    promo.refresh_from_db()
    assert promo.status == PromoCode.Status.CANCELLED
    other = services.promo_issue(
        actor=sales_boss, discount_percent=Decimal(5), expires_at=timezone.now() + timedelta(days=1)
    )
    assert client_for(seller_a).post(f"/orders/promo-codes/{other.pk}/cancel/").status_code == 403


def test_the_order_list_page_shows_the_error_and_no_orders(shop: Shop, seller_a: User) -> None:
    order = place(shop, seller_a)
    client = client_for(seller_a)
    page = client.get("/orders/", {"search": order.number[-2:]})
    html = page.content.decode()
    assert page.status_code == 200 and order.number not in html
    assert "بحث: اكتب 3 حروف أو أرقام على الأقل." in html  # the default language
    found = client.get("/orders/", {"search": order.number}).content.decode()
    assert order.number in found
