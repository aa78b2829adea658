from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from erp.accounts import services as account_services
from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.customers.models import Customer
from erp.customers.tests import factories

pytestmark = pytest.mark.django_db


def bearer(user: User) -> APIClient:
    client = APIClient()
    _token, key = account_services.api_token_issue(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_list_is_scoped_and_filtered(seller_a: User, manager_a: User, branch_a: Branch, branch_b: Branch) -> None:
    mine = factories.customer(branch=branch_a, created_by=seller_a, name="هدى الشاذلي")
    other = factories.customer(branch=branch_a, status=Customer.Status.INACTIVE)
    factories.customer(branch=branch_b)
    assert codes(bearer(seller_a).get("/api/v1/customers/")) == [mine.code]
    api = bearer(manager_a)
    assert codes(api.get("/api/v1/customers/")) == [other.code, mine.code]
    assert codes(api.get("/api/v1/customers/?ordering=code")) == sorted([other.code, mine.code])
    assert codes(api.get("/api/v1/customers/?status=inactive")) == [other.code]
    assert codes(api.get("/api/v1/customers/?search=الشاذلى")) == [mine.code]
    bad = api.get("/api/v1/customers/?status=nonsense")
    assert bad.status_code == 400 and "status" in bad.json()["error"]["fields"]


def test_list_cursor_pages(manager_a: User, branch_a: Branch) -> None:
    factories.bulk_customers(count=7, branch=branch_a)
    api = bearer(manager_a)
    first = api.get("/api/v1/customers/?page_size=5").json()
    second = api.get(first["next"]).json()
    assert len(first["results"]) == 5 and len(second["results"]) == 2 and second["next"] is None


def test_detail_is_404_outside_the_scope(seller_a: User, seller_b: User, branch_a: Branch) -> None:
    customer = factories.customer(branch=branch_a, created_by=seller_a, type_code="corporate")
    customer.contacts.create(name="م. شريف", position=1, is_primary=True)
    body = bearer(seller_a).get(f"/api/v1/customers/{customer.pk}/").json()
    assert body["code"] == customer.code and body["contacts"][0]["name"] == "م. شريف"
    assert body["credit_limit"] == "0.00"
    assert bearer(seller_b).get(f"/api/v1/customers/{customer.pk}/").status_code == 404
    assert bearer(seller_b).patch(f"/api/v1/customers/{customer.pk}/", {"name": "x"}).status_code == 404


def test_create(seller_a: User, branch_a: Branch, branch_b: Branch) -> None:
    wholesale = factories.customer_type("wholesale")
    api = bearer(seller_a)
    payload = {"name": "معرض النور", "customer_type": wholesale.pk, "phone": "01222223333"}
    response = api.post("/api/v1/customers/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == f"{branch_a.code}-0001" and body["phone"] == "+201222223333"
    assert body["branch_code"] == branch_a.code and body["created_by"] == seller_a.username
    duplicate = api.post("/api/v1/customers/", payload, format="json")
    assert duplicate.status_code == 400
    assert body["code"] in " ".join(duplicate.json()["error"]["fields"]["phone"])
    elsewhere = api.post("/api/v1/customers/", {**payload, "phone": "01222224444", "branch": branch_b.pk})
    assert elsewhere.status_code == 400 and "branch" in elsewhere.json()["error"]["fields"]
    assert Customer.objects.count() == 1


def test_update(seller_a: User, branch_a: Branch) -> None:
    customer = factories.customer(branch=branch_a, created_by=seller_a)
    api = bearer(seller_a)
    response = api.patch(f"/api/v1/customers/{customer.pk}/", {"phone2": "01099990000", "address": "طنطا"})
    assert response.status_code == 200, response.content
    assert response.json()["phone2"] == "+201099990000" and response.json()["address"] == "طنطا"
    bad = api.patch(f"/api/v1/customers/{customer.pk}/", {"phone": "12"})
    assert bad.status_code == 400 and "phone" in bad.json()["error"]["fields"]
    customer.refresh_from_db()
    assert customer.phone2 == "+201099990000"


def test_customer_types(seller_a: User) -> None:
    factories.customer_type("wholesale", name="جملة")
    body = bearer(seller_a).get("/api/v1/customer-types/").json()
    assert [(t["code"], t["pricing_type"]) for t in body["results"]] == [("wholesale", "wholesale")]


# --------------------------------------------------------------------------------------------------------------
# Permissions: who may read and write, per role


READERS = {
    RoleKey.SALES_MANAGER,
    RoleKey.REGION_MANAGER,
    RoleKey.BRANCH_MANAGER,
    RoleKey.SALESPERSON,
    RoleKey.INSPECTION_MANAGER,
    RoleKey.INSTALLATION_MANAGER,
    RoleKey.EXTERNAL_SALES_DIRECTOR,
    RoleKey.DECORATOR_DEPT_MANAGER,
    RoleKey.DECORATOR_DEPT_STAFF,
}
WRITERS = {RoleKey.SALES_MANAGER, RoleKey.REGION_MANAGER, RoleKey.BRANCH_MANAGER, RoleKey.SALESPERSON}


@pytest.mark.parametrize("role", list(RoleKey))
def test_read_and_write_by_role(role: RoleKey, make_user: Callable[..., User], branch_a: Branch) -> None:
    user = make_user(role, branch=branch_a)
    retail = factories.customer_type("retail")
    api = bearer(user)
    expected_read = 200 if role in READERS or role == RoleKey.SYSTEM_ADMIN else 403
    assert api.get("/api/v1/customers/").status_code == expected_read
    assert api.get("/api/v1/customer-types/").status_code == expected_read
    payload = {"name": "عميل", "customer_type": retail.pk, "phone": "01000000001"}
    created = api.post("/api/v1/customers/", payload, format="json")
    assert created.status_code == (201 if role in WRITERS or role == RoleKey.SYSTEM_ADMIN else 403)
    client = Client()
    client.force_login(user)
    assert client.get("/customers/").status_code == expected_read
    assert client.get("/customers/lookup/").status_code == expected_read
    assert client.get("/customers/new/").status_code == (
        200 if role in WRITERS or role == RoleKey.SYSTEM_ADMIN else 403
    )
    type_admin = role in (RoleKey.SALES_MANAGER, RoleKey.SYSTEM_ADMIN)
    assert client.get("/customers/types/").status_code == (200 if type_admin else 403)
    assert client.get("/customers/categories/").status_code == (200 if type_admin else 403)


def test_create_with_an_idempotency_key_creates_once(seller_a: User, branch_a: Branch) -> None:
    retail = factories.customer_type("retail")
    api = bearer(seller_a)
    payload = {"name": "ريهام زكي", "customer_type": retail.pk, "phone": "01155556666"}
    first = api.post("/api/v1/customers/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/customers/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Customer.objects.count() == 1
    other = api.post("/api/v1/customers/", {**payload, "name": "آخر"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert Customer.objects.count() == 1


def test_a_refused_create_does_not_burn_the_key(seller_a: User, branch_a: Branch) -> None:
    retail = factories.customer_type("retail")
    api = bearer(seller_a)
    bad = {"name": "نورا", "customer_type": retail.pk, "phone": "12"}
    assert api.post("/api/v1/customers/", bad, format="json", HTTP_IDEMPOTENCY_KEY="k-2").status_code == 400
    good = {**bad, "phone": "01155557777"}
    response = api.post("/api/v1/customers/", good, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 201 and response.json()["code"] == f"{branch_a.code}-0001"  # no gap either
