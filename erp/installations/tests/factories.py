"""Test data for installations: ready installation orders, crews, and installations in any state."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from erp.accounts.models import Branch
from erp.installations import services
from erp.installations.models import Driver, Installation, Team, Technician, Vehicle
from erp.orders.models import Order
from erp.orders.tests import factories as order_factories

_seq = iter(range(1, 10**9))
S = Installation.Status


def ready_orders(shop: order_factories.Shop, creator: Any, count: int) -> list[Order]:
    """Installation orders the factory made ready (status ready_install), each with a balance of 150."""
    orders = order_factories.bulk_orders(shop, creator, count, order_type=Order.Type.INSTALLATION)
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(status=Order.Status.READY_INSTALL)
    for o in orders:
        o.status = Order.Status.READY_INSTALL
    return orders


def team(*, branch: Branch, name: str | None = None) -> Team:
    return Team.objects.create(name=name or f"فريق {next(_seq)}", branch=branch)


def crew(*, branch: Branch, day: date | None = None) -> services.Crew:
    t = team(branch=branch)
    n = next(_seq)
    tech = Technician.objects.create(name=f"فني {n}", team=t)
    driver = Driver.objects.create(name=f"سائق {n}")
    vehicle = Vehicle.objects.create(plate=f"ABC{n}")
    return services.Crew(
        scheduled_date=day or timezone.localdate() + timedelta(days=1),
        team=t,
        technicians=[tech],
        driver=driver,
        vehicle=vehicle,
    )


def installation(
    shop: order_factories.Shop,
    actor: Any,
    *,
    status: str = S.SCHEDULED,
    day: date | None = None,
    order: Order | None = None,
) -> Installation:
    """An installation moved through the real services to `status` (actor needs the installation permissions)."""
    order = order or ready_orders(shop, actor, 1)[0]
    c = crew(branch=shop.branch, day=day)
    if status == S.NEEDS_SCHEDULING:
        c = services.Crew(scheduled_date=None, team=c.team)
    inst = services.installation_schedule(actor=actor, order=order, crew=c, debt_confirmed=True, windows_count=3)
    if status in (S.NEEDS_SCHEDULING, S.SCHEDULED):
        return inst
    if status == S.CANCELLED:
        return services.installation_cancel(actor=actor, installation=inst, reason="test")
    inst = services.installation_start(actor=actor, installation=inst)
    if status == S.IN_INSTALLATION:
        return inst
    inst = services.installation_complete(actor=actor, installation=inst)
    if status == S.COMPLETED:
        return inst
    request = services.modification_request_create(
        actor=actor,
        installation=inst,
        fault_party="factory",
        description="مقاس خاطئ",
        items=[services.ModificationItemInput(description="الصالة", new_meters=Decimal("3.5"))],
    )
    inst.refresh_from_db()
    if status == S.MODIFICATION_REQUIRED:
        return inst
    services.modification_request_approve(actor=actor, request=request)
    inst.refresh_from_db()
    if status == S.MODIFICATION_IN_PROGRESS:
        return inst
    services.modification_request_complete(request_id=request.pk, actor=actor)
    inst.refresh_from_db()
    return inst


def bulk_installations(
    shop: order_factories.Shop,
    creator: Any,
    count: int,
    *,
    status: str = S.SCHEDULED,
    day: date | None = None,
    crew_: services.Crew | None = None,
) -> list[Installation]:
    """Many installations (crew, two technicians, a timeline row each) in a handful of queries, for size tests."""
    from erp.installations.models import InstallationEvent

    orders = ready_orders(shop, creator, count)
    c = crew_ or crew(branch=shop.branch, day=day)
    when = day or c.scheduled_date
    extra = Technician.objects.create(name=f"فني {next(_seq)}", team=c.team)
    rows = Installation.objects.bulk_create(
        Installation(
            number=f"{o.number}-T",
            order=o,
            status=status,
            scheduled_date=when if status != S.NEEDS_SCHEDULING else None,
            team=c.team,
            driver=c.driver,
            vehicle=c.vehicle,
            address="مدينة نصر",
            windows_count=2,
            created_by=creator,
            search_text=f"{o.number}-t".lower(),
        )
        for o in orders
    )
    through = Installation.technicians.through
    through.objects.bulk_create(
        through(installation_id=i.pk, technician_id=t.pk) for i in rows for t in (*c.technicians, extra)
    )
    InstallationEvent.objects.bulk_create(
        InstallationEvent(installation=i, kind=InstallationEvent.Kind.CREATED, to_status=status, user=creator)
        for i in rows
    )
    return rows
