"""Demo installations: teams with technicians per branch, drivers and a fleet in every status, and installations in
every state for the demo's installation orders, all made through the real services (payments at the door, the
order completed, re-work requests). Runs after the orders demo (app order).

Installation orders the demo left ready (ready_install) are used first; when there are too few, waiting
installation orders are moved to ready_install on behalf of the factory (`order_advance`, as the manufacturing
module does when its order is ready). Two ready orders are left unscheduled for the "to schedule" list.
"""

from datetime import time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from erp.accounts.models import Branch, User
from erp.core.demodata import DemoContext, Progress, bulk_insert, row
from erp.core.models import Counter
from erp.core.text import normalize_search
from erp.installations import services
from erp.installations.models import (
    Driver,
    Installation,
    InstallationEvent,
    Team,
    Technician,
    Vehicle,
    VehicleMission,
)
from erp.orders.handoffs import order_advance
from erp.orders.models import Order

S = Installation.Status
SIZES = {"small": 10, "medium": 40, "large": 40}  # installations through the services (every state)
BATCH = 5000
# The demo's bulk installation orders that the factory finished get their installation in bulk above the small
# size (two in three installation orders: about 130,000 at large), in the state the order's status implies.
BULK_STATES: dict[str, list[str]] = {
    Order.Status.READY_INSTALL: [S.NEEDS_SCHEDULING, S.SCHEDULED, S.SCHEDULED, S.IN_INSTALLATION],
    Order.Status.COMPLETED: [S.COMPLETED],
    Order.Status.DELIVERED: [S.COMPLETED],
}
LEFT_TO_SCHEDULE = 2
STATES = [
    S.NEEDS_SCHEDULING,
    S.SCHEDULED,
    S.IN_INSTALLATION,
    S.COMPLETED,
    S.CANCELLED,
    S.MODIFICATION_REQUIRED,
    S.MODIFICATION_IN_PROGRESS,
    S.MODIFICATION_COMPLETED,
]
NOTE = "بيانات تجريبية"


def _resources(ctx: DemoContext, admin: User, branches: list[Branch]) -> list[services.Crew]:
    crews: list[services.Crew] = []
    for n, (vtype, status) in enumerate(
        [("truck", "active"), ("van", "active"), ("van", "active"), ("car", "active"), ("van", "maintenance")]
        + [("motorcycle", "inactive"), ("other", "active")]
    ):
        services.vehicle_save(actor=admin, plate=f"ن ق {1000 + n}", vehicle_type=vtype, status=status)
    vehicles = list(Vehicle.objects.filter(status=Vehicle.Status.ACTIVE).order_by("pk"))
    for branch in branches:
        for n in range(2):
            team = services.team_save(actor=admin, name=f"فريق {branch.name} {n + 1}", branch=branch)
            techs = []
            for _ in range(3):
                first, last = ctx.person_name()
                techs.append(
                    services.technician_save(actor=admin, name=f"{first} {last}", phone=ctx.mobile(), team=team)
                )
            first, last = ctx.person_name()
            driver = services.driver_save(actor=admin, name=f"{first} {last}", phone=ctx.mobile())
            crews.append(
                services.Crew(
                    scheduled_date=None,
                    team=team,
                    technicians=techs,
                    driver=driver,
                    vehicle=vehicles[len(crews) % len(vehicles)],
                )
            )
    today = timezone.localdate()
    for n, (kind, status) in enumerate([("maintenance", "completed"), ("custom", "pending"), ("custom", "active")]):
        services.mission_save(
            actor=admin,
            vehicle=vehicles[n % len(vehicles)],
            driver=crews[n % len(crews)].driver,
            mission_date=today - timedelta(days=n),
            kind=kind,
            status=status,
            notes=NOTE,
        )
    return crews


def _ready_orders(admin: User, wanted: int) -> list[Order]:
    installation_orders = Order.objects.filter(order_type=Order.Type.INSTALLATION).order_by("pk")
    ready = list(installation_orders.filter(status=Order.Status.READY_INSTALL, installations__isnull=True)[:wanted])
    if len(ready) < wanted:
        waiting = installation_orders.filter(
            status__in=(Order.Status.PENDING_APPROVAL, Order.Status.PENDING, Order.Status.IN_PROGRESS)
        )[: wanted - len(ready)]
        ready.extend(_make_ready(admin, order) for order in waiting)
    if len(ready) < wanted:
        ready += [_make_ready(admin, order) for order in _placed(admin, wanted - len(ready))]
    return ready


def _make_ready(admin: User, order: Order) -> Order:
    """What the factory does when the curtains are made: the order becomes ready for installation."""
    order_advance(order=order, to=Order.Status.READY_INSTALL, actor=admin, source="manufacturing", reason=NOTE)
    order.refresh_from_db()
    return order


def _placed(admin: User, count: int) -> list[Order]:
    """More installation orders through the orders service (an installation service line, half paid)."""
    from erp.customers.models import Customer
    from erp.inventory.models import Product, Variant
    from erp.orders import services as orders

    service = Variant.objects.filter(product__kind=Product.Kind.SERVICE).order_by("pk").first()
    customers = list(
        Customer.objects.filter(status=Customer.Status.ACTIVE).select_related("branch").order_by("pk")[:count]
    )
    if service is None or not customers:
        return []
    placed = []
    for n in range(count):
        customer = customers[n % len(customers)]
        order = orders.order_place(
            actor=admin,
            customer=customer,
            order_type=Order.Type.INSTALLATION,
            items=[orders.ItemInput(service.pk, Decimal(2))],
            branch=customer.branch,
            invoice_numbers=[f"DT{Order.objects.count() + 1:05d}"],
            waive_down_payment=True,
            notes=NOTE,
        )
        if order.total > 0 and n % 2 == 0:
            orders.payment_record(actor=admin, customer=customer, order=order, amount=order.total)
        placed.append(order)
    return placed


def _build(admin: User, order: Order, crew: services.Crew, state: str, day: Any) -> Installation:
    when = services.Crew(
        scheduled_date=None if state == S.NEEDS_SCHEDULING else day,
        scheduled_time=None,
        team=crew.team,
        technicians=crew.technicians,
        driver=crew.driver,
        vehicle=crew.vehicle if state != S.NEEDS_SCHEDULING else None,
    )
    inst = services.installation_schedule(
        actor=admin, order=order, crew=when, address="القاهرة الجديدة", windows_count=4, debt_confirmed=True
    )
    if state in (S.NEEDS_SCHEDULING, S.SCHEDULED):
        return inst
    if state == S.CANCELLED:
        return services.installation_cancel(actor=admin, installation=inst, reason="العميل أجّل")
    inst = services.installation_start(actor=admin, installation=inst)
    if state == S.IN_INSTALLATION:
        return inst
    order.refresh_from_db()
    payments = [services.DoorPayment(amount=order.balance)] if order.balance > 0 else []
    inst = services.installation_complete(actor=admin, installation=inst, payments=payments, receipt_number="ر-1")
    if state == S.COMPLETED:
        return inst
    request = services.modification_request_create(
        actor=admin,
        installation=inst,
        fault_party="factory",
        priority="high",
        description="الستارة أقصر من الشباك",
        items=[services.ModificationItemInput(description="غرفة النوم", new_meters=Decimal("3.250"))],
    )
    if state == S.MODIFICATION_REQUIRED:
        return inst
    services.modification_request_approve(actor=admin, request=request)
    if state == S.MODIFICATION_IN_PROGRESS:
        return inst
    services.modification_request_complete(request_id=request.pk, actor=admin)
    return inst


def _bulk(ctx: DemoContext, admin: User, crews: list[services.Crew]) -> int:
    """Installations for the bulk orders the factory finished, written like `installation_schedule` writes them
    (number `<order>-T` with the order's installation counter at 1, search text, technicians, a created event and
    a status event), COPY'd on PostgreSQL."""
    orders = (
        Order.objects.filter(order_type=Order.Type.INSTALLATION, status__in=list(BULK_STATES))
        .exclude(installations__isnull=False)
        .select_related("customer")
        .only("pk", "number", "status", "customer__name", "customer__phone", "customer__address")
        .order_by("pk")
    )
    total = orders.count()
    progress = Progress(ctx.stdout, "installations", total)
    today = timezone.localdate()
    now = timezone.now()
    through = Installation.technicians.through
    made, last = 0, 0
    while True:
        batch = list(orders.filter(pk__gt=last)[:BATCH])
        if not batch:
            break
        last = batch[-1].pk
        rows: list[Installation] = []
        crew_of: list[services.Crew] = []
        for order in batch:
            state = ctx.rng.choice(BULK_STATES[order.status])
            crew = ctx.rng.choice(crews)
            scheduled = state != S.NEEDS_SCHEDULING
            number = f"{order.number}-T"
            address = order.customer.address
            day = today + timedelta(days=ctx.rng.randint(-60, -1) if state == S.COMPLETED else ctx.rng.randint(-3, 14))
            rows.append(
                row(
                    Installation,
                    number=number,
                    order=order,
                    status=state,
                    scheduled_date=day if scheduled else None,
                    scheduled_time=time(ctx.rng.randint(9, 17), 0) if scheduled else None,
                    team=crew.team if scheduled else None,
                    driver=crew.driver if scheduled else None,
                    vehicle=crew.vehicle if scheduled else None,
                    address=address,
                    windows_count=ctx.rng.randint(1, 10),
                    debt_confirmed=False,
                    completed_at=now - timedelta(days=ctx.rng.randint(1, 60)) if state == S.COMPLETED else None,
                    receipt_number=f"ر-{order.pk}" if state == S.COMPLETED else "",
                    created_by=admin,
                    search_text=normalize_search(
                        " ".join([number, order.number, order.customer.name, order.customer.phone, address or ""])
                    ),
                )
            )
            crew_of.append(crew)
        with transaction.atomic():
            bulk_insert(rows)
            bulk_insert(
                row(through, installation_id=inst.pk, technician_id=tech.pk)
                for inst, crew in zip(rows, crew_of, strict=True)
                if inst.status != S.NEEDS_SCHEDULING
                for tech in crew.technicians[:2]
            )
            events = [
                row(
                    InstallationEvent,
                    installation=inst,
                    kind=InstallationEvent.Kind.CREATED,
                    to_status=S.NEEDS_SCHEDULING,
                    user=admin,
                )
                for inst in rows
            ]
            events += [
                row(
                    InstallationEvent,
                    installation=inst,
                    kind=InstallationEvent.Kind.STATUS,
                    from_status=S.NEEDS_SCHEDULING,
                    to_status=inst.status,
                    user=admin,
                )
                for inst in rows
                if inst.status != S.NEEDS_SCHEDULING
            ]
            bulk_insert(events)
            # The next installation of these orders (after a cancellation) is -T2: their counters stand at 1.
            bulk_insert(row(Counter, key=f"installations.installation:{inst.order_id}", value=1) for inst in rows)
        made += len(rows)
        progress.advance(len(rows))
    return made


@transaction.atomic
def generate(ctx: DemoContext) -> None:
    if Team.objects.exists():
        ctx.stdout.write("installations: teams exist already, skipped")
        return
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    branches = list(ctx.shared.get("branches") or Branch.objects.filter(is_active=True).order_by("code")[:3])
    if admin is None or not branches:
        ctx.stdout.write("installations: no admin or branches, skipped")
        return
    crews = _resources(ctx, admin, branches)
    total = SIZES.get(ctx.size, SIZES["small"])
    orders = _ready_orders(admin, total + LEFT_TO_SCHEDULE)
    progress = Progress(ctx.stdout, "installations", max(len(orders) - LEFT_TO_SCHEDULE, 1))
    today = timezone.localdate()
    made = 0
    for n, order in enumerate(orders[: max(len(orders) - LEFT_TO_SCHEDULE, 0)]):
        state = STATES[n % len(STATES)]
        # Past dates for the finished ones, the coming days for the rest (a few late ones for delay complaints).
        offset = -ctx.rng.randint(3, 20) if state not in (S.SCHEDULED, S.NEEDS_SCHEDULING) else ctx.rng.randint(-4, 6)
        _build(admin, order, crews[n % len(crews)], state, today + timedelta(days=offset))
        made += 1
        progress.advance(1)
    if ctx.size != "small":
        made += _bulk(ctx, admin, crews)
    missions = VehicleMission.objects.count()
    ctx.stdout.write(
        f"installations: {len(crews)} teams, {Technician.objects.count()} technicians, {Driver.objects.count()} "
        f"drivers, {Vehicle.objects.count()} vehicles, {missions} missions, {made} installations"
    )
