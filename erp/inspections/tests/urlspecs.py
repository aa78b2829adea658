"""How to open every inspections URL for the query budget (see erp/core/testing/urlbudget.py)."""

from typing import Any

from erp.accounts.roles import RoleKey
from erp.core.testing.urlbudget import SUPERUSER, UrlSpec, World
from erp.inspections.tests import factories

MANAGER = RoleKey.INSPECTION_MANAGER.value
TECH = RoleKey.INSPECTION_TECHNICIAN.value
SELLER = RoleKey.SALESPERSON.value
VIEWERS = (SUPERUSER, RoleKey.SALES_MANAGER.value, RoleKey.BRANCH_MANAGER.value, SELLER, MANAGER, TECH)
MANAGERS = (SUPERUSER, MANAGER)
WORKERS = (SUPERUSER, MANAGER, TECH)


def customer(world: World) -> Any:
    if "customer" not in world.extra:
        from erp.customers.tests import factories as customer_factories

        world.extra["customer"] = customer_factories.customer(branch=world.branch_a)
    return world.extra["customer"]


def grow(world: World, n: int) -> None:
    """Inspections of branch A assigned to the technician (so every viewer, the technician included, sees them)."""
    factories.bulk(customer=customer(world), creator=world.users[MANAGER], count=n, technician=world.users[TECH])


def grow_visits(world: World, n: int) -> None:
    """Today's visits for each user who opens "my visits"."""
    for role in WORKERS:
        factories.bulk(customer=customer(world), creator=world.users[MANAGER], count=n, technician=world.users[role])


def an_inspection(world: World) -> dict[str, int]:
    if "inspection" not in world.extra:
        world.extra["inspection"] = factories.inspection(
            customer=customer(world), creator=world.users[MANAGER], status="scheduled", technician=world.users[TECH]
        )
    return {"pk": world.extra["inspection"].pk}


def grow_one(world: World, n: int) -> None:
    """What a detail renders: more timeline rows, files and repeat visits on the same inspection."""
    from erp.inspections.models import Inspection, InspectionEvent, InspectionFile

    an_inspection(world)
    inspection = world.extra["inspection"]
    user = world.users[MANAGER]
    InspectionEvent.objects.bulk_create(
        InspectionEvent(inspection=inspection, from_status="scheduled", to_status="scheduled", user=user)
        for _ in range(n)
    )
    InspectionFile.objects.bulk_create(
        InspectionFile(
            inspection=inspection,
            file="inspections/x.pdf",
            kind="pdf",
            original_name="x.pdf",
            size=10,
            uploaded_by=user,
        )
        for _ in range(n)
    )
    start = Inspection.objects.count()
    Inspection.objects.bulk_create(
        Inspection(
            number=f"{inspection.number}-R{start + i}",
            customer=inspection.customer,
            branch=inspection.branch,
            parent=inspection,
            created_by=user,
        )
        for i in range(n)
    )


def a_file(world: World) -> dict[str, int]:
    kwargs = an_inspection(world)
    if "file" not in world.extra:
        world.extra["file"] = factories.stored_file(world.extra["inspection"], world.users[MANAGER])
    return {**kwargs, "file_id": world.extra["file"].pk}


def bad_upload(world: World) -> dict[str, Any]:
    return {"file": factories.upload(name="notes.pdf", content=b"plain text, not a PDF")}


SPECS = [
    UrlSpec("inspections:inspection_list", VIEWERS, grow),
    UrlSpec(
        "inspections:inspection_list",
        (SUPERUSER, MANAGER, TECH),
        grow,
        query="search=محمد&status=scheduled&result=&date_after=2020-01-01&date_before=2099-12-31",
    ),
    UrlSpec(
        "inspections:inspection_list", (SUPERUSER, MANAGER, RoleKey.BRANCH_MANAGER.value), grow, query="export=xlsx"
    ),
    UrlSpec("inspections:inspection_create", (SUPERUSER, SELLER, MANAGER), grow),
    UrlSpec(
        "inspections:inspection_create",
        (SUPERUSER, SELLER, MANAGER),
        grow,
        method="post",
        data=lambda w: {"customer_code": "NOPE", "payment_status": "paid"},
        status=400,  # no such customer: the form again with the error on the field
    ),
    UrlSpec("inspections:my_visits", WORKERS, grow_visits),
    UrlSpec("inspections:inspection_detail", VIEWERS, grow_one, kwargs=an_inspection),
    UrlSpec("inspections:inspection_print", VIEWERS, grow_one, kwargs=an_inspection),
    UrlSpec("inspections:inspection_schedule", MANAGERS, grow_one, kwargs=an_inspection),
    UrlSpec(
        "inspections:inspection_schedule",
        MANAGERS,
        grow_one,
        kwargs=an_inspection,
        method="post",
        data=lambda w: {"scheduled_date": "2000-01-01", "scheduled_time": "10:00", "technician": w.users[TECH].pk},
        status=400,  # a day in the past: the form again with the error
    ),
    UrlSpec(
        "inspections:inspection_transition",
        WORKERS,
        grow_one,
        kwargs=an_inspection,
        method="post",
        data=lambda w: {"to": "completed", "result": "passed", "windows_count": "", "payment_status": "paid"},
        status=400,  # no window count: the detail page again with the error next to the field
    ),
    UrlSpec(
        "inspections:inspection_iterate",
        MANAGERS,
        grow_one,
        kwargs=an_inspection,
        method="post",
        status=302,  # refused (only completed inspections repeat): a message and back to the inspection
    ),
    UrlSpec(
        "inspections:inspection_file_add",
        WORKERS,
        grow_one,
        kwargs=an_inspection,
        method="post",
        data=bad_upload,
        status=400,  # not really a PDF: the detail page again with the error
    ),
    UrlSpec("inspections:inspection_file_download", VIEWERS, grow_one, kwargs=a_file),
    # API
    UrlSpec("api-inspections:inspection-list", VIEWERS, grow, api=True, query="page_size=100"),
    UrlSpec(
        "api-inspections:inspection-list",
        (SUPERUSER, MANAGER, TECH),
        grow,
        api=True,
        query="page_size=100&search=محمد&status=scheduled&date_after=2020-01-01",
    ),
    UrlSpec(
        "api-inspections:inspection-list",
        (SUPERUSER, SELLER, MANAGER),
        grow,
        api=True,
        method="post",
        data=lambda w: {"customer": 0},
        status=400,  # not one of the caller's customers
    ),
    UrlSpec("api-inspections:inspection-detail", VIEWERS, grow_one, kwargs=an_inspection, api=True),
    UrlSpec(
        "api-inspections:inspection-timeline", VIEWERS, grow_one, kwargs=an_inspection, api=True, query="page_size=100"
    ),
    UrlSpec(
        "api-inspections:inspection-files", VIEWERS, grow_one, kwargs=an_inspection, api=True, query="page_size=100"
    ),
    UrlSpec(
        "api-inspections:inspection-files",
        WORKERS,
        grow_one,
        kwargs=an_inspection,
        method="post",
        data=bad_upload,
        status=400,  # multipart through the session: not really a PDF
    ),
    UrlSpec(
        "api-inspections:inspection-transition",
        WORKERS,
        grow_one,
        kwargs=an_inspection,
        method="post",
        data=lambda w: {"to": "completed"},
        status=409,  # scheduled cannot jump to completed: the refusal (with the allowed targets) is measured
        api=True,
    ),
    UrlSpec("api-inspections:inspection-file-download", VIEWERS, grow_one, kwargs=a_file, api=True),
]
