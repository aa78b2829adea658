"""The inspection lifecycle: creation from an order's placement, every move (allowed and refused, by role), the
order's hand-offs (passed → completed, failed → rejected, cancelled → recorded only), repeat visits, notifications."""

from datetime import time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from erp.core.exceptions import InvalidTransition, PermissionDeniedError
from erp.inspections import services
from erp.inspections.models import Inspection, InspectionEvent
from erp.inspections.tests import factories
from erp.orders.models import Order, OrderEvent, OrderHandoff
from erp.orders.tests import factories as order_factories
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db
S = Inspection.Status
TOMORROW = timezone.localdate() + timedelta(days=1)


def place_inspection_order(shop: Any, seller: Any) -> Order:
    return order_factories.place(
        shop, seller, order_type=Order.Type.INSPECTION, items=[order_factories.item(shop.service, "1")]
    )


def schedule(inspection: Inspection, actor: Any, technician: Any, day: Any = None) -> Inspection:
    return services.inspection_schedule(
        inspection=inspection,
        actor=actor,
        scheduled_date=day or TOMORROW,
        scheduled_time=time(11, 30),
        technician=technician,
    )


def test_placing_an_inspection_order_creates_its_waiting_inspection(
    shop: Any, seller_a: Any, django_assert_max_num_queries: Any
) -> None:
    order = place_inspection_order(shop, seller_a)
    inspection = Inspection.objects.get(order=order)
    assert inspection.number == f"{order.number}-I"
    assert (inspection.status, inspection.scheduled_date, inspection.technician_id) == (S.PENDING, None, None)
    assert (inspection.customer_id, inspection.branch_id, inspection.created_by_id) == (
        order.customer_id,
        order.branch_id,
        seller_a.pk,
    )
    assert inspection.payment_status == Inspection.Payment.PAID  # the order was paid in full
    assert OrderHandoff.objects.get(order=order).status == OrderHandoff.Status.CONSUMED
    assert list(inspection.events.values_list("to_status", flat=True)) == [S.PENDING]


def test_the_receiver_costs_two_inserts(shop: Any, seller_a: Any, django_assert_num_queries: Any) -> None:
    order = place_inspection_order(shop, seller_a)
    Inspection.objects.filter(order=order).delete()
    order = Order.objects.select_related("customer").get(pk=order.pk)
    with django_assert_num_queries(4):  # the inspection, its first timeline row, and the savepoint around them
        services.inspection_create_for_order(order=order, actor=seller_a)


def test_products_orders_create_no_inspection(shop: Any, seller_a: Any) -> None:
    order_factories.place(shop, seller_a, order_type=Order.Type.PRODUCTS)
    assert not Inspection.objects.exists()


def test_full_life_passed_completes_the_order(shop: Any, seller_a: Any, insp_manager: Any, tech: Any) -> None:
    order = place_inspection_order(shop, seller_a)
    inspection = Inspection.objects.get(order=order)

    schedule(inspection, insp_manager, tech)
    services.inspection_start(inspection=inspection, actor=tech)
    done = services.inspection_complete(
        inspection=inspection,
        actor=tech,
        result="passed",
        windows_count=6,
        payment_status="paid",
        files=[factories.upload("pdf")],
    )

    assert (done.status, done.result, done.windows_count) == (S.COMPLETED, "passed", 6)
    assert done.completed_at is not None and done.files.count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    advance = OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.STATUS).get()
    assert advance.details["source"] == "inspection" and advance.details["inspection"] == inspection.number
    assert list(InspectionEvent.objects.filter(inspection=inspection).values_list("from_status", "to_status")) == [
        ("", S.PENDING),
        (S.PENDING, S.SCHEDULED),
        (S.SCHEDULED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.COMPLETED),
    ]


def test_failed_rejects_the_order_with_the_reason(shop: Any, seller_a: Any, insp_manager: Any, tech: Any) -> None:
    order = place_inspection_order(shop, seller_a)
    inspection = Inspection.objects.get(order=order)
    schedule(inspection, insp_manager, tech)
    services.inspection_start(inspection=inspection, actor=tech)
    with pytest.raises(ValidationError) as err:
        services.inspection_complete(
            inspection=inspection, actor=tech, result="failed", windows_count=2, payment_status="paid"
        )
    assert "reason" in err.value.message_dict
    services.inspection_complete(
        inspection=inspection, actor=tech, result="failed", windows_count=2, payment_status="paid", reason="جدار مائل"
    )
    order.refresh_from_db()
    assert (order.status, order.status_reason) == (Order.Status.REJECTED, "جدار مائل")


def test_cancelling_leaves_the_order_alone_and_records_it(shop: Any, seller_a: Any, insp_manager: Any) -> None:
    order = place_inspection_order(shop, seller_a)
    inspection = Inspection.objects.get(order=order)
    with pytest.raises(ValidationError):
        services.inspection_cancel(inspection=inspection, actor=insp_manager, reason=" ")
    services.inspection_cancel(inspection=inspection, actor=insp_manager, reason="العميل ألغى")
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    handoff = OrderEvent.objects.get(order=order, kind=OrderEvent.Kind.HANDOFF, details__handoff="inspection_cancelled")
    assert handoff.details == {
        "handoff": "inspection_cancelled",
        "inspection": inspection.number,
        "reason": "العميل ألغى",
    }


def test_a_result_the_order_can_no_longer_take_is_recorded_not_applied(
    shop: Any, seller_a: Any, insp_manager: Any, tech: Any
) -> None:
    order = place_inspection_order(shop, seller_a)
    inspection = Inspection.objects.get(order=order)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    schedule(inspection, insp_manager, tech)
    services.inspection_start(inspection=inspection, actor=tech)
    services.inspection_complete(
        inspection=inspection, actor=tech, result="passed", windows_count=1, payment_status="paid"
    )
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    event = OrderEvent.objects.get(order=order, kind=OrderEvent.Kind.HANDOFF, details__handoff="inspection_completed")
    assert event.details["handoff"] == "inspection_completed" and "not_applied" in event.details


def test_postpone_then_reschedule(shop: Any, insp_manager: Any, tech: Any) -> None:
    inspection = factories.inspection(customer=shop.customer, creator=insp_manager, status=S.SCHEDULED, technician=tech)
    with pytest.raises(ValidationError):
        services.inspection_postpone(inspection=inspection, actor=tech, reason="")
    services.inspection_postpone(inspection=inspection, actor=tech, reason="العميل مسافر")
    inspection.refresh_from_db()
    assert (inspection.status, inspection.status_reason) == (S.POSTPONED, "العميل مسافر")
    schedule(inspection, insp_manager, tech, day=TOMORROW + timedelta(days=3))
    inspection.refresh_from_db()
    assert (inspection.status, inspection.scheduled_date) == (S.SCHEDULED, TOMORROW + timedelta(days=3))


def test_reschedule_keeps_it_scheduled_and_notifies_again(shop: Any, insp_manager: Any, tech: Any, tech2: Any) -> None:
    inspection = factories.inspection(customer=shop.customer, creator=insp_manager)
    schedule(inspection, insp_manager, tech)
    schedule(inspection, insp_manager, tech2)
    inspection.refresh_from_db()
    assert (inspection.status, inspection.technician_id) == (S.SCHEDULED, tech2.pk)
    events = OutboxEvent.objects.filter(
        idempotency_key__startswith=f"notification:inspection:{inspection.pk}:scheduled"
    )
    # Each scheduling tells its inspector (and the creator, B §5.13).
    expected = [sorted([insp_manager.pk, tech.pk]), sorted([insp_manager.pk, tech2.pk])]
    assert sorted(e.payload["user_ids"] for e in events) == sorted(expected)
    assert {e.payload["event"] for e in events} == {"inspection_scheduled"}
    last = InspectionEvent.objects.filter(inspection=inspection).last()
    assert last is not None and last.details["rescheduled"] is True


def test_schedule_validates_date_time_and_technician(shop: Any, insp_manager: Any, seller_a: Any, tech: Any) -> None:
    inspection = factories.inspection(customer=shop.customer, creator=insp_manager)
    with pytest.raises(ValidationError) as err:
        services.inspection_schedule(
            inspection=inspection,
            actor=insp_manager,
            scheduled_date=timezone.localdate() - timedelta(days=1),
            scheduled_time=None,
            technician=seller_a,  # not an inspection technician
        )
    assert set(err.value.message_dict) == {"scheduled_date", "scheduled_time", "technician"}
    inspection.refresh_from_db()
    assert inspection.status == S.NOT_SCHEDULED and not inspection.events.exists()  # nothing half-saved


def test_completion_notifies_the_branch_once(shop: Any, insp_manager: Any, tech: Any) -> None:
    inspection = factories.inspection(
        customer=shop.customer, creator=insp_manager, status=S.IN_PROGRESS, technician=tech
    )
    services.inspection_complete(
        inspection=inspection, actor=tech, result="passed", windows_count=3, payment_status="paid"
    )
    event = OutboxEvent.objects.get(idempotency_key=f"notification:inspection:{inspection.pk}:completed")
    assert event.payload["branch_id"] == inspection.branch_id and event.payload["event"] == "inspection_completed"


# ---------------------------------------------------------------------------------------------------------------
# The transitions table, by role


def _at(status: str, shop: Any, creator: Any, tech: Any) -> Inspection:
    return factories.inspection(customer=shop.customer, creator=creator, status=status, technician=tech)


MOVES = [
    # (from, to, extra fields)
    (S.NOT_SCHEDULED, S.SCHEDULED, {}),
    (S.PENDING, S.SCHEDULED, {}),
    (S.POSTPONED, S.SCHEDULED, {}),
    (S.SCHEDULED, S.SCHEDULED, {}),
    (S.NOT_SCHEDULED, S.CANCELLED, {"reason": "x"}),
    (S.PENDING, S.CANCELLED, {"reason": "x"}),
    (S.SCHEDULED, S.CANCELLED, {"reason": "x"}),
    (S.POSTPONED, S.CANCELLED, {"reason": "x"}),
    (S.SCHEDULED, S.IN_PROGRESS, {}),
    (S.SCHEDULED, S.POSTPONED, {"reason": "x"}),
    (S.IN_PROGRESS, S.POSTPONED, {"reason": "x"}),
    (S.IN_PROGRESS, S.COMPLETED, {"result": "passed", "windows_count": 1, "payment_status": "paid"}),
]
WORK_MOVES = {S.IN_PROGRESS, S.POSTPONED, S.COMPLETED}


def _fields(to: str, extra: dict[str, Any], tech: Any) -> dict[str, Any]:
    if to == S.SCHEDULED:
        return {"scheduled_date": TOMORROW, "scheduled_time": time(9, 0), "technician": tech}
    return {k: v for k, v in extra.items() if k != "reason"}


@pytest.mark.parametrize(("start", "to", "extra"), MOVES, ids=[f"{a}->{b}" for a, b, _ in MOVES])
def test_each_move_is_allowed_to_the_right_roles_only(
    start: str,
    to: str,
    extra: dict[str, Any],
    shop: Any,
    insp_manager: Any,
    tech: Any,
    tech2: Any,
    seller_a: Any,
    admin_user: Any,
) -> None:
    allowed = [insp_manager, admin_user] + ([tech] if to in WORK_MOVES else [])
    denied = [seller_a, tech2] + ([] if to in WORK_MOVES else [tech])
    for user in denied:
        inspection = _at(start, shop, insp_manager, tech)
        assert to not in services.inspection_allowed_targets(inspection=inspection, user=user)
        with pytest.raises(PermissionDeniedError):
            services.inspection_transition(
                inspection=inspection, actor=user, to=to, reason=extra.get("reason", ""), **_fields(to, extra, tech)
            )
        inspection.refresh_from_db()
        assert inspection.status == start
    for user in allowed:
        inspection = _at(start, shop, insp_manager, tech)
        assert to in services.inspection_allowed_targets(inspection=inspection, user=user)
        services.inspection_transition(
            inspection=inspection, actor=user, to=to, reason=extra.get("reason", ""), **_fields(to, extra, tech)
        )
        inspection.refresh_from_db()
        assert inspection.status == to


REFUSED = [
    (S.NOT_SCHEDULED, S.IN_PROGRESS),
    (S.PENDING, S.COMPLETED),
    (S.SCHEDULED, S.COMPLETED),
    (S.IN_PROGRESS, S.CANCELLED),
    (S.IN_PROGRESS, S.SCHEDULED),
    (S.COMPLETED, S.SCHEDULED),
    (S.COMPLETED, S.CANCELLED),
    (S.CANCELLED, S.SCHEDULED),
    (S.POSTPONED, S.IN_PROGRESS),
]


@pytest.mark.parametrize(("start", "to"), REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_moves_outside_the_table_are_refused_with_the_allowed_targets(
    start: str, to: str, shop: Any, admin_user: Any, tech: Any
) -> None:
    inspection = _at(start, shop, admin_user, tech)
    with pytest.raises(InvalidTransition) as err:
        services.inspection_transition(
            inspection=inspection,
            actor=admin_user,
            to=to,
            reason="x",
            result="passed",
            windows_count=1,
            payment_status="paid",
            **(
                {"scheduled_date": TOMORROW, "scheduled_time": time(9, 0), "technician": tech}
                if to == S.SCHEDULED
                else {}
            ),
        )
    assert err.value.extra["to"] == sorted(services.TRANSITIONS[start])
    inspection.refresh_from_db()
    assert inspection.status == start


# ---------------------------------------------------------------------------------------------------------------
# Standalone and repeat visits


def test_standalone_numbering_per_customer(shop: Any, seller_a: Any, insp_manager: Any) -> None:
    first = services.inspection_request(actor=seller_a, customer=shop.customer, address="المعادي")
    second = services.inspection_request(actor=insp_manager, customer=shop.customer)
    assert (first.number, second.number) == (f"{shop.customer.code}-I01", f"{shop.customer.code}-I02")
    assert first.order_id is None and first.status == S.NOT_SCHEDULED and first.branch_id == shop.customer.branch_id


def test_standalone_needs_the_request_permission(shop: Any, tech: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.inspection_request(actor=tech, customer=shop.customer)
    assert not Inspection.objects.exists()


def test_repeat_visit_links_to_its_parent(shop: Any, seller_a: Any, insp_manager: Any, tech: Any) -> None:
    order = place_inspection_order(shop, seller_a)
    parent = Inspection.objects.get(order=order)
    with pytest.raises(InvalidTransition):
        services.inspection_iterate(inspection=parent, actor=insp_manager)
    schedule(parent, insp_manager, tech)
    services.inspection_start(inspection=parent, actor=tech)
    services.inspection_complete(
        inspection=parent, actor=tech, result="failed", windows_count=0, payment_status="paid", reason="مقاسات ناقصة"
    )
    child = services.inspection_iterate(inspection=parent, actor=insp_manager)
    again = services.inspection_iterate(inspection=parent, actor=insp_manager)
    assert (child.parent_id, child.order_id, child.status) == (parent.pk, order.pk, S.NOT_SCHEDULED)
    assert (child.number, again.number) == (f"{parent.number}-R1", f"{parent.number}-R2")
    # The repeat visit passes: the rejected order completes.
    schedule(child, insp_manager, tech)
    services.inspection_start(inspection=child, actor=tech)
    services.inspection_complete(inspection=child, actor=tech, result="passed", windows_count=4, payment_status="paid")
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED


def test_repeat_visit_needs_manage(shop: Any, insp_manager: Any, tech: Any) -> None:
    from django.core.exceptions import PermissionDenied

    done = _at(S.COMPLETED, shop, insp_manager, tech)
    with pytest.raises(PermissionDenied):
        services.inspection_iterate(inspection=done, actor=tech)
