"""How to open every complaints URL for the query budget (see erp/core/testing/urlbudget.py)."""

from typing import Any

from erp.accounts.roles import RoleKey
from erp.core.testing.urlbudget import SUPERUSER, UrlSpec, World

SELLER = RoleKey.SALESPERSON.value
MANAGER = RoleKey.BRANCH_MANAGER.value
BOSS = RoleKey.SALES_MANAGER.value
VIEWERS = (SUPERUSER, BOSS, MANAGER, SELLER)
MANAGERS = (SUPERUSER, BOSS, MANAGER)
TYPE_KEEPERS = (SUPERUSER, BOSS)


def base(world: World) -> dict[str, Any]:
    """A customer of branch A (filed by the salesperson), a complaint type and one complaint with an attachment."""
    if "complaint" not in world.extra:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from erp.complaints import services
        from erp.complaints.tests import factories

        seller = world.users[SELLER]
        customer = factories.customer(branch=world.branch_a, created_by=seller)
        ctype = factories.complaint_type()
        complaint = factories.complaint(actor=seller, customer=customer, ctype=ctype)
        update = services.complaint_comment(
            actor=seller,
            complaint=complaint,
            text="صورة",
            files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"0" * 50, content_type="application/pdf")],
        )
        world.extra.update(
            customer=customer, ctype=ctype, complaint=complaint, attachment=update.attachments.get(), types=1
        )
    return world.extra


def grow(world: World, n: int) -> None:
    """n more complaints for the world's customer, some assigned, overdue or escalated."""
    from erp.complaints.tests import factories

    extra = base(world)
    factories.bulk_complaints(
        count=n,
        customer=extra["customer"],
        ctype=extra["ctype"],
        created_by=world.users[SELLER],
        assigned_to=world.users[MANAGER],
        is_overdue=True,
        escalation_level=1,
    )


def grow_timeline(world: World, n: int) -> None:
    """n more comments (each with an attachment row) on the world's complaint."""
    from erp.complaints.models import ComplaintAttachment, ComplaintUpdate

    extra = base(world)
    updates = ComplaintUpdate.objects.bulk_create(
        ComplaintUpdate(complaint=extra["complaint"], kind="comment", text=f"تعليق {i}", user=world.users[SELLER])
        for i in range(n)
    )
    ComplaintAttachment.objects.bulk_create(
        ComplaintAttachment(
            complaint=extra["complaint"], update=u, file="complaints/x.pdf", name="x.pdf", kind="pdf", size=10
        )
        for u in updates
    )


def grow_types(world: World, n: int) -> None:
    from erp.complaints.tests import factories

    base(world)
    for _ in range(n):
        factories.complaint_type(default_assignee=world.users[MANAGER])


def grow_holidays(world: World, n: int) -> None:
    from datetime import date, timedelta

    from erp.complaints.models import Holiday
    from erp.complaints.services import default_calendar

    calendar = default_calendar()
    start = world.extra.get("holidays", 0)
    Holiday.objects.bulk_create(
        Holiday(calendar=calendar, date=date(2030, 1, 1) + timedelta(days=start + i), name="عطلة") for i in range(n)
    )
    world.extra["holidays"] = start + n


def complaint(world: World) -> dict[str, int]:
    return {"pk": base(world)["complaint"].pk}


def attachment(world: World) -> dict[str, int]:
    extra = base(world)
    return {"pk": extra["complaint"].pk, "attachment_pk": extra["attachment"].pk}


def ctype(world: World) -> dict[str, int]:
    return {"pk": base(world)["ctype"].pk}


SPECS = [
    UrlSpec("complaints:complaint_list", VIEWERS, grow),
    UrlSpec("complaints:complaint_list", VIEWERS, grow, query="search=شكوى&status=new&overdue=true&escalated=true"),
    UrlSpec("complaints:complaint_list", MANAGERS, grow, query="export=xlsx"),
    UrlSpec("complaints:complaint_create", VIEWERS, grow),
    UrlSpec("complaints:customer_options", VIEWERS, grow, query="q=عميل"),
    UrlSpec("complaints:dashboard", MANAGERS, grow),
    UrlSpec("complaints:complaint_detail", VIEWERS, grow_timeline, kwargs=complaint),
    UrlSpec(
        "complaints:complaint_action",
        (MANAGER,),
        grow_timeline,
        kwargs=complaint,
        method="post",
        data=lambda w: {"to": "closed"},
        status=302,  # refused (a new complaint cannot be closed): back to the detail with a message
    ),
    UrlSpec("complaints:complaint_assign", (MANAGER,), grow_timeline, kwargs=complaint, method="post", status=302),
    UrlSpec("complaints:complaint_escalate", (MANAGER,), grow_timeline, kwargs=complaint, method="post", status=302),
    UrlSpec("complaints:complaint_comment", (SELLER,), grow_timeline, kwargs=complaint, method="post", status=302),
    UrlSpec("complaints:complaint_evaluate", (SELLER,), grow_timeline, kwargs=complaint, method="post", status=302),
    UrlSpec("complaints:attachment_download", VIEWERS, grow_timeline, kwargs=attachment),
    UrlSpec("complaints:type_list", TYPE_KEEPERS, grow_types),
    UrlSpec("complaints:type_create", TYPE_KEEPERS, grow_types),
    UrlSpec("complaints:type_update", TYPE_KEEPERS, grow_types, kwargs=ctype),
    UrlSpec("complaints:calendar", TYPE_KEEPERS, grow_holidays),
    UrlSpec("complaints:holiday_add", TYPE_KEEPERS, grow_holidays, method="post", status=302),
    UrlSpec(
        "complaints:holiday_delete",
        TYPE_KEEPERS,
        grow_holidays,
        kwargs=lambda w: {"pk": 999999},
        method="post",
        status=404,
    ),
    UrlSpec("api-complaints:complaint-list", VIEWERS, grow, api=True, query="page_size=100"),
    UrlSpec("api-complaints:complaint-list", VIEWERS, grow, api=True, query="overdue=true&search=شكوى"),
    UrlSpec("api-complaints:complaint-detail", VIEWERS, grow_timeline, kwargs=complaint, api=True),
    UrlSpec(
        "api-complaints:complaint-transition",
        (MANAGER,),
        grow_timeline,
        kwargs=complaint,
        method="post",
        data=lambda w: {"to": "closed"},
        status=409,  # the refusal path, with its allowed targets
        api=True,
    ),
    UrlSpec("api-complaints:complaint-updates", VIEWERS, grow_timeline, kwargs=complaint, api=True),
    UrlSpec("api-complaints:complaint-type-list", VIEWERS, grow_types, api=True, query="all=1"),
    UrlSpec("api-complaints:complaint-type-detail", VIEWERS, grow_types, kwargs=ctype, api=True),
]
