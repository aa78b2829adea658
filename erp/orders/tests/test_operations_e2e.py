"""End to end through the API, with every department's real hand-off receivers: each order type walks its whole
life (issue 6's "done when"), checking the order's status, each department's status, stock, the timeline and the
notifications queued in the outbox at every step."""

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from erp.cutting.models import CuttingItem, CuttingOrder
from erp.inspections.models import Inspection
from erp.installations.models import Installation, ModificationRequest
from erp.inventory.models import StockBalance, StockMovement
from erp.manufacturing.models import FactoryOrder
from erp.orders.models import Order, OrderEvent, OrderHandoff
from erp.orders.tests import factories
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db
S = Order.Status


@pytest.fixture
def api(admin_user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(admin_user)
    return client


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()  # type: ignore[no-any-return]


def place(api: APIClient, shop: factories.Shop, order_type: str, **extra: Any) -> Order:
    if order_type == Order.Type.INSPECTION:
        items = [{"variant": shop.service.pk, "quantity": "1"}]
    else:
        items = [
            {"variant": shop.fabrics[0].pk, "quantity": "4.5", "warehouse": shop.warehouse.pk},
            {"variant": shop.fabrics[1].pk, "quantity": "2", "warehouse": shop.warehouse.pk},
        ]
    body = {
        "customer": shop.customer.pk,
        "order_type": order_type,
        "salesperson": shop.salesperson.pk,
        "items": items,
        "invoice_numbers": [] if order_type == Order.Type.INSPECTION else [f"E2E-{order_type}"],
        "waive_down_payment": True,
        **extra,
    }
    data = ok(api.post("/api/v1/orders/", body, format="json"), 201)
    return Order.objects.get(pk=data["id"])


def order_view(api: APIClient, order: Order) -> dict[str, Any]:
    return ok(api.get(f"/api/v1/orders/{order.pk}/"))


def departments(api: APIClient, order: Order) -> dict[str, str | None]:
    return {d["key"]: d["status"] for d in order_view(api, order)["departments"]}


def balance(shop: factories.Shop, n: int) -> Decimal:
    return StockBalance.objects.get(variant=shop.fabrics[n], warehouse=shop.warehouse).quantity


def cut_everything(api: APIClient, order: Order) -> None:
    for item in CuttingItem.objects.filter(cutting_order__order=order).order_by("id"):
        ok(
            api.post(
                f"/api/v1/cutting-items/{item.pk}/transition/",
                {"to": "completed", "cutter": "حسن", "permit_number": f"P{item.pk}", "receiver": "مصنع"},
                format="json",
            )
        )


def factory_move(api: APIClient, fo: FactoryOrder, to: str, **extra: Any) -> dict[str, Any]:
    return ok(api.post(f"/api/v1/manufacturing-orders/{fo.pk}/transition/", {"to": to, **extra}, format="json"))


def handoffs(order: Order) -> list[str]:
    return [e.details.get("handoff", "") for e in OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.HANDOFF)]


def test_products_order_cut_completes_it_and_stock_moves_once_at_sale(api: APIClient, shop: factories.Shop) -> None:
    before = balance(shop, 0)
    order = place(api, shop, Order.Type.PRODUCTS)
    assert balance(shop, 0) == before - Decimal("4.5")  # deducted at sale (A.3-4)
    assert OrderHandoff.objects.get(order=order, kind=OrderHandoff.Kind.CUTTING).status == OrderHandoff.Status.CONSUMED
    assert CuttingOrder.objects.filter(order=order).count() == 1
    assert departments(api, order)["cutting"] == "pending"

    moves = StockMovement.objects.count()
    cut_everything(api, order)

    assert StockMovement.objects.count() == moves  # cutting a products order moves no stock
    assert balance(shop, 0) == before - Decimal("4.5")
    view = order_view(api, order)
    assert view["status"] == S.COMPLETED
    assert {d["key"]: d["status"] for d in view["departments"]}["cutting"] == "completed"
    assert OutboxEvent.objects.filter(topic__startswith="notifications").exists()


def test_inspection_order_scheduled_visited_passed_completes_the_order(
    api: APIClient, shop: factories.Shop, make_user: Any
) -> None:
    from erp.accounts.roles import RoleKey

    technician = make_user(RoleKey.INSPECTION_TECHNICIAN, branch=shop.branch, username="tech_e2e")
    order = place(api, shop, Order.Type.INSPECTION)
    inspection = Inspection.objects.get(order=order)
    assert departments(api, order)["inspection"] == inspection.status
    url = f"/api/v1/inspections/{inspection.pk}/transition/"
    ok(
        api.post(
            url,
            {
                "to": "scheduled",
                "scheduled_date": timezone.localdate().isoformat(),
                "scheduled_time": "10:30",
                "technician": technician.pk,
            },
            format="json",
        )
    )
    ok(api.post(url, {"to": "in_progress"}, format="json"))
    ok(
        api.post(
            url,
            {"to": "completed", "result": "passed", "windows_count": 4, "payment_status": "paid"},
            format="json",
        )
    )
    view = order_view(api, order)
    assert view["status"] == S.COMPLETED
    assert view["stage"]["status"] == "completed"
    assert OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.STATUS, to_status=S.COMPLETED).exists()


def test_tailoring_order_goes_from_approval_through_cutting_and_the_factory_to_delivery(
    api: APIClient, shop: factories.Shop
) -> None:
    before = balance(shop, 0)
    order = place(api, shop, Order.Type.TAILORING)
    assert balance(shop, 0) == before  # made to measure: nothing leaves stock at sale
    fo = FactoryOrder.objects.get(order=order)
    assert order.status == S.PENDING_APPROVAL and fo.status == "pending_approval"

    factory_move(api, fo, "pending")
    assert order_view(api, order)["status"] == S.PENDING

    cut_everything(api, order)
    assert balance(shop, 0) == before - Decimal("4.5")  # deducted once, when cut
    assert CuttingItem.objects.filter(cutting_order__order=order, status="completed").count() == 2
    moves = StockMovement.objects.count()
    item = CuttingItem.objects.filter(cutting_order__order=order).first()
    assert item is not None  # a repeated completion is refused and moves nothing (409)
    again = api.post(f"/api/v1/cutting-items/{item.pk}/transition/", {"to": "completed"}, format="json")
    assert again.status_code == 409 and StockMovement.objects.count() == moves
    assert fo.items.count() == 2  # each cut item handed to the factory
    recorded = handoffs(order)
    assert recorded.count("cut_item_done") == 2 and recorded.count("cut_item_to_factory") == 2  # the timeline

    ok(
        api.post(
            "/api/v1/manufacturing-orders/fabric-receipts/",
            {"items": [{"id": i.pk, "bag_number": f"B{i.pk}"} for i in fo.items.all()]},
            format="json",
        )
    )
    factory_move(api, fo, "in_progress")
    assert order_view(api, order)["status"] == S.IN_PROGRESS
    factory_move(api, fo, "completed")
    assert order_view(api, order)["status"] == S.COMPLETED
    factory_move(api, fo, "delivered", permit="DP-1", recipient="العميل")
    view = order_view(api, order)
    assert view["status"] == S.DELIVERED
    assert {d["key"]: d["status"] for d in view["departments"]}["manufacturing"] == "delivered"
    assert balance(shop, 0) == before - Decimal("4.5")  # still once


def test_installation_order_with_re_work(api: APIClient, shop: factories.Shop) -> None:
    order = place(api, shop, Order.Type.INSTALLATION)
    fo = FactoryOrder.objects.get(order=order)
    factory_move(api, fo, "pending")
    cut_everything(api, order)
    factory_move(api, fo, "in_progress")
    factory_move(api, fo, "ready_install")
    assert order_view(api, order)["status"] == S.READY_INSTALL

    created = ok(
        api.post(
            "/api/v1/installations/",
            {
                "order": order.pk,
                "scheduled_date": timezone.localdate().isoformat(),
                "scheduled_time": "09:00",
                "windows_count": 3,
                "debt_confirmed": True,
            },
            format="json",
        ),
        201,
    )
    installation = Installation.objects.get(pk=created["id"])
    url = f"/api/v1/installations/{installation.pk}/transition/"
    ok(api.post(url, {"to": "in_installation"}, format="json"))
    ok(api.post(url, {"to": "completed", "receipt_number": "R-1"}, format="json"))
    view = order_view(api, order)
    assert view["status"] == S.COMPLETED
    assert {d["key"]: d["status"] for d in view["departments"]}["installation"] == "completed"
    assert "installation_created" in handoffs(order)

    request = ok(
        api.post(
            "/api/v1/modification-requests/",
            {
                "installation": installation.pk,
                "fault_party": "factory",
                "description": "طول الستارة أقصر",
                "items": [{"description": "ستارة الصالة", "new_meters": "3.5"}],
            },
            format="json",
        ),
        201,
    )
    mr_url = f"/api/v1/modification-requests/{request['id']}/transition/"
    ok(api.post(mr_url, {"to": "investigating"}, format="json"))
    ok(api.post(mr_url, {"to": "approved"}, format="json"))
    modification = FactoryOrder.objects.get(order=order, order_type="modification")
    factory_move(api, modification, "in_progress")
    factory_move(api, modification, "completed")
    assert ModificationRequest.objects.get(pk=request["id"]).status == "completed"
    assert order_view(api, order)["status"] == S.COMPLETED  # a modification order never moves the order


def test_accessory_order_is_delivered_by_the_factory(api: APIClient, shop: factories.Shop) -> None:
    order = place(api, shop, Order.Type.ACCESSORY)
    fo = FactoryOrder.objects.get(order=order)
    factory_move(api, fo, "pending")
    cut_everything(api, order)
    factory_move(api, fo, "in_progress")
    refused = api.post(
        f"/api/v1/manufacturing-orders/{fo.pk}/transition/", {"to": "ready_install"}, format="json"
    )  # only installation orders become ready for installation
    assert refused.status_code == 409
    factory_move(api, fo, "completed")
    factory_move(api, fo, "delivered", permit="DP-2", recipient="العميل")
    assert order_view(api, order)["status"] == S.DELIVERED


def test_cancelling_an_order_reaches_every_department_and_a_finished_one_refuses(
    api: APIClient, shop: factories.Shop
) -> None:
    """Issue 6: `POST .../transition/ {to: cancelled}` cancels the cutting and the factory work with the real
    receivers, returns the cut fabric to stock once, and records each department once on the order's timeline; an
    installation order whose factory order is ready refuses (400 naming it), nothing saved."""
    from erp.inventory.services import stock_ledger_mismatches

    before = balance(shop, 0)
    order = place(api, shop, Order.Type.TAILORING)
    fo = FactoryOrder.objects.get(order=order)
    factory_move(api, fo, "pending")
    cut_everything(api, order)
    assert balance(shop, 0) == before - Decimal("4.5")

    view = ok(api.post(f"/api/v1/orders/{order.pk}/transition/", {"to": "cancelled", "reason": "ألغى"}, format="json"))

    assert view["status"] == S.CANCELLED
    statuses = {d["key"]: d["status"] for d in view["departments"]}
    assert statuses["cutting"] == "cancelled" and statuses["manufacturing"] == "cancelled"
    assert balance(shop, 0) == before  # the cut fabric came back, once
    assert set(CuttingItem.objects.filter(cutting_order__order=order).values_list("status", flat=True)) == {"cancelled"}
    recorded = handoffs(order)
    assert recorded.count("cutting_cancelled") == 1 and recorded.count("factory_cancelled") == 1
    again = api.post(f"/api/v1/orders/{order.pk}/transition/", {"to": "cancelled", "reason": "x"}, format="json")
    assert again.status_code == 409 and balance(shop, 0) == before
    assert stock_ledger_mismatches() == []

    ready = place(api, shop, Order.Type.INSTALLATION)
    rfo = FactoryOrder.objects.get(order=ready)
    factory_move(api, rfo, "pending")
    cut_everything(api, ready)
    factory_move(api, rfo, "in_progress")
    factory_move(api, rfo, "ready_install")
    stock = balance(shop, 0)
    refused = api.post(f"/api/v1/orders/{ready.pk}/transition/", {"to": "cancelled", "reason": "x"}, format="json")
    assert refused.status_code == 400 and rfo.number in refused.content.decode()
    assert order_view(api, ready)["status"] == S.READY_INSTALL
    assert balance(shop, 0) == stock  # the cutting room's cancellation was rolled back too
    assert not CuttingItem.objects.filter(cutting_order__order=ready, status="cancelled").exists()
    assert "cutting_cancelled" not in handoffs(ready)
