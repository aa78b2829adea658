"""Departments' moves of an order (order_advance), hand-off dispatch at placement, and the derived stage."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import CharField, IntegerField, QuerySet, Value

from erp.accounts.models import User
from erp.core import hooks
from erp.core.exceptions import InvalidTransition
from erp.orders import departments
from erp.orders.departments import Department, department_rows, derived_stage, register_department
from erp.orders.handoffs import order_advance
from erp.orders.models import Order, OrderEvent, OrderHandoff
from erp.orders.selectors import order_get_for_user
from erp.orders.tests import factories

pytestmark = pytest.mark.django_db
S = Order.Status
T = Order.Type


@pytest.fixture
def seller(make_user: Any, branch_a: Any) -> User:
    from erp.accounts.roles import RoleKey

    return make_user(RoleKey.BRANCH_MANAGER, branch=branch_a, username="seller")


def test_advance_jumps_forward_along_the_lifecycle_and_writes_one_timeline_row(shop: Any, seller: User) -> None:
    order = factories.place(shop, seller, order_type=T.TAILORING)
    assert order.status == S.PENDING_APPROVAL

    assert order_advance(order=order, to=S.IN_PROGRESS, actor=seller, source="manufacturing") is True

    order.refresh_from_db()
    assert order.status == S.IN_PROGRESS
    event = OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.STATUS).get()
    assert (event.from_status, event.to_status) == (S.PENDING_APPROVAL, S.IN_PROGRESS)
    assert event.details == {"source": "manufacturing", "via": [S.PENDING]}


def test_advance_is_idempotent(shop: Any, seller: User) -> None:
    order = factories.place(shop, seller, order_type=T.PRODUCTS)
    assert order_advance(order=order, to=S.COMPLETED, actor=seller, source="cutting") is True
    assert order_advance(order=order, to=S.COMPLETED, actor=seller, source="cutting") is False
    assert OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.STATUS).count() == 1


def test_advance_refuses_moves_the_lifecycle_does_not_have(shop: Any, seller: User) -> None:
    installation = factories.place(shop, seller, order_type=T.INSTALLATION)
    with pytest.raises(InvalidTransition):  # installation orders end when installed: never "delivered"
        order_advance(order=installation, to=S.DELIVERED, actor=seller, source="manufacturing")
    products = factories.place(shop, seller, order_type=T.PRODUCTS)
    order_advance(order=products, to=S.DELIVERED, actor=seller, source="cutting")
    with pytest.raises(InvalidTransition):  # a final status is final
        order_advance(order=products, to=S.COMPLETED, actor=seller, source="cutting")


def test_a_department_may_reject_an_open_order(shop: Any, seller: User) -> None:
    order = factories.place(shop, seller, order_type=T.INSPECTION, items=[factories.item(shop.service, "1")])
    order_advance(order=order, to=S.REJECTED, actor=seller, source="inspection", reason="failed")
    order.refresh_from_db()
    assert (order.status, order.status_reason) == (S.REJECTED, "failed")


@pytest.fixture
def fake_department() -> Iterator[list[dict[str, Any]]]:
    """A department and a hand-off receiver registered for the test only."""
    calls: list[dict[str, Any]] = []

    def receiver(**kw: Any) -> None:
        calls.append(kw)

    def annotate(qs: QuerySet[Order]) -> QuerySet[Order]:
        return qs.annotate(
            dept_fake_status=Value("scheduled", output_field=CharField()),
            dept_fake_id=Value(7, output_field=IntegerField()),
        )

    saved = list(departments.DEPARTMENTS)
    register_department(
        Department(
            key="fake",
            title="Fake",
            order_types=(T.PRODUCTS,),
            annotate=annotate,
            label=lambda v: v.upper(),
            url=lambda pk: f"/fake/{pk}/",
        )
    )
    hooks.register("handoff.cutting_needed", receiver)
    yield calls
    hooks._HOOKS["handoff.cutting_needed"].remove(receiver)
    departments.DEPARTMENTS[:] = saved


def test_placement_offers_each_hand_off_to_its_department_once(
    shop: Any, seller: User, fake_department: list[dict[str, Any]]
) -> None:
    order = factories.place(shop, seller, order_type=T.PRODUCTS)
    assert [c["order"].pk for c in fake_department] == [order.pk]
    handoff = OrderHandoff.objects.get(order=order, kind=OrderHandoff.Kind.CUTTING)
    assert handoff.status == OrderHandoff.Status.CONSUMED and handoff.consumed_at is not None


def test_a_hand_off_nobody_listens_to_stays_pending(shop: Any, seller: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(hooks._HOOKS, "handoff.cutting_needed", [])  # as if the cutting module were not installed
    order = factories.place(shop, seller, order_type=T.PRODUCTS)
    assert OrderHandoff.objects.get(order=order, kind=OrderHandoff.Kind.CUTTING).status == OrderHandoff.Status.PENDING


def test_the_order_shows_the_departments_status_from_one_query(
    shop: Any, seller: User, fake_department: list[dict[str, Any]], django_assert_num_queries: Any
) -> None:
    placed = factories.place(shop, seller, order_type=T.PRODUCTS)
    order = order_get_for_user(actor=seller, pk=placed.pk)
    with django_assert_num_queries(0):
        rows = department_rows(order)
        stage = derived_stage(order)
    fake = next(r for r in rows if r["key"] == "fake")
    assert (fake["status"], fake["label"], fake["url"]) == ("scheduled", "SCHEDULED", "/fake/7/")
    assert stage["status"] == S.PENDING  # products orders show cutting; the fake department is not cutting
