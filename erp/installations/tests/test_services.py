"""Installation services: scheduling with the debt check, the lifecycle by role, payments at the door, the order's
completion, re-work through the factory hooks, delay candidates and the order's department status."""

from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core import hooks
from erp.core.exceptions import InvalidTransition
from erp.installations import selectors, services
from erp.installations.models import (
    Installation,
    InstallationEvent,
    ModificationRequest,
    VehicleMission,
)
from erp.installations.tests import factories
from erp.orders.models import Order, OrderEvent, Payment
from erp.orders.selectors import order_get_for_user
from erp.orders.tests import factories as order_factories

pytestmark = pytest.mark.django_db
S = Installation.Status
M = ModificationRequest.Status


@pytest.fixture
def shop(branch_a: Branch) -> order_factories.Shop:
    return order_factories.shop(branch=branch_a, fabrics=2)


@pytest.fixture
def installer(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.INSTALLATION_MANAGER, branch=branch_a, username="installer")


@pytest.fixture
def order(shop: order_factories.Shop, seller_a: User) -> Order:
    return factories.ready_orders(shop, seller_a, 1)[0]


@pytest.fixture
def fake_factory() -> Iterator[list[dict[str, Any]]]:
    """A stand-in for the manufacturing module: records the hand-off and returns a factory order."""
    calls: list[dict[str, Any]] = []

    class FactoryOrder:
        def __init__(self, pk: int, number: str) -> None:
            self.pk, self.number = pk, number

    def receiver(**kwargs: Any) -> FactoryOrder:
        calls.append(kwargs)
        return FactoryOrder(9000 + len(calls), f"{kwargs['order'].number}-M{len(calls)}")

    saved = hooks._HOOKS.get("manufacturing.modification_requested", [])
    hooks._HOOKS["manufacturing.modification_requested"] = [receiver]  # in place of the real factory
    yield calls
    hooks._HOOKS["manufacturing.modification_requested"] = saved


def _crew(branch: Branch) -> services.Crew:
    return factories.crew(branch=branch)


# ---------------------------------------------------------------------------------------------------------------
# Scheduling and the debt check


def test_scheduling_with_a_balance_due_needs_confirmation(order: Order, installer: User, branch_a: Branch) -> None:
    assert order.balance == Decimal("150.00")
    with pytest.raises(ValidationError) as refused:
        services.installation_schedule(actor=installer, order=order, crew=_crew(branch_a))
    assert "debt_confirmed" in refused.value.message_dict
    assert "150.00" in refused.value.message_dict["debt_confirmed"][0]
    assert not Installation.objects.exists()

    inst = services.installation_schedule(actor=installer, order=order, crew=_crew(branch_a), debt_confirmed=True)
    assert inst.status == S.SCHEDULED
    assert inst.number == f"{order.number}-T"
    assert inst.debt_confirmed is True
    assert inst.technicians.count() == 1
    assert InstallationEvent.objects.filter(installation=inst, kind="created", to_status=S.SCHEDULED).exists()
    mission = VehicleMission.objects.get(installation=inst)
    assert (mission.kind, mission.status, mission.mission_date) == ("installation", "pending", inst.scheduled_date)
    assert OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.HANDOFF).exists()


def test_a_paid_order_is_scheduled_without_confirmation(order: Order, installer: User, branch_a: Branch) -> None:
    from erp.orders.services import payment_record

    payment_record(actor=installer, customer=order.customer, order=order, amount=Decimal("150.00"))
    order.refresh_from_db()
    assert services.debt_warning(order) == ""
    inst = services.installation_schedule(actor=installer, order=order, crew=_crew(branch_a))
    assert inst.debt_confirmed is False


def test_scheduling_notifies_the_installation_department(order: Order, installer: User, branch_a: Branch) -> None:
    from erp.outbox.models import OutboxEvent

    inst = services.installation_schedule(actor=installer, order=order, crew=_crew(branch_a), debt_confirmed=True)
    event = OutboxEvent.objects.get(idempotency_key__startswith=f"notification:installation:{inst.pk}:scheduled")
    assert event.payload["kind"] == "installation"


def test_needs_scheduling_lists_ready_orders_without_an_open_installation(
    shop: order_factories.Shop, seller_a: User, installer: User, branch_a: Branch
) -> None:
    ready, other = factories.ready_orders(shop, seller_a, 2)
    not_ready = order_factories.bulk_orders(shop, seller_a, 1, order_type=Order.Type.INSTALLATION)[0]
    listed = set(selectors.needs_scheduling(actor=installer).values_list("pk", flat=True))
    assert listed == {ready.pk, other.pk}
    assert not_ready.pk not in listed

    inst = services.installation_schedule(
        actor=installer, order=ready, crew=services.Crew(scheduled_date=None), debt_confirmed=True
    )
    assert inst.status == S.NEEDS_SCHEDULING
    assert ready.pk not in set(selectors.needs_scheduling(actor=installer).values_list("pk", flat=True))
    with pytest.raises(InvalidTransition):  # one open installation per order
        services.installation_schedule(actor=installer, order=ready, crew=_crew(branch_a), debt_confirmed=True)

    services.installation_cancel(actor=installer, installation=inst, reason="العميل مسافر")
    assert ready.pk in set(selectors.needs_scheduling(actor=installer).values_list("pk", flat=True))
    again = services.installation_schedule(actor=installer, order=ready, crew=_crew(branch_a), debt_confirmed=True)
    assert again.number == f"{ready.number}-T2"


def test_an_order_that_is_not_ready_is_not_scheduled(
    shop: order_factories.Shop, seller_a: User, installer: User, branch_a: Branch
) -> None:
    pending = order_factories.bulk_orders(shop, seller_a, 1, order_type=Order.Type.INSTALLATION)[0]
    with pytest.raises(InvalidTransition):
        services.installation_schedule(actor=installer, order=pending, crew=_crew(branch_a), debt_confirmed=True)
    tailoring = order_factories.bulk_orders(shop, installer, 1, order_type=Order.Type.TAILORING)[0]
    Order.objects.filter(pk=tailoring.pk).update(status=Order.Status.READY_INSTALL)
    with pytest.raises(ValidationError) as refused:
        services.installation_schedule(actor=installer, order=tailoring, crew=_crew(branch_a), debt_confirmed=True)
    assert "order" in refused.value.message_dict


def test_a_vehicle_in_maintenance_or_an_inactive_team_is_refused(
    order: Order, installer: User, branch_a: Branch
) -> None:
    crew = _crew(branch_a)
    assert crew.vehicle is not None and crew.team is not None
    crew.vehicle.status = "maintenance"
    crew.vehicle.save()
    crew.team.is_active = False
    crew.team.save()
    with pytest.raises(ValidationError) as refused:
        services.installation_schedule(actor=installer, order=order, crew=crew, debt_confirmed=True)
    assert set(refused.value.message_dict) == {"vehicle", "team"}


def test_needs_scheduling_then_scheduled_then_rescheduled(order: Order, installer: User, branch_a: Branch) -> None:
    inst = services.installation_schedule(
        actor=installer, order=order, crew=services.Crew(scheduled_date=None), debt_confirmed=True
    )
    with pytest.raises(ValidationError) as refused:
        services.installation_reschedule(actor=installer, installation=inst, crew=services.Crew(scheduled_date=None))
    assert "scheduled_date" in refused.value.message_dict
    crew = _crew(branch_a)
    inst = services.installation_reschedule(actor=installer, installation=inst, crew=crew)
    assert inst.status == S.SCHEDULED
    later = services.Crew(scheduled_date=timezone.localdate() + timedelta(days=5), team=crew.team, vehicle=crew.vehicle)
    inst = services.installation_reschedule(actor=installer, installation=inst, crew=later, reason="طلب العميل")
    assert inst.status == S.SCHEDULED
    assert inst.scheduled_date == later.scheduled_date
    assert InstallationEvent.objects.filter(installation=inst, kind="schedule", reason="طلب العميل").exists()
    assert VehicleMission.objects.get(installation=inst).mission_date == later.scheduled_date


# ---------------------------------------------------------------------------------------------------------------
# Start, complete with payments at the door, cancel


def test_complete_records_payments_at_the_door_and_completes_the_order(
    order: Order, installer: User, branch_a: Branch
) -> None:
    inst = services.installation_schedule(actor=installer, order=order, crew=_crew(branch_a), debt_confirmed=True)
    inst = services.installation_start(actor=installer, installation=inst)
    assert inst.status == S.IN_INSTALLATION
    assert VehicleMission.objects.get(installation=inst).status == "active"

    inst = services.installation_complete(
        actor=installer,
        installation=inst,
        payments=[services.DoorPayment(amount=Decimal("100.00")), services.DoorPayment(amount=Decimal("50.00"))],
        receipt_number="R-77",
    )
    assert inst.status == S.COMPLETED
    assert inst.receipt_number == "R-77"
    order.refresh_from_db()
    assert (order.paid, order.balance, order.status) == (Decimal("300.00"), Decimal("0.00"), Order.Status.COMPLETED)
    assert Payment.objects.filter(order=order, note__contains=inst.number).count() == 2
    move = OrderEvent.objects.get(order=order, kind=OrderEvent.Kind.STATUS, to_status=Order.Status.COMPLETED)
    assert move.details["source"] == "installation"
    assert InstallationEvent.objects.filter(installation=inst, kind="payment").count() == 2
    assert VehicleMission.objects.get(installation=inst).status == "completed"


def test_a_refused_door_payment_leaves_nothing_half_saved(order: Order, installer: User, branch_a: Branch) -> None:
    inst = services.installation_schedule(actor=installer, order=order, crew=_crew(branch_a), debt_confirmed=True)
    inst = services.installation_start(actor=installer, installation=inst)
    with pytest.raises(ValidationError) as refused:
        services.installation_complete(
            actor=installer, installation=inst, payments=[services.DoorPayment(amount=Decimal("999.00"))]
        )
    assert "amount" in refused.value.message_dict
    inst.refresh_from_db()
    order.refresh_from_db()
    assert inst.status == S.IN_INSTALLATION
    assert (order.balance, order.status) == (Decimal("150.00"), Order.Status.READY_INSTALL)
    assert not Payment.objects.filter(order=order, note__contains=inst.number).exists()


def test_completion_is_refused_when_the_order_was_cancelled(order: Order, installer: User, branch_a: Branch) -> None:
    inst = services.installation_schedule(actor=installer, order=order, crew=_crew(branch_a), debt_confirmed=True)
    inst = services.installation_start(actor=installer, installation=inst)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    with pytest.raises(InvalidTransition):
        services.installation_complete(actor=installer, installation=inst)
    inst.refresh_from_db()
    assert inst.status == S.IN_INSTALLATION


@pytest.mark.parametrize(
    ("start", "move"),
    [
        (S.NEEDS_SCHEDULING, "start"),
        (S.SCHEDULED, "complete"),
        (S.COMPLETED, "start"),
        (S.COMPLETED, "cancel"),
        (S.CANCELLED, "start"),
        (S.IN_INSTALLATION, "reschedule"),
    ],
)
def test_moves_the_lifecycle_does_not_have_are_refused(
    shop: order_factories.Shop, installer: User, branch_a: Branch, start: str, move: str
) -> None:
    inst = factories.installation(shop, installer, status=start)
    calls: dict[str, Callable[[], Any]] = {
        "start": lambda: services.installation_start(actor=installer, installation=inst),
        "complete": lambda: services.installation_complete(actor=installer, installation=inst),
        "cancel": lambda: services.installation_cancel(actor=installer, installation=inst, reason="x"),
        "reschedule": lambda: services.installation_reschedule(
            actor=installer, installation=inst, crew=_crew(branch_a)
        ),
    }
    with pytest.raises(InvalidTransition):
        calls[move]()
    inst.refresh_from_db()
    assert inst.status == start


def test_cancelling_needs_a_reason_and_cancels_the_mission(shop: order_factories.Shop, installer: User) -> None:
    inst = factories.installation(shop, installer, status=S.SCHEDULED)
    with pytest.raises(ValidationError):
        services.installation_cancel(actor=installer, installation=inst, reason="  ")
    inst = services.installation_cancel(actor=installer, installation=inst, reason="العميل ألغى")
    assert (inst.status, inst.status_reason) == (S.CANCELLED, "العميل ألغى")
    assert VehicleMission.objects.get(installation=inst).status == "cancelled"


@pytest.mark.parametrize(
    "role", [RoleKey.SALESPERSON, RoleKey.BRANCH_MANAGER, RoleKey.TRAFFIC_MANAGER, RoleKey.FACTORY_MANAGER]
)
def test_only_installation_managers_move_installations(
    shop: order_factories.Shop,
    installer: User,
    make_user: Callable[..., User],
    branch_a: Branch,
    role: str,
) -> None:
    other = make_user(role, branch=branch_a)
    scheduled = factories.installation(shop, installer, status=S.SCHEDULED)
    started = factories.installation(shop, installer, status=S.IN_INSTALLATION)
    order = factories.ready_orders(shop, installer, 1)[0]
    refused: list[Callable[[], Any]] = [
        lambda: services.installation_schedule(actor=other, order=order, crew=_crew(branch_a), debt_confirmed=True),
        lambda: services.installation_start(actor=other, installation=scheduled),
        lambda: services.installation_complete(actor=other, installation=started),
        lambda: services.installation_cancel(actor=other, installation=scheduled, reason="x"),
        lambda: services.installation_reschedule(actor=other, installation=scheduled, crew=_crew(branch_a)),
    ]
    for call in refused:
        with pytest.raises(PermissionDenied):
            call()
    assert services.allowed_targets(installation=scheduled, user=other) == []
    assert services.allowed_targets(installation=scheduled, user=installer) == [S.CANCELLED, S.IN_INSTALLATION]


def test_superuser_moves_installations(shop: order_factories.Shop, admin_user: User) -> None:
    inst = factories.installation(shop, admin_user, status=S.COMPLETED)
    assert inst.status == S.COMPLETED


# ---------------------------------------------------------------------------------------------------------------
# Who sees what


def test_scope_follows_the_orders(
    shop: order_factories.Shop,
    installer: User,
    seller_a: User,
    seller_b: User,
    manager_a: User,
    manager_b: User,
    make_user: Callable[..., User],
    branch_b: Branch,
) -> None:
    mine = factories.installation(
        shop, installer, status=S.SCHEDULED, order=factories.ready_orders(shop, seller_a, 1)[0]
    )
    theirs = factories.installation(shop, installer, status=S.SCHEDULED)  # created by the installer
    other_installer = make_user(RoleKey.INSTALLATION_MANAGER, branch=branch_b)

    def visible(user: User) -> set[int]:
        return set(selectors.installation_list(actor=user).values_list("pk", flat=True))

    assert visible(installer) == {mine.pk, theirs.pk}
    assert visible(other_installer) == {mine.pk, theirs.pk}
    assert visible(manager_a) == {mine.pk, theirs.pk}
    assert visible(seller_a) == {mine.pk}
    assert visible(manager_b) == set()
    assert visible(seller_b) == set()
    with pytest.raises(Http404):
        selectors.installation_get_for_user(actor=manager_b, pk=mine.pk)


def test_the_order_shows_the_installation_department(
    shop: order_factories.Shop, installer: User, seller_a: User
) -> None:
    from erp.orders.departments import department_rows, derived_stage

    order = factories.ready_orders(shop, seller_a, 1)[0]
    inst = factories.installation(shop, installer, status=S.IN_INSTALLATION, order=order)
    loaded = order_get_for_user(actor=seller_a, pk=order.pk)
    row = next(r for r in department_rows(loaded) if r["key"] == "installation")
    assert (row["status"], str(row["label"])) == (S.IN_INSTALLATION, str(S.IN_INSTALLATION.label))
    assert row["url"].endswith(f"/installations/{inst.pk}/")
    assert derived_stage(loaded)["status"] == S.IN_INSTALLATION


# ---------------------------------------------------------------------------------------------------------------
# Re-work


def _request(shop: order_factories.Shop, installer: User) -> ModificationRequest:
    inst = factories.installation(shop, installer, status=S.COMPLETED)
    return services.modification_request_create(
        actor=installer,
        installation=inst,
        fault_party="factory",
        priority="high",
        description="الستارة أقصر من المقاس",
        items=[services.ModificationItemInput(description="غرفة النوم", new_meters=Decimal("4.250"), notes="قماش")],
    )


def test_rework_goes_to_the_factory_and_comes_back(
    shop: order_factories.Shop, installer: User, fake_factory: list[dict[str, Any]]
) -> None:
    request = _request(shop, installer)
    inst = request.installation
    inst.refresh_from_db()
    assert inst.status == S.MODIFICATION_REQUIRED

    request = services.modification_request_investigate(actor=installer, request=request)
    assert request.status == M.INVESTIGATING
    request = services.modification_request_approve(actor=installer, request=request)
    assert request.status == M.MANUFACTURING
    (call,) = fake_factory
    assert call["request_id"] == request.pk
    assert call["order"].pk == inst.order_id
    assert call["items"] == [{"description": "غرفة النوم", "new_meters": "4.250", "notes": "قماش"}]
    assert call["due_date"] == timezone.localdate() + timedelta(days=3)
    assert request.factory_order_id == 9001
    assert request.factory_order_number == f"{inst.order.number}-M1"
    inst.refresh_from_db()
    assert inst.status == S.MODIFICATION_IN_PROGRESS

    # The factory finishes: the manufacturing module calls the hook installations registered.
    hooks.call("manufacturing.modification_done", order=inst.order, request_id=request.pk, actor=None)
    request.refresh_from_db()
    inst.refresh_from_db()
    assert request.status == M.COMPLETED
    assert inst.status == S.MODIFICATION_COMPLETED
    # Idempotent: a second call changes nothing.
    hooks.call("manufacturing.modification_done", order=inst.order, request_id=request.pk, actor=None)
    assert InstallationEvent.objects.filter(installation=inst, to_status=S.MODIFICATION_COMPLETED).count() == 1


def test_approval_without_a_factory_module_keeps_the_request_approved(
    shop: order_factories.Shop, installer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = _request(shop, installer)
    monkeypatch.setitem(hooks._HOOKS, "manufacturing.modification_requested", [])  # as if no factory module
    assert not hooks.receivers("manufacturing.modification_requested")
    request = services.modification_request_approve(actor=installer, request=request)
    assert (request.status, request.factory_order_id) == (M.APPROVED, None)


def test_a_failing_factory_rolls_the_approval_back(shop: order_factories.Shop, installer: User) -> None:
    request = _request(shop, installer)

    def broken(**_: Any) -> None:
        raise RuntimeError("factory down")

    saved = hooks._HOOKS.get("manufacturing.modification_requested", [])
    hooks._HOOKS["manufacturing.modification_requested"] = [broken]
    try:
        with pytest.raises(RuntimeError):
            services.modification_request_approve(actor=installer, request=request)
    finally:
        hooks._HOOKS["manufacturing.modification_requested"] = saved
    request.refresh_from_db()
    request.installation.refresh_from_db()
    assert request.status == M.PENDING
    assert request.installation.status == S.MODIFICATION_REQUIRED


def test_approving_needs_the_investigate_permission(
    shop: order_factories.Shop, installer: User, make_user: Callable[..., User], branch_a: Branch
) -> None:
    from django.contrib.auth.models import Permission

    request = _request(shop, installer)
    clerk = make_user(RoleKey.BRANCH_MANAGER, branch=branch_a)  # sees the branch; manages, may not investigate
    clerk.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="installations", codename="manage_installations")
    )
    request = services.modification_request_investigate(actor=clerk, request=request)
    assert services.request_allowed_targets(request=request, user=clerk) == [M.CANCELLED]
    with pytest.raises(PermissionDenied):
        services.modification_request_approve(actor=clerk, request=request)
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    with pytest.raises(PermissionDenied):
        services.modification_request_cancel(actor=seller, request=request, reason="x")


def test_cancelling_the_only_request_returns_the_installation_to_completed(
    shop: order_factories.Shop, installer: User
) -> None:
    request = _request(shop, installer)
    with pytest.raises(ValidationError):
        services.modification_request_cancel(actor=installer, request=request, reason="")
    request = services.modification_request_cancel(actor=installer, request=request, reason="العميل تراجع")
    request.installation.refresh_from_db()
    assert (request.status, request.installation.status) == (M.CANCELLED, S.COMPLETED)
    with pytest.raises(InvalidTransition):
        services.modification_request_approve(actor=installer, request=request)


def test_a_request_needs_items_and_an_installed_order(shop: order_factories.Shop, installer: User) -> None:
    completed = factories.installation(shop, installer, status=S.COMPLETED)
    with pytest.raises(ValidationError) as refused:
        services.modification_request_create(
            actor=installer, installation=completed, fault_party="nobody", description="", items=[]
        )
    assert {"fault_party", "description", "items"} <= set(refused.value.message_dict)
    scheduled = factories.installation(shop, installer, status=S.SCHEDULED)
    with pytest.raises(InvalidTransition):
        services.modification_request_create(
            actor=installer,
            installation=scheduled,
            fault_party="customer",
            description="x",
            items=[services.ModificationItemInput(description="x", new_meters=Decimal(1))],
        )


# ---------------------------------------------------------------------------------------------------------------
# Delay candidates for the complaints module


def test_late_installations_are_delay_candidates(shop: order_factories.Shop, installer: User) -> None:
    today = timezone.localdate()
    late = factories.installation(shop, installer, status=S.SCHEDULED, day=today - timedelta(days=3))
    recent = factories.installation(shop, installer, status=S.SCHEDULED, day=today - timedelta(days=2))
    done = factories.installation(shop, installer, status=S.COMPLETED, day=today - timedelta(days=10))
    results = hooks.call("complaints.delay_candidates", today=today)
    candidates = [c for group in results for c in group]
    ours = {c.key: c for c in candidates if c.key.startswith("installation:")}
    assert set(ours) == {f"installation:{late.pk}:late"}
    candidate = ours[f"installation:{late.pk}:late"]
    assert (candidate.order_id, candidate.customer_id) == (late.order_id, late.order.customer_id)
    assert candidate.related_label == late.number
    assert candidate.related_url.endswith(f"/installations/{late.pk}/")
    assert recent.pk != done.pk
