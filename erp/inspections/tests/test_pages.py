"""Pages: the list (search, filters), standalone request, scheduling, the detail's actions, the technician's one-tap
htmx cards, the print view, and the order page showing the inspection department."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from erp.inspections.models import Inspection
from erp.inspections.tests import factories
from erp.orders.models import Order
from erp.orders.tests import factories as order_factories

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_order_page_shows_and_links_the_inspection(shop: Any, seller_a: Any, manager_a: Any) -> None:
    order = order_factories.place(
        shop, seller_a, order_type=Order.Type.INSPECTION, items=[order_factories.item(shop.service, "1")]
    )
    inspection = Inspection.objects.get(order=order)
    page = login(manager_a).get(f"/orders/{order.pk}/").content.decode()
    assert f'href="/inspections/{inspection.pk}/"' in page
    api = login(manager_a).get(f"/api/v1/orders/{order.pk}/").json()
    assert {"key": "inspection", "status": "pending", "label": str(Inspection.Status.PENDING.label)} in api[
        "departments"
    ]
    assert api["stage"]["status"] == "pending"


def test_schedule_page_schedules(shop: Any, insp_manager: Any, tech: Any) -> None:
    inspection = factories.inspection(customer=shop.customer, creator=insp_manager)
    client = login(insp_manager)
    page = client.get(f"/inspections/{inspection.pk}/schedule/")
    assert page.status_code == 200 and f'value="{tech.pk}"' in page.content.decode()
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(
        f"/inspections/{inspection.pk}/schedule/",
        {"scheduled_date": day, "scheduled_time": "09:15", "technician": tech.pk},
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.status, inspection.technician_id, str(inspection.scheduled_date)) == (
        "scheduled",
        tech.pk,
        day,
    )


def test_request_page_creates_a_standalone_inspection(shop: Any, insp_manager: Any) -> None:
    client = login(insp_manager)
    response = client.post(
        "/inspections/new/", {"customer_code": shop.customer.code, "payment_status": "paid", "address": "الزمالك"}
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/{inspection.pk}/"
    assert inspection.number == f"{shop.customer.code}-I01" and inspection.address == "الزمالك"


def test_technician_one_tap_cards(shop: Any, insp_manager: Any, tech: Any) -> None:
    visit = factories.inspection(customer=shop.customer, creator=insp_manager, status="scheduled", technician=tech)
    client = login(tech)
    page = client.get("/inspections/my-visits/").content.decode()
    assert f'id="visit-{visit.pk}"' in page and 'hx-post="/inspections/' in page

    started = client.post(f"/inspections/{visit.pk}/transition/", {"to": "in_progress"}, headers=HTMX)
    assert started.status_code == 200 and f'id="visit-{visit.pk}"' in started.content.decode()
    assert "<html" not in started.content.decode()  # a fragment: the card only
    visit.refresh_from_db()
    assert visit.status == "in_progress"

    refused = client.post(f"/inspections/{visit.pk}/transition/", {"to": "completed", "result": "passed"}, headers=HTMX)
    assert refused.status_code == 200 and "is-invalid" in refused.content.decode()  # htmx swaps 2xx only

    done = client.post(
        f"/inspections/{visit.pk}/transition/",
        {
            "to": "completed",
            "result": "passed",
            "windows_count": "7",
            "payment_status": "paid",
            "file": factories.upload("jpeg"),
        },
        headers=HTMX,
    )
    assert done.status_code == 200
    visit.refresh_from_db()
    assert (visit.status, visit.windows_count, visit.files.count()) == ("completed", 7, 1)


def test_postpone_from_the_card_needs_a_reason(shop: Any, insp_manager: Any, tech: Any) -> None:
    visit = factories.inspection(customer=shop.customer, creator=insp_manager, status="scheduled", technician=tech)
    client = login(tech)
    refused = client.post(f"/inspections/{visit.pk}/transition/", {"to": "postponed_by_customer"}, headers=HTMX)
    assert refused.status_code == 200 and "alert-danger" in refused.content.decode()
    ok = client.post(
        f"/inspections/{visit.pk}/transition/", {"to": "postponed_by_customer", "reason": "سفر"}, headers=HTMX
    )
    assert ok.status_code == 200
    visit.refresh_from_db()
    assert visit.status == "postponed_by_customer"


def test_detail_cancel_and_repeat(shop: Any, insp_manager: Any, tech: Any) -> None:
    done = factories.inspection(customer=shop.customer, creator=insp_manager, status="completed", technician=tech)
    open_ = factories.inspection(customer=shop.customer, creator=insp_manager, status="scheduled", technician=tech)
    client = login(insp_manager)
    page = client.get(f"/inspections/{open_.pk}/").content.decode()
    assert "data-confirm" in page and 'value="cancelled"' in page
    client.post(f"/inspections/{open_.pk}/transition/", {"to": "cancelled", "reason": "ألغى العميل"})
    open_.refresh_from_db()
    assert open_.status == "cancelled"
    response = client.post(f"/inspections/{done.pk}/repeat/")
    child = Inspection.objects.get(parent=done)
    assert response["Location"] == f"/inspections/{child.pk}/"
    assert child.number in client.get(f"/inspections/{done.pk}/").content.decode()


def test_list_search_is_arabic_normalised(shop: Any, insp_manager: Any) -> None:
    from erp.customers.tests import factories as customer_factories

    customer = customer_factories.customer(branch=shop.branch, name="أحمد إبراهيم")
    mine = factories.inspection(customer=customer, creator=insp_manager)
    other = factories.inspection(customer=shop.customer, creator=insp_manager)
    page = login(insp_manager).get("/inspections/", {"search": "احمد ابراهيم"}).content.decode()
    assert mine.number in page and other.number not in page


def test_print_view(shop: Any, insp_manager: Any, tech: Any) -> None:
    visit = factories.inspection(customer=shop.customer, creator=insp_manager, status="scheduled", technician=tech)
    page = login(insp_manager).get(f"/inspections/{visit.pk}/print/").content.decode()
    assert "print-document" in page and visit.number in page and shop.customer.name in page
