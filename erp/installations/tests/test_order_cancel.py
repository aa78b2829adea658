"""The order cancelled (``order.cancelled``): an installation not started (needs scheduling, scheduled) is cancelled
with its vehicle missions, its timeline, the installation managers told and the order timeline once; one under way
or done refuses the cancellation with its reason, and nothing is saved."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core import hooks
from erp.installations import services
from erp.installations.models import Installation, InstallationEvent, VehicleMission
from erp.installations.tests import factories
from erp.orders.models import Order, OrderEvent
from erp.orders.tests import factories as order_factories
from erp.orders.transitions import order_transition
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db
S = Installation.Status


@pytest.fixture(autouse=True)
def _only_installations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(hooks._HOOKS, "order.cancelled", [services.on_order_cancelled])


@pytest.fixture
def shop(branch_a: Branch) -> order_factories.Shop:
    return order_factories.shop(branch=branch_a, fabrics=2)


@pytest.fixture
def installer(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.INSTALLATION_MANAGER, branch=branch_a, username="installer")


def rows(order: Order) -> list[OrderEvent]:
    return list(OrderEvent.objects.filter(order_id=order.pk, details__handoff="installation_cancelled"))


@pytest.mark.parametrize("status", [S.NEEDS_SCHEDULING, S.SCHEDULED])
def test_an_installation_not_started_is_cancelled_with_the_order(
    shop: order_factories.Shop, installer: User, manager_a: User, status: str
) -> None:
    inst = factories.installation(shop, installer, status=status)
    order = Order.objects.get(pk=inst.order_id)

    order_transition(order=order, user=manager_a, to=Order.Status.CANCELLED, reason="العميل ألغى")

    inst.refresh_from_db()
    assert (inst.status, inst.status_reason) == (S.CANCELLED, "العميل ألغى")
    event = InstallationEvent.objects.filter(installation=inst).latest("id")
    assert (event.from_status, event.to_status, event.details) == (status, S.CANCELLED, {"order_cancelled": True})
    assert not VehicleMission.objects.filter(
        installation=inst, status__in=(VehicleMission.Status.PENDING, VehicleMission.Status.ACTIVE)
    ).exists()
    [row] = rows(order)
    assert row.details["installations"] == [inst.number]
    notice = OutboxEvent.objects.get(idempotency_key=f"notification:installation:{inst.pk}:cancelled")
    assert notice.payload["event"] == "installation_cancelled"


@pytest.mark.parametrize("status", [S.IN_INSTALLATION, S.COMPLETED, S.MODIFICATION_REQUIRED])
def test_an_installation_under_way_or_done_refuses_and_nothing_is_saved(
    shop: order_factories.Shop, installer: User, manager_a: User, status: str
) -> None:
    inst = factories.installation(shop, installer, status=status)
    # The order's own rules would allow the cancellation (ready for installation).
    Order.objects.filter(pk=inst.order_id).update(status=Order.Status.READY_INSTALL)
    order = Order.objects.get(pk=inst.order_id)

    with pytest.raises(ValidationError) as refused:
        order_transition(order=order, user=manager_a, to=Order.Status.CANCELLED, reason="العميل ألغى")

    assert inst.number in " ".join(refused.value.messages)
    assert Order.objects.get(pk=order.pk).status == Order.Status.READY_INSTALL
    assert Installation.objects.get(pk=inst.pk).status == status
    assert rows(order) == []


def test_an_already_cancelled_installation_is_left_alone(
    shop: order_factories.Shop, installer: User, manager_a: User
) -> None:
    inst = factories.installation(shop, installer, status=S.CANCELLED)
    order = Order.objects.get(pk=inst.order_id)
    events = InstallationEvent.objects.filter(installation=inst).count()
    order_transition(order=order, user=manager_a, to=Order.Status.CANCELLED, reason="x")
    assert InstallationEvent.objects.filter(installation=inst).count() == events
    assert rows(order) == []
