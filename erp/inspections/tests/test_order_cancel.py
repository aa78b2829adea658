"""The order cancelled (``order.cancelled``): its open inspections are cancelled with the reason (the technician of
a scheduled visit told, the order timeline once); completed ones stay; a visit under way refuses, nothing saved."""

from datetime import time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from erp.core import hooks
from erp.inspections import services
from erp.inspections.models import Inspection, InspectionEvent
from erp.orders.models import Order, OrderEvent
from erp.orders.tests import factories as order_factories
from erp.orders.transitions import order_transition
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db
S = Inspection.Status
TOMORROW = timezone.localdate() + timedelta(days=1)


@pytest.fixture(autouse=True)
def _only_inspections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(hooks._HOOKS, "order.cancelled", [services.inspection_order_cancelled])


def place(shop: Any, seller: Any) -> tuple[Order, Inspection]:
    order = order_factories.place(
        shop, seller, order_type=Order.Type.INSPECTION, items=[order_factories.item(shop.service, "1")]
    )
    return order, Inspection.objects.get(order=order)


def schedule(inspection: Inspection, actor: Any, technician: Any) -> Inspection:
    return services.inspection_schedule(
        inspection=inspection, actor=actor, scheduled_date=TOMORROW, scheduled_time=time(11, 30), technician=technician
    )


def cancel(order: Order, user: Any) -> Order:
    return order_transition(order=order, user=user, to=Order.Status.CANCELLED, reason="العميل سافر")


def rows(order: Order) -> list[OrderEvent]:
    return list(OrderEvent.objects.filter(order=order, details__handoff="inspection_cancelled"))


def test_a_waiting_inspection_is_cancelled_with_the_reason(shop: Any, seller_a: Any, manager_a: Any) -> None:
    order, inspection = place(shop, seller_a)

    cancel(order, manager_a)

    inspection.refresh_from_db()
    assert (inspection.status, inspection.status_reason) == (S.CANCELLED, "العميل سافر")
    event = InspectionEvent.objects.filter(inspection=inspection).latest("id")
    assert (event.from_status, event.to_status, event.details) == (S.PENDING, S.CANCELLED, {"order_cancelled": True})
    [row] = rows(order)
    assert row.details["inspections"] == [inspection.number]
    assert not OutboxEvent.objects.filter(idempotency_key__startswith=f"notification:inspection:{inspection.pk}:can")


def test_a_scheduled_visit_is_cancelled_and_its_technician_told(
    shop: Any, seller_a: Any, manager_a: Any, insp_manager: Any, tech: Any
) -> None:
    order, inspection = place(shop, seller_a)
    schedule(inspection, insp_manager, tech)

    cancel(order, manager_a)

    assert Inspection.objects.get(pk=inspection.pk).status == S.CANCELLED
    notice = OutboxEvent.objects.get(idempotency_key__startswith=f"notification:inspection:{inspection.pk}:cancelled")
    assert notice.payload["user_ids"] == [tech.pk] and notice.payload["event"] == "inspection_cancelled"
    assert len(rows(order)) == 1


def test_a_postponed_visit_is_cancelled(shop: Any, seller_a: Any, manager_a: Any, insp_manager: Any, tech: Any) -> None:
    order, inspection = place(shop, seller_a)
    schedule(inspection, insp_manager, tech)
    services.inspection_postpone(inspection=inspection, actor=tech, reason="العميل مشغول")
    cancel(order, manager_a)
    assert Inspection.objects.get(pk=inspection.pk).status == S.CANCELLED


def test_a_visit_under_way_refuses_and_nothing_is_saved(
    shop: Any, seller_a: Any, manager_a: Any, insp_manager: Any, tech: Any
) -> None:
    order, inspection = place(shop, seller_a)
    schedule(inspection, insp_manager, tech)
    services.inspection_start(inspection=inspection, actor=tech)
    status = Order.objects.get(pk=order.pk).status

    with pytest.raises(ValidationError) as refused:
        cancel(order, manager_a)

    assert inspection.number in " ".join(refused.value.messages)
    assert Order.objects.get(pk=order.pk).status == status
    assert Inspection.objects.get(pk=inspection.pk).status == S.IN_PROGRESS
    assert rows(order) == []


def test_a_completed_inspection_stays_when_the_rejected_order_is_cancelled(
    shop: Any, seller_a: Any, manager_a: Any, insp_manager: Any, tech: Any
) -> None:
    order, inspection = place(shop, seller_a)
    schedule(inspection, insp_manager, tech)
    services.inspection_start(inspection=inspection, actor=tech)
    services.inspection_complete(
        inspection=inspection, actor=tech, result="failed", windows_count=2, payment_status="paid", reason="جدار مائل"
    )
    order.refresh_from_db()
    assert order.status == Order.Status.REJECTED

    cancel(order, manager_a)

    assert Inspection.objects.get(pk=inspection.pk).status == S.COMPLETED
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert rows(order) == []  # nothing of the inspection's was cancelled
