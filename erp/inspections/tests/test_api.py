"""The inspections API (api.md): list with filters and cursor pages, detail with allowed transitions and timeline,
standalone creation (idempotent), transitions (409 with allowed targets, 403, 400)."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from erp.inspections.models import Inspection
from erp.inspections.tests import factories
from erp.orders.models import Order
from erp.orders.tests import factories as order_factories

pytestmark = pytest.mark.django_db
TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()


def test_full_life_through_the_api(shop: Any, seller_a: Any, insp_manager: Any, tech: Any, api_client: Any) -> None:
    order = order_factories.place(
        shop, seller_a, order_type=Order.Type.INSPECTION, items=[order_factories.item(shop.service, "1")]
    )
    pk = Inspection.objects.get(order=order).pk

    api_client.force_authenticate(insp_manager)
    detail = api_client.get(f"/api/v1/inspections/{pk}/").json()
    assert detail["status"] == "pending" and detail["order_number"] == order.number
    assert detail["allowed_transitions"] == ["cancelled", "scheduled"]
    assert detail["timeline"] == f"/api/v1/inspections/{pk}/timeline/"

    refused = api_client.post(f"/api/v1/inspections/{pk}/transition/", {"to": "completed"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"]["fields"]["to"] == ["cancelled", "scheduled"]

    missing = api_client.post(f"/api/v1/inspections/{pk}/transition/", {"to": "scheduled"}, format="json")
    assert missing.status_code == 400 and "technician" in missing.json()["error"]["fields"]

    scheduled = api_client.post(
        f"/api/v1/inspections/{pk}/transition/",
        {"to": "scheduled", "scheduled_date": TOMORROW, "scheduled_time": "10:30", "technician": tech.pk},
        format="json",
    )
    assert scheduled.status_code == 200, scheduled.content
    assert (scheduled.json()["status"], scheduled.json()["scheduled_time"]) == ("scheduled", "10:30")

    api_client.force_authenticate(tech)
    assert api_client.get(f"/api/v1/inspections/{pk}/").json()["allowed_transitions"] == [
        "in_progress",
        "postponed_by_customer",
    ]
    assert (
        api_client.post(f"/api/v1/inspections/{pk}/transition/", {"to": "in_progress"}, format="json").status_code
        == 200
    )
    done = api_client.post(
        f"/api/v1/inspections/{pk}/transition/",
        {"to": "completed", "result": "passed", "windows_count": 5, "payment_status": "paid"},
        format="json",
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["result"], done.json()["windows_count"]) == ("completed", "passed", 5)
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED

    timeline = api_client.get(f"/api/v1/inspections/{pk}/timeline/").json()["results"]
    assert [e["to_status"] for e in timeline] == ["pending", "scheduled", "in_progress", "completed"]


def test_technician_may_not_schedule(shop: Any, insp_manager: Any, tech: Any, api_client: Any) -> None:
    inspection = factories.inspection(customer=shop.customer, creator=insp_manager, technician=tech)
    api_client.force_authenticate(tech)
    response = api_client.post(
        f"/api/v1/inspections/{inspection.pk}/transition/",
        {"to": "scheduled", "scheduled_date": TOMORROW, "scheduled_time": "10:30", "technician": tech.pk},
        format="json",
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


def test_create_standalone_is_idempotent(shop: Any, insp_manager: Any, api_client: Any) -> None:
    api_client.force_authenticate(insp_manager)  # inspection managers see every customer
    body = {"customer": shop.customer.pk, "payment_status": "paid", "address": "مدينة نصر"}
    first = api_client.post("/api/v1/inspections/", body, format="json", headers={"Idempotency-Key": "k-1"})
    again = api_client.post("/api/v1/inspections/", body, format="json", headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and first.json()["number"] == f"{shop.customer.code}-I01"
    assert Inspection.objects.count() == 1


def test_create_refuses_a_customer_outside_the_scope(branch_b: Any, seller_a: Any, api_client: Any) -> None:
    from erp.customers.tests import factories as customer_factories

    other = customer_factories.customer(branch=branch_b)
    api_client.force_authenticate(seller_a)
    response = api_client.post("/api/v1/inspections/", {"customer": other.pk}, format="json")
    assert response.status_code == 400 and "customer" in response.json()["error"]["fields"]


def test_technicians_may_not_create(shop: Any, tech: Any, api_client: Any) -> None:
    api_client.force_authenticate(tech)
    assert api_client.post("/api/v1/inspections/", {"customer": shop.customer.pk}, format="json").status_code == 403


def test_list_filters_search_and_cursor(shop: Any, insp_manager: Any, tech: Any, tech2: Any, api_client: Any) -> None:
    factories.bulk(customer=shop.customer, creator=insp_manager, count=3, technician=tech)
    factories.bulk(customer=shop.customer, creator=insp_manager, count=2, technician=tech2, status="completed")
    api_client.force_authenticate(insp_manager)
    by_status = api_client.get("/api/v1/inspections/?status=completed").json()["results"]
    assert len(by_status) == 2 and {r["technician"] for r in by_status} == {"tech2"}
    by_tech = api_client.get(f"/api/v1/inspections/?technician={tech.pk}").json()["results"]
    assert len(by_tech) == 3
    page = api_client.get("/api/v1/inspections/?page_size=2").json()
    assert len(page["results"]) == 2 and page["next"]
    assert len(api_client.get(page["next"]).json()["results"]) == 2
    # Search ignores alef variants and Arabic-Indic digits (A.3-8).
    code = shop.customer.code
    found = api_client.get("/api/v1/inspections/", {"search": code.lower()}).json()["results"]
    assert len(found) == 5
    bad = api_client.get("/api/v1/inspections/?status=nope")
    assert bad.status_code == 400
