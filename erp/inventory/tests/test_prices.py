"""Price history on every price change, product and colour edits, and bulk price updates (preview, apply, audit)."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from erp.accounts.access import access_for
from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core.exceptions import ConflictError
from erp.inventory import catalogue, services
from erp.inventory.catalogue import BulkPriceParams
from erp.inventory.models import BulkPriceUpdate, PriceChange, Product, Variant
from erp.inventory.tests import factories
from erp.inventory.tests.test_pages_and_api import bearer

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def price_admin(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.SYSTEM_ADMIN, branch=branch_a)


@pytest.fixture
def cataloguer(make_user: Callable[..., User], branch_a: Branch) -> User:
    """Manages the catalogue but may not change prices."""
    return make_user(RoleKey.FACTORY_MANAGER, branch=branch_a)


@pytest.fixture
def tree() -> dict[str, Any]:
    fabrics = services.category_create(name="أقمشة")
    blackout = services.category_create(name="بلاك أوت", parent=fabrics)
    other = services.category_create(name="إكسسوارات")
    a = factories.product(code="A1", category=fabrics, retail_price=D("100.00"), wholesale_price=D("80.00"))
    b = factories.product(
        code="B1", category=blackout, retail_price=D("249.90"), wholesale_price=D("200.00"), colours=(("WH", "أبيض"),)
    )
    c = factories.product(code="C1", category=other, retail_price=D("30.00"), wholesale_price=D("20.00"))
    return {"fabrics": fabrics, "blackout": blackout, "other": other, "a": a, "b": b, "c": c}


def params(**kw: Any) -> BulkPriceParams:
    values: dict[str, Any] = {"method": "percent", "direction": "up", "amount": D(10)}
    values.update(kw)
    return BulkPriceParams(**values)


# ---------------------------------------------------------------------------------------------------------------
# Edits and history


def test_product_update_records_each_price_change(price_admin: User, tree: dict[str, Any]) -> None:
    product = tree["a"]
    catalogue.product_update(
        actor=price_admin, product=product, data={"retail_price": D("110.00"), "name": "قطيفة  ", "material": "قطن"}
    )
    catalogue.product_update(actor=price_admin, product=product, data={"retail_price": D("110.00")})  # no change
    product.refresh_from_db()
    assert product.name == "قطيفة" and "قطن" in product.search_text
    rows = list(PriceChange.objects.values_list("field", "old_value", "new_value", "source", "user", "variant"))
    assert rows == [("retail", D("100.00"), D("110.00"), "manual", price_admin.pk, None)]


def test_variant_override_changes_are_recorded(price_admin: User, tree: dict[str, Any]) -> None:
    variant = tree["b"].variants.get()
    catalogue.variant_update(actor=price_admin, variant=variant, data={"retail_price": D("260"), "barcode": "٦٢٢١"})
    catalogue.variant_update(actor=price_admin, variant=variant, data={"retail_price": None})
    variant.refresh_from_db()
    assert variant.barcode == "6221" and variant.retail_price is None
    assert "6221" in Product.objects.get(pk=tree["b"].pk).search_text
    assert list(PriceChange.objects.order_by("id").values_list("variant", "old_value", "new_value")) == [
        (variant.pk, None, D("260.00")),
        (variant.pk, D("260.00"), None),
    ]


def test_negative_prices_are_refused(price_admin: User, tree: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        catalogue.product_update(actor=price_admin, product=tree["a"], data={"retail_price": D("-1")})
    assert "retail_price" in refused.value.message_dict
    with pytest.raises(ValidationError):
        catalogue.variant_update(actor=price_admin, variant=tree["b"].variants.get(), data={"retail_price": D(-5)})
    assert not PriceChange.objects.exists()
    assert Product.objects.get(pk=tree["a"].pk).retail_price == D("100.00")


def test_price_changes_need_the_price_permission(cataloguer: User, tree: dict[str, Any]) -> None:
    catalogue.product_update(actor=cataloguer, product=tree["a"], data={"name": "اسم جديد"})  # allowed
    with pytest.raises(PermissionDenied):
        catalogue.product_update(actor=cataloguer, product=tree["a"], data={"retail_price": D("1")})
    with pytest.raises(PermissionDenied):
        catalogue.variant_update(actor=cataloguer, variant=tree["b"].variants.get(), data={"wholesale_price": D(1)})
    assert Product.objects.get(pk=tree["a"].pk).name == "اسم جديد" and not PriceChange.objects.exists()


def test_edit_page_saves_and_detail_shows_the_history(client: Client, price_admin: User, tree: dict[str, Any]) -> None:
    product = tree["a"]
    client.force_login(price_admin)
    assert client.get(f"/inventory/products/{product.pk}/edit/").status_code == 200
    data = {
        "name": "قطيفة ملكي",
        "name_en": "Royal velvet",
        "category": tree["fabrics"].pk,
        "kind": "fabric",
        "unit": "meter",
        "material": "",
        "width_cm": "280",
        "retail_price": "125.50",
        "wholesale_price": "80.00",
        "minimum_stock": "5",
        "is_active": "on",
    }
    response = client.post(f"/inventory/products/{product.pk}/edit/", data)
    assert response.status_code == 302
    detail = client.get(f"/inventory/products/{product.pk}/")
    history = detail.context["price_history"]
    assert [(c.old_value, c.new_value) for c in history] == [(D("100.00"), D("125.50"))]
    assert b'id="price-history-title"' in detail.content

    bad = client.post(f"/inventory/products/{product.pk}/edit/", {**data, "retail_price": "-3"})
    assert bad.status_code == 200 and "retail_price" in bad.context["form"].errors
    assert PriceChange.objects.count() == 1


def test_edit_page_without_price_permission_keeps_prices(
    client: Client, cataloguer: User, tree: dict[str, Any], make_user: Callable[..., User], branch_a: Branch
) -> None:
    product = tree["a"]
    client.force_login(cataloguer)
    data = {
        "name": "جديد",
        "category": tree["fabrics"].pk,
        "kind": "fabric",
        "unit": "meter",
        "retail_price": "1.00",  # disabled field: ignored
        "wholesale_price": "1.00",
        "minimum_stock": "0",
        "is_active": "on",
    }
    assert client.post(f"/inventory/products/{product.pk}/edit/", data).status_code == 302
    product.refresh_from_db()
    assert product.name == "جديد" and product.retail_price == D("100.00") and not PriceChange.objects.exists()
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    client.force_login(seller)
    assert client.get(f"/inventory/products/{product.pk}/edit/").status_code == 403
    variant = tree["b"].variants.get()
    assert client.post(f"/inventory/variants/{variant.pk}/edit/", {"colour": "x"}).status_code == 403


def test_variant_edit_page(client: Client, price_admin: User, tree: dict[str, Any]) -> None:
    variant = tree["b"].variants.get()
    client.force_login(price_admin)
    response = client.post(
        f"/inventory/variants/{variant.pk}/edit/",
        {"colour": "أبيض ثلجي", "barcode": "", "retail_price": "", "wholesale_price": "190", "is_active": "on"},
    )
    assert response.status_code == 302
    variant.refresh_from_db()
    assert variant.colour == "أبيض ثلجي" and variant.wholesale_price == D("190.00")
    assert PriceChange.objects.get().field == "wholesale"


def test_price_history_api(price_admin: User, tree: dict[str, Any], make_user: Callable[..., User]) -> None:
    catalogue.product_update(actor=price_admin, product=tree["a"], data={"wholesale_price": D("85")})
    body = bearer(price_admin).get(f"/api/v1/products/{tree['a'].pk}/price-history/").json()
    assert [(r["field"], r["old_value"], r["new_value"]) for r in body["results"]] == [("wholesale", "80.00", "85.00")]
    plain = make_user(RoleKey.USER)
    assert bearer(plain).get(f"/api/v1/products/{tree['a'].pk}/price-history/").status_code == 403


# ---------------------------------------------------------------------------------------------------------------
# Bulk price updates


def test_rules_and_rounding() -> None:
    assert params(amount=D(10), rounding="0.01").new_price(D("249.90")) == D("274.89")
    assert params(amount=D(10), rounding="1").new_price(D("249.90")) == D("275.00")
    assert params(amount=D(10), rounding="5").new_price(D("249.90")) == D("275.00")
    assert params(amount=D(10), rounding="10").new_price(D("249.90")) == D("270.00")
    assert params(amount=D(10), rounding="0.50").new_price(D("249.90")) == D("275.00")
    assert params(method="fixed", direction="down", amount=D("12.5")).new_price(D("100")) == D("87.50")
    assert params(direction="down", amount=D(100)).new_price(D("100")) == D("0.00")


def test_preview_covers_the_category_subtree_and_writes_nothing(tree: dict[str, Any]) -> None:
    preview = catalogue.bulk_price_preview(params=params(category=tree["fabrics"], apply_wholesale=True))
    assert [(x.code, x.new_retail, x.new_wholesale) for x in preview.lines] == [
        ("A1", D("110.00"), D("88.00")),
        ("B1", D("274.89"), D("220.00")),
    ]
    assert preview.count == 2 and preview.negative_count == 0
    assert not PriceChange.objects.exists() and Product.objects.get(code="A1").retail_price == D("100.00")


def test_apply_is_one_audited_transaction(price_admin: User, tree: dict[str, Any]) -> None:
    variant = tree["b"].variants.get()
    Variant.objects.filter(pk=variant.pk).update(retail_price=D("260.00"))
    chosen = params(product_codes=catalogue.parse_product_codes("B1, c1\nB1"), rounding="1")
    preview = catalogue.bulk_price_preview(params=chosen)
    audit = catalogue.bulk_price_apply(
        actor=price_admin, params=chosen, fingerprint=preview.fingerprint, note="موسم الشتاء"
    )

    assert (audit.user, audit.product_count, audit.change_count, audit.note) == (price_admin, 2, 3, "موسم الشتاء")
    assert audit.product_codes == ["B1", "C1"] and audit.method == "percent" and audit.amount == D(10)
    prices = dict(Product.objects.values_list("code", "retail_price"))
    assert prices == {"A1": D("100.00"), "B1": D("275.00"), "C1": D("33.00")}
    variant.refresh_from_db()
    assert variant.retail_price == D("286.00")
    changes = set(audit.changes.values_list("product__code", "variant", "field", "old_value", "new_value", "source"))
    assert changes == {
        ("B1", None, "retail", D("249.90"), D("275.00"), "bulk"),
        ("C1", None, "retail", D("30.00"), D("33.00"), "bulk"),
        ("B1", variant.pk, "retail", D("260.00"), D("286.00"), "bulk"),
    }
    assert not PriceChange.objects.filter(field="wholesale").exists()  # unchanged prices write no history


def test_apply_refuses_negative_prices_and_changes_nothing(price_admin: User, tree: dict[str, Any]) -> None:
    rule = params(method="fixed", direction="down", amount=D(50), category=tree["fabrics"], apply_wholesale=True)
    assert catalogue.bulk_price_preview(params=rule).negative_count == 0
    rule = params(method="fixed", direction="down", amount=D(90), category=tree["fabrics"], apply_wholesale=True)
    assert catalogue.bulk_price_preview(params=rule).negative_count == 1  # A1's wholesale 80 - 90
    with pytest.raises(ValidationError):
        catalogue.bulk_price_apply(actor=price_admin, params=rule)
    assert not BulkPriceUpdate.objects.exists() and not PriceChange.objects.exists()
    assert Product.objects.get(code="A1").retail_price == D("100.00")


def test_apply_refuses_when_prices_changed_since_the_preview(price_admin: User, tree: dict[str, Any]) -> None:
    rule = params(category=tree["fabrics"])
    preview = catalogue.bulk_price_preview(params=rule)
    catalogue.product_update(actor=price_admin, product=tree["a"], data={"retail_price": D("105")})
    with pytest.raises(ConflictError):
        catalogue.bulk_price_apply(actor=price_admin, params=rule, fingerprint=preview.fingerprint)
    assert not BulkPriceUpdate.objects.exists()


def test_bulk_update_needs_the_price_permission(cataloguer: User, tree: dict[str, Any], client: Client) -> None:
    with pytest.raises(PermissionDenied):
        catalogue.bulk_price_apply(actor=cataloguer, params=params(category=tree["fabrics"]))
    client.force_login(cataloguer)
    assert client.get("/inventory/prices/bulk/").status_code == 403
    post = {"category": tree["fabrics"].pk, "method": "percent", "direction": "up", "amount": "10", "apply": "1"}
    assert client.post("/inventory/prices/bulk/", {**post, "rounding": "1", "apply_retail": "on"}).status_code == 403
    assert client.get("/inventory/prices/bulk/history/").status_code == 403
    assert bearer(cataloguer).post("/api/v1/bulk-price-updates/", post, format="json").status_code == 403
    assert not PriceChange.objects.exists()


def test_bulk_pages_preview_then_apply(client: Client, price_admin: User, tree: dict[str, Any]) -> None:
    client.force_login(price_admin)
    form = {
        "category": tree["blackout"].pk,
        "method": "fixed",
        "direction": "up",
        "amount": "10",
        "apply_retail": "on",
        "apply_wholesale": "on",
        "rounding": "1",
    }
    preview = client.post("/inventory/prices/bulk/", form)
    assert preview.status_code == 200
    result = preview.context["preview"]
    assert [(x.code, x.new_retail, x.new_wholesale) for x in result.lines] == [("B1", D("260.00"), D("210.00"))]
    assert not PriceChange.objects.exists()
    applied = client.post("/inventory/prices/bulk/", {**form, "apply": "1", "fingerprint": result.fingerprint})
    audit = BulkPriceUpdate.objects.get()
    assert applied.status_code == 302 and applied["Location"] == f"/inventory/prices/bulk/{audit.pk}/"
    detail = client.get(f"/inventory/prices/bulk/{audit.pk}/")
    assert len(detail.context["page"].object_list) == 2
    assert client.get("/inventory/prices/bulk/history/").context["page"].rows == [audit]
    stale = client.post("/inventory/prices/bulk/", {**form, "apply": "1", "fingerprint": result.fingerprint})
    assert stale.status_code == 200 and BulkPriceUpdate.objects.count() == 1  # prices moved: shown again, not applied

    empty = client.post("/inventory/prices/bulk/", {**form, "category": "", "amount": "0"})
    assert set(empty.context["form"].errors) == {"amount", "category"}


def test_bulk_api_preview_and_apply(price_admin: User, tree: dict[str, Any]) -> None:
    api = bearer(price_admin)
    payload = {"product_codes": ["A1", "ZZ9"], "method": "percent", "direction": "down", "amount": "50"}
    preview = api.post("/api/v1/bulk-price-updates/", {**payload, "preview": True}, format="json").json()
    assert (
        preview["count"] == 1 and preview["unknown_codes"] == ["ZZ9"] and preview["lines"][0]["new_retail"] == "50.00"
    )
    created = api.post("/api/v1/bulk-price-updates/", {**payload, "fingerprint": preview["fingerprint"]}, format="json")
    assert created.status_code == 201 and created.json()["product_count"] == 1
    again = api.post("/api/v1/bulk-price-updates/", {**payload, "fingerprint": preview["fingerprint"]}, format="json")
    assert again.status_code == 409
    bad = api.post("/api/v1/bulk-price-updates/", {**payload, "amount": "150"}, format="json")
    assert bad.status_code == 400 and "amount" in bad.json()["error"]["fields"]
    assert [u["id"] for u in api.get("/api/v1/bulk-price-updates/").json()["results"]] == [created.json()["id"]]


def test_bulk_apply_query_count_does_not_grow_with_products(price_admin: User) -> None:
    category = factories.category()
    factories.bulk_products(count=10, category_obj=category)
    rule = params(category=category, apply_wholesale=True)
    access_for(price_admin)  # the access profile is computed once per request; measure the service alone
    with CaptureQueriesContext(connection) as small:
        catalogue.bulk_price_apply(actor=price_admin, params=rule)
    factories.bulk_products(count=90, category_obj=category)
    with CaptureQueriesContext(connection) as large:
        catalogue.bulk_price_apply(actor=price_admin, params=rule)
    assert len(small.captured_queries) == len(large.captured_queries) <= 15
    assert BulkPriceUpdate.objects.order_by("id").last().change_count == 200  # type: ignore[union-attr]
