"""B §5.13's recipients, end to end: the real business services emit, the outbox delivers after commit, and each
notification reaches exactly the people its rules name (the unit table is in test_notifications.py)."""

from collections.abc import Callable
from datetime import time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from erp.accounts.models import Branch, User
from erp.customers import services as customer_services
from erp.customers.tests import factories as customer_factories
from erp.inspections import services as inspections
from erp.inspections.models import Inspection
from erp.installations.tests import factories as installation_factories
from erp.inventory import services as stock
from erp.inventory.tests import factories as inventory_factories
from erp.notifications.models import Kind, Notification, NotificationRecipient
from erp.notifications.tests.test_notifications import EXPECTED, ORDER_TYPES
from erp.orders.models import Order
from erp.orders.tests import factories as order_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(branch_a: Branch) -> order_factories.Shop:
    return order_factories.shop(branch=branch_a, fabrics=2)


def _received(staff: dict[str, User], event: str) -> set[str]:
    """Who got the (one) notification of `event`, by the staff fixture's names."""
    note = Notification.objects.get(event=event)
    by_id = {u.pk: name for name, u in staff.items()}
    ids = NotificationRecipient.objects.filter(notification=note).values_list("user_id", flat=True)
    return {by_id.get(i, f"user {i}") for i in ids}


ITEMS: dict[str, Callable[[order_factories.Shop], list[Any] | None]] = {
    "products": lambda s: None,
    "tailoring": lambda s: None,
    "installation": lambda s: None,
    "accessory": lambda s: [order_factories.item(s.accessory, "2", warehouse=s.warehouse)],
    "inspection": lambda s: [order_factories.item(s.service, "1")],
}


@pytest.mark.parametrize("order_type", list(ORDER_TYPES))
def test_a_placed_order_reaches_its_branch_and_the_departments_of_its_type(
    order_type: str, staff: dict[str, User], shop: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order_factories.place(shop, staff["seller_a"], order_type=order_type, items=ITEMS[order_type](shop))
    assert _received(staff, "order_placed") == EXPECTED[Kind.ORDER] | ORDER_TYPES[order_type] | {"seller_a"}


def test_a_new_customer_reaches_the_branch_and_its_salespeople(
    staff: dict[str, User], branch_a: Branch, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        customer_services.customer_create(
            actor=staff["manager_a"],
            branch=branch_a,
            name="هالة",
            customer_type=customer_factories.customer_type(),
            phone="01012345678",
        )
    assert _received(staff, "customer_created") == EXPECTED[Kind.CUSTOMER]


def test_inspection_events_reach_the_inspector_the_creator_and_the_salesperson(
    staff: dict[str, User], shop: Any, django_capture_on_commit_callbacks: Any
) -> None:
    shop.salesperson.user = staff["seller_a2"]
    shop.salesperson.save(update_fields=["user"])
    order = order_factories.place(
        shop, staff["seller_a"], order_type=Order.Type.INSPECTION, items=[order_factories.item(shop.service, "1")]
    )
    inspection = Inspection.objects.get(order=order)
    people = {"technician", "seller_a", "seller_a2"}  # inspector, creator, the order's salesperson
    with django_capture_on_commit_callbacks(execute=True):
        inspections.inspection_schedule(
            inspection=inspection,
            actor=staff["inspections"],
            scheduled_date=timezone.localdate() + timedelta(days=1),
            scheduled_time=time(10, 0),
            technician=staff["technician"],
        )
    assert _received(staff, "inspection_scheduled") == EXPECTED[Kind.INSPECTION] | people
    inspections.inspection_start(inspection=inspection, actor=staff["technician"])
    with django_capture_on_commit_callbacks(execute=True):
        inspections.inspection_complete(
            inspection=inspection, actor=staff["technician"], result="passed", windows_count=2, payment_status="paid"
        )
    assert _received(staff, "inspection_completed") == EXPECTED[Kind.INSPECTION] | people


def test_installation_events_reach_installations_the_factory_and_the_branch(
    staff: dict[str, User], shop: Any, branch_a: Branch, django_capture_on_commit_callbacks: Any
) -> None:
    installer = User.objects.get(pk=staff["installations"].pk)
    installer.branch = branch_a  # an installation manager who sees branch A's orders
    installer.save(update_fields=["branch"])
    with django_capture_on_commit_callbacks(execute=True):
        installation_factories.installation(shop, installer, status="completed")
    assert _received(staff, "installation_scheduled") == EXPECTED[Kind.INSTALLATION]
    assert _received(staff, "installation_completed") == EXPECTED[Kind.INSTALLATION]


def test_a_stock_alert_reaches_the_factory_and_the_branchs_warehouse_staff_only(
    staff: dict[str, User], branch_a: Branch, django_capture_on_commit_callbacks: Any
) -> None:
    product = inventory_factories.product(minimum_stock=Decimal(5))
    variant = product.variants.get()
    warehouse = inventory_factories.warehouse(branch=branch_a)
    stock.stock_receive(variant=variant, warehouse=warehouse, quantity=Decimal(6), reason="purchase", key="in")
    with django_capture_on_commit_callbacks(execute=True):
        stock.stock_issue(variant=variant, warehouse=warehouse, quantity=Decimal(2), reason="sale", key="out")
    assert _received(staff, "stock_low") == EXPECTED[Kind.STOCK]
