from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from erp.accounts import services as account_services
from erp.accounts.models import Branch, SecurityEvent, User
from erp.accounts.roles import RoleKey
from erp.inventory import services
from erp.inventory.models import Product
from erp.inventory.tests import factories

pytestmark = pytest.mark.django_db


def bearer(user: User) -> APIClient:
    client = APIClient()
    _token, key = account_services.api_token_issue(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def stocked(branch_a: Branch, branch_b: Branch) -> dict[str, object]:
    wh_a = factories.warehouse(branch=branch_a, code="WHA")
    wh_b = factories.warehouse(branch=branch_b, code="WHB")
    product = factories.product(colours=(("BJ", "بيج"), ("GR", "رمادي")), code="VEL01", name="قطيفة ملكي")
    beige, grey = product.variants.order_by("code")
    services.stock_receive(variant=beige, warehouse=wh_a, quantity=Decimal(30), reason="purchase", key="a1")
    services.stock_receive(variant=grey, warehouse=wh_b, quantity=Decimal(12), reason="purchase", key="b1")
    return {"wh_a": wh_a, "wh_b": wh_b, "product": product, "beige": beige, "grey": grey}


def test_product_list_shows_stock_per_visible_warehouse(
    client: Client, make_user: Callable[..., User], branch_a: Branch, stocked: dict[str, object]
) -> None:
    manager = make_user(RoleKey.SALES_MANAGER, branch=branch_a)
    client.force_login(manager)
    response = client.get("/inventory/products/")
    assert response.status_code == 200
    assert [w.code for w in response.context["warehouses"]] == ["WHA", "WHB"]
    row = next(r for r in response.context["rows"] if r["product"].code == "VEL01")
    assert row["stock"] == [Decimal(30), Decimal(12)] and row["total"] == Decimal(42)


def test_warehouse_staff_see_only_their_warehouse_stock(
    make_user: Callable[..., User], branch_a: Branch, stocked: dict[str, object]
) -> None:
    keeper = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_a)
    stocked["wh_b"].staff.add(keeper)  # type: ignore[attr-defined]
    client = Client()
    client.force_login(keeper)
    row = next(r for r in client.get("/inventory/products/").context["rows"] if r["product"].code == "VEL01")
    assert row["stock"] == [Decimal(12)]
    api = bearer(keeper)
    codes = {b["warehouse_code"] for b in api.get("/api/v1/stock/").json()["results"]}
    assert codes == {"WHB"}
    assert api.get(f"/api/v1/warehouses/{stocked['wh_a'].pk}/").status_code == 404  # type: ignore[attr-defined]
    assert {m["warehouse_code"] for m in api.get("/api/v1/stock-movements/").json()["results"]} == {"WHB"}


def test_users_without_stock_permission_are_denied(make_user: Callable[..., User], branch_a: Branch) -> None:
    plain = make_user(RoleKey.USER, branch=branch_a)
    client = Client()
    client.force_login(plain)
    assert client.get("/inventory/products/").status_code == 403
    assert bearer(plain).get("/api/v1/products/").status_code == 403


def test_barcode_scan_jumps_to_the_product(client: Client, admin_user: User, stocked: dict[str, object]) -> None:
    beige = stocked["beige"]
    beige.barcode = "6221234567890"  # type: ignore[attr-defined]
    beige.save()  # type: ignore[attr-defined]
    client.force_login(admin_user)
    response = client.get("/inventory/products/", {"search": "٦٢٢١٢٣٤٥٦٧٨٩٠"})  # Arabic-Indic digits from a keyboard
    assert response.status_code == 302
    assert response["Location"] == f"/inventory/products/{stocked['product'].pk}/"  # type: ignore[attr-defined]


def test_search_ignores_arabic_letter_variants(client: Client, admin_user: User, stocked: dict[str, object]) -> None:
    client.force_login(admin_user)
    rows = client.get("/inventory/products/", {"search": "قطيفه"}).context["rows"]
    assert [r["product"].code for r in rows] == ["VEL01"]


def test_product_export_is_logged(client: Client, admin_user: User, stocked: dict[str, object]) -> None:
    client.force_login(admin_user)
    response = client.get("/inventory/products/", {"export": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith('attachment; filename="products-')
    assert SecurityEvent.objects.filter(kind="export", detail__what="products").exists()


def test_keyset_pages_do_not_overlap(client: Client, admin_user: User, branch_a: Branch) -> None:
    factories.bulk_products(count=30)
    client.force_login(admin_user)
    first = client.get("/inventory/products/")
    cursor = first.context["page"].next_cursor
    assert cursor
    second = client.get("/inventory/products/", {"after": cursor})
    codes_1 = [r["product"].code for r in first.context["rows"]]
    codes_2 = [r["product"].code for r in second.context["rows"]]
    assert len(codes_1) == 25 and len(codes_2) == 5 and not set(codes_1) & set(codes_2)
    assert codes_1 == sorted(codes_1)
    tampered = client.get("/inventory/products/", {"after": cursor + "x"})
    assert tampered.status_code == 200 and len(tampered.context["rows"]) == 25  # a bad cursor starts over


def test_product_detail_and_movements(client: Client, admin_user: User, stocked: dict[str, object]) -> None:
    client.force_login(admin_user)
    response = client.get(f"/inventory/products/{stocked['product'].pk}/")  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert len(response.context["movements"]) == 2
    ledger = client.get("/inventory/movements/", {"reason": "purchase"})
    assert len(ledger.context["page"].rows) == 2
    assert client.get("/inventory/products/999999/").status_code == 404


def test_api_product_create_needs_catalogue_permission(
    make_user: Callable[..., User], branch_a: Branch, admin_user: User
) -> None:
    cat = factories.category()
    payload = {
        "code": "new-1",
        "name": "شيفون",
        "category": cat.pk,
        "retail_price": "120.00",
        "wholesale_price": "95.00",
        "colours": [["WH", "أبيض"], ["BJ", "بيج"]],
    }
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    assert bearer(seller).post("/api/v1/products/", payload, format="json").status_code == 403
    created = bearer(admin_user).post("/api/v1/products/", payload, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"] == "NEW-1" and [v["code"] for v in body["variants"]] == ["NEW-1-BJ", "NEW-1-WH"]
    assert body["retail_price"] == "120.00"
    dup = bearer(admin_user).post("/api/v1/products/", payload, format="json")
    assert dup.status_code == 400 and "code" in dup.json()["error"]["fields"]
    assert Product.objects.filter(code="NEW-1").count() == 1


def test_api_rejects_negative_prices_naming_the_field(admin_user: User) -> None:
    cat = factories.category()
    response = bearer(admin_user).post(
        "/api/v1/products/",
        {"code": "X", "name": "x", "category": cat.pk, "retail_price": "-1", "wholesale_price": "1"},
        format="json",
    )
    assert response.status_code == 400 and set(response.json()["error"]["fields"]) == {"retail_price"}


def test_api_invalid_filter_is_400(admin_user: User) -> None:
    response = bearer(admin_user).get("/api/v1/stock/", {"warehouse": 999999})
    assert response.status_code == 400 and "warehouse" in response.json()["error"]["fields"]
