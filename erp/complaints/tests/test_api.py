"""API v1: list (scoped, filtered, cursor), create, detail with timeline, transition (409 with allowed targets,
evaluation before closing), updates with attachments, complaint types; errors in the one JSON shape."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from erp.accounts import services as accounts
from erp.accounts.roles import RoleKey
from erp.complaints import services
from erp.complaints.tests import factories as f

pytestmark = pytest.mark.django_db
R = RoleKey


def client_for(user: Any) -> APIClient:
    client = APIClient()
    _token, key = accounts.api_token_issue(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def world(make_user: Callable[..., Any], branch_a: Any, branch_b: Any) -> dict[str, Any]:
    seller = make_user(R.SALESPERSON, branch=branch_a, username="api_seller")
    manager = make_user(R.BRANCH_MANAGER, branch=branch_a, username="api_manager")
    seller_b = make_user(R.SALESPERSON, branch=branch_b, username="api_seller_b")
    customer = f.customer(branch=branch_a, created_by=seller)
    return {
        "seller": seller,
        "manager": manager,
        "seller_b": seller_b,
        "customer": customer,
        "type": f.complaint_type(),
    }


def test_create_then_read_list_and_detail(world: dict[str, Any]) -> None:
    api = client_for(world["seller"])
    order = f.order(customer=world["customer"], created_by=world["seller"])
    response = api.post(
        reverse("api-complaints:complaint-list"),
        {
            "customer": world["customer"].pk,
            "complaint_type": world["type"].pk,
            "title": "تأخير",
            "priority": "urgent",
            "related_order": order.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == f"P{world['customer'].code}-001"
    assert body["priority"] == "urgent" and body["status"] == "new" and body["related_order_id"] == order.pk
    assert body["timeline"][0]["kind"] == "created" and body["allowed_transitions"] == []
    listed = api.get(reverse("api-complaints:complaint-list")).json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]
    detail = api.get(reverse("api-complaints:complaint-detail", args=[body["id"]])).json()
    assert detail["evaluation"] is None


def test_create_validation_errors_use_the_error_shape(world: dict[str, Any]) -> None:
    api = client_for(world["seller"])
    response = api.post(reverse("api-complaints:complaint-list"), {"title": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert {"customer", "complaint_type", "title"} <= set(response.json()["error"]["fields"])
    other = f.customer(branch=world["customer"].branch)  # not the salesperson's customer
    response = api.post(
        reverse("api-complaints:complaint-list"),
        {"customer": other.pk, "complaint_type": world["type"].pk, "title": "x"},
        format="json",
    )
    assert response.status_code == 400 and "customer" in response.json()["error"]["fields"]


def test_scoping_hides_other_branches(world: dict[str, Any]) -> None:
    complaint = f.complaint(actor=world["seller"], customer=world["customer"])
    api = client_for(world["seller_b"])
    assert api.get(reverse("api-complaints:complaint-list")).json()["results"] == []
    assert api.get(reverse("api-complaints:complaint-detail", args=[complaint.pk])).status_code == 404
    response = api.post(
        reverse("api-complaints:complaint-transition", args=[complaint.pk]), {"to": "in_progress"}, format="json"
    )
    assert response.status_code == 404


def test_a_user_without_the_permission_gets_403(make_user: Callable[..., Any], branch_a: Any) -> None:
    api = client_for(make_user(R.WAREHOUSE_STAFF, branch=branch_a))
    assert api.get(reverse("api-complaints:complaint-list")).status_code == 403


def test_transitions_through_the_api(world: dict[str, Any]) -> None:
    complaint = f.complaint(actor=world["seller"], customer=world["customer"])
    url = reverse("api-complaints:complaint-transition", args=[complaint.pk])
    manager = client_for(world["manager"])
    refused = manager.post(url, {"to": "closed"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"] == {
        "code": "invalid_transition",
        "message": refused.json()["error"]["message"],
        "fields": {"to": ["in_progress", "resolved"]},
    }
    assert client_for(world["seller"]).post(url, {"to": "in_progress"}, format="json").status_code == 403
    assert manager.post(url, {"to": "resolved"}, format="json").status_code == 400  # no resolution note
    assert manager.post(url, {"to": "resolved", "reason": "تم التغيير"}, format="json").json()["status"] == "resolved"
    assert manager.post(url, {"to": "pending_evaluation"}, format="json").status_code == 200
    closing = manager.post(url, {"to": "closed"}, format="json")
    assert closing.status_code == 409 and closing.json()["error"]["code"] == "evaluation_required"
    services.complaint_evaluate(
        actor=world["seller"], complaint=complaint, overall=5, response_speed=5, solution_quality=5, staff=5
    )
    closed = manager.post(url, {"to": "closed"}, format="json").json()
    assert closed["status"] == "closed" and closed["evaluation"]["overall"] == 5


def test_updates_take_comments_with_files(world: dict[str, Any]) -> None:
    complaint = f.complaint(actor=world["seller"], customer=world["customer"])
    api = client_for(world["seller"])
    url = reverse("api-complaints:complaint-updates", args=[complaint.pk])
    pdf = SimpleUploadedFile("r.pdf", b"%PDF-1.4\n" + b"1" * 20, content_type="application/pdf")
    response = api.post(url, {"text": "مرفق", "files": [pdf]}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["attachments"][0]["kind"] == "pdf"
    bad = SimpleUploadedFile("r.pdf", b"hello", content_type="application/pdf")
    response = api.post(url, {"text": "", "files": [bad]}, format="multipart")
    assert response.status_code == 400 and "files" in response.json()["error"]["fields"]
    assert [u["kind"] for u in api.get(url).json()] == ["created", "comment"]


def test_complaint_types(world: dict[str, Any], make_user: Callable[..., Any], branch_a: Any) -> None:
    f.complaint_type(is_active=False, name_ar="قديم")
    seller = client_for(world["seller"])
    names = [t["name_ar"] for t in seller.get(reverse("api-complaints:complaint-type-list")).json()["results"]]
    assert "قديم" not in names and world["type"].name_ar in names
    data = {"name_ar": "جودة", "response_hours": 2, "resolution_hours": 24}
    assert seller.post(reverse("api-complaints:complaint-type-list"), data, format="json").status_code == 403
    boss = client_for(make_user(R.SALES_MANAGER, branch=branch_a))
    created = boss.post(reverse("api-complaints:complaint-type-list"), data, format="json")
    assert created.status_code == 201 and created.json()["resolution_hours"] == 24
    bad = boss.post(reverse("api-complaints:complaint-type-list"), {**data, "resolution_hours": 1}, format="json")
    assert bad.status_code == 400 and "resolution_hours" in bad.json()["error"]["fields"]
    bad = boss.post(reverse("api-complaints:complaint-type-list"), {**data, "default_role": "user"}, format="json")
    assert bad.status_code == 400 and "default_role" in bad.json()["error"]["fields"]
