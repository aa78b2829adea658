"""How to open every installations URL for the query budget (see erp/core/testing/urlbudget.py)."""

from datetime import date
from decimal import Decimal
from typing import Any

from erp.accounts.roles import RoleKey
from erp.core.testing.urlbudget import SUPERUSER, UrlSpec, World
from erp.installations.tests import factories

INSTALLER = RoleKey.INSTALLATION_MANAGER.value
SELLER = RoleKey.SALESPERSON.value
BRANCH = RoleKey.BRANCH_MANAGER.value
TRAFFIC = RoleKey.TRAFFIC_MANAGER.value
VIEWERS = (SUPERUSER, INSTALLER, BRANCH, SELLER, RoleKey.SALES_MANAGER.value)
MANAGERS = (SUPERUSER, INSTALLER)
FLEET = (SUPERUSER, INSTALLER, TRAFFIC)


def shop(world: World) -> Any:
    from erp.orders.tests import factories as order_factories

    if "shop" not in world.extra:
        world.extra["shop"] = order_factories.shop(branch=world.branch_a, fabrics=2)
    return world.extra["shop"]


DAY = date(2030, 1, 5)  # a Saturday: the daily schedule and the week calendar are asked for it


def the_crew(world: World) -> Any:
    if "crew" not in world.extra:
        world.extra["crew"] = factories.crew(branch=world.branch_a, day=DAY)
    return world.extra["crew"]


def grow(world: World, n: int) -> None:
    factories.bulk_installations(shop(world), world.users[SELLER], n, crew_=the_crew(world))


def grow_today(world: World, n: int) -> None:
    """The team's jobs of today, for its mobile page."""
    from django.utils import timezone

    factories.bulk_installations(shop(world), world.users[SELLER], n, crew_=the_crew(world), day=timezone.localdate())


def the_team(world: World) -> dict[str, int]:
    return {"team_pk": the_crew(world).team.pk}


def grow_ready(world: World, n: int) -> None:
    factories.ready_orders(shop(world), world.users[SELLER], n)


def grow_crew(world: World, n: int) -> None:
    """More teams, technicians, drivers and vehicles: what the scheduling forms offer."""
    for _ in range(n):
        factories.crew(branch=world.branch_a)


def _one(world: World, status: str, key: str) -> dict[str, int]:
    if key not in world.extra:
        order = factories.ready_orders(shop(world), world.users[SELLER], 1)[0]
        world.extra[key] = factories.installation(shop(world), world.users[SUPERUSER], status=status, order=order)
    return {"pk": world.extra[key].pk}


def a_scheduled(world: World) -> dict[str, int]:
    return _one(world, "scheduled", "scheduled")


def a_started(world: World) -> dict[str, int]:
    return _one(world, "in_installation", "started")


def a_completed(world: World) -> dict[str, int]:
    return _one(world, "completed", "completed")


def a_ready_order(world: World) -> dict[str, int]:
    if "ready" not in world.extra:
        world.extra["ready"] = factories.ready_orders(shop(world), world.users[SELLER], 1)[0]
    return {"order_pk": world.extra["ready"].pk}


def grow_one(world: World, n: int) -> None:
    """Grow what an installation's detail renders: timeline rows, technicians, payments, modification requests."""
    from django.utils import timezone

    from erp.installations.models import Installation, InstallationEvent, ModificationRequest, Technician
    from erp.orders.models import Payment, PaymentAllocation

    a_completed(world)
    inst: Installation = world.extra["completed"]
    user = world.users[SUPERUSER]
    InstallationEvent.objects.bulk_create(
        InstallationEvent(installation=inst, kind=InstallationEvent.Kind.SCHEDULE, user=user) for _ in range(n)
    )
    techs = Technician.objects.bulk_create(Technician(name=f"فني {i}") for i in range(n))
    inst.technicians.add(*techs)
    ModificationRequest.objects.bulk_create(
        ModificationRequest(installation=inst, fault_party="customer", description="x", created_by=user)
        for _ in range(n)
    )
    for _ in range(n):
        p = Payment.objects.create(
            customer_id=inst.order.customer_id,
            order=inst.order,
            amount=Decimal(1),
            payment_date=timezone.localdate(),
            created_by=user,
        )
        r = Payment.objects.create(
            customer_id=inst.order.customer_id,
            order=inst.order,
            amount=Decimal(-1),
            payment_date=timezone.localdate(),
            created_by=user,
        )
        PaymentAllocation.objects.bulk_create(
            [
                PaymentAllocation(payment=p, order=inst.order, amount=1),
                PaymentAllocation(payment=r, order=inst.order, amount=-1),
            ]
        )


def a_request(world: World) -> dict[str, int]:
    from erp.installations.models import ModificationItem, ModificationRequest

    a_completed(world)
    if "request" not in world.extra:
        req = ModificationRequest.objects.create(
            installation=world.extra["completed"],
            fault_party="factory",
            description="x",
            created_by=world.users[SUPERUSER],
        )
        ModificationItem.objects.create(request=req, description="الصالة", new_meters=Decimal(2))
        world.extra["request"] = req
    return {"pk": world.extra["request"].pk}


def grow_requests(world: World, n: int) -> None:
    from erp.installations.models import ModificationRequest

    rows = factories.bulk_installations(shop(world), world.users[SELLER], n, status="completed", crew_=the_crew(world))
    ModificationRequest.objects.bulk_create(
        ModificationRequest(installation=i, fault_party="factory", description="x", created_by=world.users[SUPERUSER])
        for i in rows
    )


def grow_items(world: World, n: int) -> None:
    from erp.installations.models import ModificationItem

    a_request(world)
    ModificationItem.objects.bulk_create(
        ModificationItem(request=world.extra["request"], description=f"غرفة {i}", new_meters=Decimal(1))
        for i in range(n)
    )


def a_receipt(world: World) -> dict[str, int]:
    from django.core.files.base import ContentFile

    a_completed(world)
    inst = world.extra["completed"]
    if not inst.receipt_file:
        inst.receipt_file.save("sig.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"0" * 64), save=True)
    return {"pk": inst.pk}


def grow_missions(world: World, n: int) -> None:
    from django.utils import timezone

    from erp.installations.models import VehicleMission

    c = factories.crew(branch=world.branch_a)
    VehicleMission.objects.bulk_create(
        VehicleMission(vehicle=c.vehicle, driver=c.driver, mission_date=timezone.localdate(), kind="custom")
        for _ in range(n)
    )


def _first(model_path: str) -> Any:
    def kwargs(world: World) -> dict[str, int]:
        from django.apps import apps

        model = apps.get_model(model_path)
        if model_path not in world.extra:
            if model_path == "installations.VehicleMission":
                grow_missions(world, 1)
            else:
                factories.crew(branch=world.branch_a)
            world.extra[model_path] = model.objects.order_by("pk").first()
        return {"pk": world.extra[model_path].pk}

    return kwargs


SPECS = [
    # Pages
    UrlSpec("installations:installation_list", VIEWERS, grow),
    UrlSpec(
        "installations:installation_list",
        MANAGERS,
        grow,
        query="search=محمد&status=scheduled&date_from=2000-01-01&date_to=2100-01-01&ordering=scheduled_date",
    ),
    UrlSpec("installations:installation_list", (SUPERUSER, INSTALLER, BRANCH), grow, query="export=xlsx"),
    UrlSpec("installations:needs_scheduling", MANAGERS, grow_ready),
    UrlSpec("installations:schedule_create", MANAGERS, grow_crew, kwargs=a_ready_order),
    UrlSpec(
        "installations:schedule_create",
        MANAGERS,
        grow_crew,
        kwargs=a_ready_order,
        method="post",
        data=lambda w: {"scheduled_date": "2100-01-01", "location_type": "open", "windows_count": "2"},
        status=400,  # the balance is not confirmed: the form again with the debt warning
    ),
    UrlSpec("installations:installation_detail", VIEWERS, grow_one, kwargs=a_completed),
    UrlSpec("installations:installation_reschedule", MANAGERS, grow_crew, kwargs=a_scheduled),
    UrlSpec(
        "installations:installation_reschedule",
        MANAGERS,
        grow_crew,
        kwargs=a_completed,
        method="post",
        data=lambda w: {"scheduled_date": "2100-01-01"},
        status=400,  # a completed installation is not rescheduled
    ),
    UrlSpec("installations:installation_start", MANAGERS, grow_one, kwargs=a_completed, method="post", status=302),
    UrlSpec("installations:installation_complete", MANAGERS, grow_one, kwargs=a_started),
    UrlSpec(
        "installations:installation_complete",
        MANAGERS,
        grow_one,
        kwargs=a_completed,
        method="post",
        data=lambda w: {"method": "cash"},
        status=400,  # already completed: refused, the form again
    ),
    UrlSpec("installations:installation_cancel", MANAGERS, grow_one, kwargs=a_completed, method="post", status=302),
    UrlSpec("installations:installation_receipt", VIEWERS, grow_one, kwargs=a_receipt, static_budget=False),
    UrlSpec("installations:daily_schedule", VIEWERS, grow, query="date=2030-01-05"),
    UrlSpec("installations:week_calendar", VIEWERS, grow, query="start=2030-01-05"),
    UrlSpec("installations:team_day", MANAGERS, grow_crew),
    UrlSpec("installations:team_day_jobs", MANAGERS, grow_today, kwargs=the_team),
    UrlSpec("installations:modification_list", VIEWERS, grow_requests),
    UrlSpec("installations:modification_list", MANAGERS, grow_requests, query="status=pending&fault_party=factory"),
    UrlSpec("installations:modification_create", MANAGERS, grow_one, kwargs=a_completed),
    UrlSpec(
        "installations:modification_create",
        MANAGERS,
        grow_one,
        kwargs=a_completed,
        method="post",
        data=lambda w: {"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "fault_party": "factory"},
        status=400,
    ),
    UrlSpec("installations:modification_detail", VIEWERS, grow_items, kwargs=a_request),
    UrlSpec(
        "installations:modification_action",
        MANAGERS,
        grow_items,
        kwargs=a_request,
        method="post",
        data=lambda w: {"to": "completed"},
        status=302,  # refused (not a move a user makes): a message and back
    ),
    UrlSpec("installations:team_list", MANAGERS, grow_crew),
    UrlSpec("installations:team_list", MANAGERS, grow_crew, method="post", data=lambda w: {"name": ""}, status=400),
    UrlSpec("installations:team_edit", MANAGERS, grow_crew, kwargs=_first("installations.Team")),
    UrlSpec("installations:technician_list", MANAGERS, grow_crew),
    UrlSpec("installations:technician_edit", MANAGERS, grow_crew, kwargs=_first("installations.Technician")),
    UrlSpec("installations:driver_list", FLEET, grow_crew),
    UrlSpec("installations:driver_edit", FLEET, grow_crew, kwargs=_first("installations.Driver")),
    UrlSpec("installations:vehicle_list", FLEET, grow_crew),
    UrlSpec("installations:vehicle_edit", FLEET, grow_crew, kwargs=_first("installations.Vehicle")),
    UrlSpec("installations:mission_list", FLEET, grow_missions),
    UrlSpec("installations:mission_edit", FLEET, grow_crew, kwargs=_first("installations.VehicleMission")),
    # API
    UrlSpec("api-installations:installation-list", VIEWERS, grow, api=True, query="page_size=100"),
    UrlSpec(
        "api-installations:installation-list",
        MANAGERS,
        grow,
        api=True,
        query="page_size=100&search=محمد&status=scheduled&date_from=2000-01-01",
    ),
    UrlSpec(
        "api-installations:installation-list",
        MANAGERS,
        grow_ready,
        api=True,
        method="post",
        data=lambda w: {"order": a_ready_order(w)["order_pk"], "scheduled_date": "2100-01-01"},
        status=400,  # balance due and not confirmed
    ),
    UrlSpec("api-installations:installation-detail", VIEWERS, grow_one, kwargs=a_completed, api=True),
    UrlSpec(
        "api-installations:installation-transition",
        MANAGERS,
        grow_one,
        kwargs=a_completed,
        method="post",
        data=lambda w: {"to": "in_installation"},
        status=409,
        api=True,
    ),
    UrlSpec("api-installations:team-list", MANAGERS, grow_crew, api=True, query="page_size=100"),
    UrlSpec("api-installations:technician-list", MANAGERS, grow_crew, api=True, query="page_size=100"),
    UrlSpec("api-installations:driver-list", FLEET, grow_crew, api=True, query="page_size=100"),
    UrlSpec("api-installations:vehicle-list", FLEET, grow_crew, api=True, query="page_size=100"),
    UrlSpec("api-installations:modification-request-list", VIEWERS, grow_requests, api=True, query="page_size=100"),
    UrlSpec("api-installations:modification-request-detail", VIEWERS, grow_items, kwargs=a_request, api=True),
    UrlSpec(
        "api-installations:modification-request-transition",
        MANAGERS,
        grow_items,
        kwargs=a_request,
        method="post",
        data=lambda w: {"to": "completed"},
        status=409,
        api=True,
    ),
]
