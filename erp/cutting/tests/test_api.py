"""Cutting API: list and detail (scoped, 404 outside), item and cutting-order transitions (409 with the allowed
targets, 403 for a move the caller may not make), Idempotency-Key on completion (stock moves once)."""

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from erp.accounts import services as account_services
from erp.accounts.roles import RoleKey
from erp.cutting.models import CuttingStatus
from erp.cutting.tests.helpers import cutting_of, items_of, tailoring
from erp.inventory.models import StockMovement

pytestmark = pytest.mark.django_db
S = CuttingStatus
COMPLETE = {"to": "completed", "cutter": "حسن", "permit_number": "P-9", "receiver": "محمود", "extra_quantity": "0.25"}


def api(user: Any) -> APIClient:
    client = APIClient()
    _token, key = account_services.api_token_issue(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_list_and_detail(shop: Any, seller: Any, keeper: Any) -> None:
    order = tailoring(shop, seller)
    co = cutting_of(order)[0]
    listing = api(keeper).get(reverse("api-cutting:cutting-order-list"), {"search": order.number}).json()
    assert [r["code"] for r in listing["results"]] == [co.code]
    assert listing["results"][0]["item_count"] == 3 and listing["results"][0]["order_type"] == "tailoring"
    assert "next" in listing
    detail = api(keeper).get(reverse("api-cutting:cutting-order-detail", args=[co.pk])).json()
    assert detail["status"] == "pending" and len(detail["items"]) == 3
    assert detail["allowed_transitions"] == ["completed", "in_progress", "rejected"]
    assert detail["items"][0]["allowed_transitions"] == ["completed", "in_progress", "rejected"]
    assert detail["timeline"][0]["to_status"] == "pending"
    assert (
        api(seller).get(reverse("api-cutting:cutting-order-detail", args=[co.pk])).json()["allowed_transitions"] == []
    )


def test_out_of_scope_is_404_and_no_permission_is_403(shop: Any, seller: Any, manager_b: Any, make_user: Any) -> None:
    co = cutting_of(tailoring(shop, seller))[0]
    item = items_of(co.order)[0]
    assert api(manager_b).get(reverse("api-cutting:cutting-order-detail", args=[co.pk])).status_code == 404
    assert (
        api(manager_b).post(reverse("api-cutting:cutting-item-transition", args=[item.pk]), COMPLETE).status_code == 404
    )
    technician = make_user(RoleKey.INSPECTION_TECHNICIAN, branch=shop.branch, username="tech")
    assert api(technician).get(reverse("api-cutting:cutting-order-list")).status_code == 403
    response = api(seller).post(reverse("api-cutting:cutting-item-transition", args=[item.pk]), COMPLETE, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"]


def test_item_completion_with_an_idempotency_key_deducts_once(shop: Any, seller: Any, keeper: Any) -> None:
    item = items_of(tailoring(shop, seller))[0]
    client = api(keeper)
    url = reverse("api-cutting:cutting-item-transition", args=[item.pk])
    first = client.post(url, COMPLETE, format="json", HTTP_IDEMPOTENCY_KEY="cut-1")
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "completed" and first.json()["extra_quantity"] == "0.250"
    again = client.post(url, COMPLETE, format="json", HTTP_IDEMPOTENCY_KEY="cut-1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert StockMovement.objects.filter(reason="production").count() == 1
    refused = client.post(url, COMPLETE, format="json")  # without the key: the item is cut already
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "invalid_transition" and refused.json()["error"]["fields"]["to"] == []


def test_validation_errors_name_the_fields(shop: Any, seller: Any, keeper: Any) -> None:
    item = items_of(tailoring(shop, seller))[0]
    url = reverse("api-cutting:cutting-item-transition", args=[item.pk])
    response = api(keeper).post(url, {"to": "completed", "cutter": "x"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"permit_number", "receiver"}
    response = api(keeper).post(url, {"to": "rejected"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]


def test_cutting_order_transition_completes_all_and_reports_allowed_targets(
    shop: Any, seller: Any, keeper: Any, boss: Any
) -> None:
    order = tailoring(shop, seller)
    co = cutting_of(order)[0]
    url = reverse("api-cutting:cutting-order-transition", args=[co.pk])
    conflict = api(keeper).post(url, {"to": "pending", "reason": "x"}, format="json")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["fields"]["to"] == ["completed", "in_progress", "rejected"]
    done = api(keeper).post(url, COMPLETE, format="json")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert done.json()["cut_count"] == 3
    assert StockMovement.objects.filter(reason="production", reference=co.code).count() == 2
    assert api(keeper).post(url, {"to": "pending", "reason": "x"}, format="json").status_code == 403
    reset = api(boss).post(url, {"to": "pending", "reason": "إعادة القص"}, format="json")
    assert reset.status_code == 200 and reset.json()["status"] == "pending"
    assert StockMovement.objects.filter(reason="return", reference=co.code).count() == 2
