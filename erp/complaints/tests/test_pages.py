"""Complaint pages: filing through the form, actions with messages, attachments behind the permission check,
type and calendar settings, the dashboard, the customer page section and the Excel export."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from erp.accounts.roles import RoleKey
from erp.complaints import services
from erp.complaints.models import BusinessCalendar, Complaint, ComplaintType, Holiday
from erp.complaints.tests import factories as f
from erp.core.testing.exportcheck import export_job_matches_immediate

pytestmark = pytest.mark.django_db
R = RoleKey


@pytest.fixture
def world(make_user: Callable[..., Any], branch_a: Any, branch_b: Any) -> dict[str, Any]:
    seller = make_user(R.SALESPERSON, branch=branch_a, username="p_seller")
    return {
        "seller": seller,
        "manager": make_user(R.BRANCH_MANAGER, branch=branch_a, username="p_manager"),
        "boss": make_user(R.SALES_MANAGER, branch=branch_a, username="p_boss"),
        "seller_b": make_user(R.SALESPERSON, branch=branch_b, username="p_seller_b"),
        "customer": f.customer(branch=branch_a, created_by=seller, name="منى السيد"),
        "type": f.complaint_type(),
    }


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_filing_a_complaint_through_the_form(world: dict[str, Any]) -> None:
    client = login(world["seller"])
    options = client.get(reverse("complaints:customer_options"), {"q": "مني"})  # ى/ي folded
    assert world["customer"].code in options.content.decode()
    short = client.get(reverse("complaints:customer_options"), {"q": "من"}).content.decode()
    assert world["customer"].code not in short and "اكتب 3 حروف أو أرقام على الأقل." in short
    url = reverse("complaints:complaint_create") + f"?customer={world['customer'].pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"customer": world["customer"].pk, "complaint_type": world["type"].pk, "title": "", "priority": ""}
    )
    assert response.status_code == 200 and not Complaint.objects.exists()  # the title is required
    response = client.post(
        url, {"customer": world["customer"].pk, "complaint_type": world["type"].pk, "title": "قماش معيب"}
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "complaints:complaint_detail", args=[complaint.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert complaint.number in page and "قماش معيب" in page


def test_another_branch_cannot_open_the_complaint(world: dict[str, Any]) -> None:
    complaint = f.complaint(actor=world["seller"], customer=world["customer"])
    assert login(world["seller_b"]).get(reverse("complaints:complaint_detail", args=[complaint.pk])).status_code == 404
    assert login(world["seller_b"]).get(reverse("complaints:complaint_list")).status_code == 200


def test_actions_from_the_detail_page(world: dict[str, Any]) -> None:
    complaint = f.complaint(actor=world["seller"], customer=world["customer"])
    manager = login(world["manager"])
    detail = reverse("complaints:complaint_detail", args=[complaint.pk])
    action = reverse("complaints:complaint_action", args=[complaint.pk])
    page = manager.get(detail).content.decode()
    assert 'value="in_progress"' in page and 'value="closed"' not in page
    manager.post(action, {"to": "resolved", "reason": "تم الاستبدال"})
    manager.post(action, {"to": "pending_evaluation"})
    refused = manager.post(action, {"to": "closed"}, follow=True)
    assert "evaluation" in refused.content.decode() or Complaint.objects.get().status == "pending_evaluation"
    seller = login(world["seller"])
    seller.post(
        reverse("complaints:complaint_evaluate", args=[complaint.pk]),
        {"overall": 4, "response_speed": 4, "solution_quality": 5, "staff": 5, "would_recommend": "on"},
    )
    manager.post(action, {"to": "closed"})
    assert Complaint.objects.get().status == "closed"
    manager.post(reverse("complaints:complaint_escalate", args=[complaint.pk]), {"reason": "x"})
    assert Complaint.objects.get().escalation_level == 0  # closed: refused


def test_assign_escalate_and_comment_pages(world: dict[str, Any]) -> None:
    complaint = f.complaint(actor=world["seller"], customer=world["customer"])
    manager = login(world["manager"])
    manager.post(reverse("complaints:complaint_assign", args=[complaint.pk]), {"assigned_role": "installation_manager"})
    manager.post(reverse("complaints:complaint_escalate", args=[complaint.pk]), {"reason": "عاجل"})
    complaint.refresh_from_db()
    assert complaint.assigned_role == "installation_manager" and complaint.escalation_level == 1
    seller = login(world["seller"])
    assert (
        seller.post(
            reverse("complaints:complaint_assign", args=[complaint.pk]), {"assigned_role": "salesperson"}
        ).status_code
        == 403
    )
    pdf = SimpleUploadedFile("photo.pdf", b"%PDF-1.4\n" + b"2" * 30, content_type="application/pdf")
    seller.post(reverse("complaints:complaint_comment", args=[complaint.pk]), {"text": "صورة", "files": [pdf]})
    attachment = complaint.attachments.get()
    url = reverse("complaints:attachment_download", args=[complaint.pk, attachment.pk])
    response = seller.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert login(world["seller_b"]).get(url).status_code == 404


def test_types_and_calendar_settings(world: dict[str, Any]) -> None:
    seller = login(world["seller"])
    assert seller.get(reverse("complaints:type_list")).status_code == 403
    boss = login(world["boss"])
    response = boss.post(
        reverse("complaints:type_create"),
        {
            "name_ar": "تأخير تفصيل",
            "default_priority": "high",
            "response_hours": 2,
            "resolution_hours": 24,
            "escalation_hours": 12,
            "is_active": "on",
        },
    )
    assert response.status_code == 302 and ComplaintType.objects.filter(name_ar="تأخير تفصيل").exists()
    bad = boss.post(
        reverse("complaints:type_create"),
        {"name_ar": "x", "default_priority": "low", "response_hours": 5, "resolution_hours": 1, "escalation_hours": 0},
    )
    assert bad.status_code == 200 and not ComplaintType.objects.filter(name_ar="x").exists()
    response = boss.post(
        reverse("complaints:calendar"),
        {"cal-name": "أسبوع العمل", "cal-workdays": ["5", "6", "0"], "cal-day_start": "10:00", "cal-day_end": "18:00"},
    )
    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get(is_default=True)
    assert calendar.workdays == [0, 5, 6] and calendar.day_start.hour == 10
    boss.post(reverse("complaints:holiday_add"), {"hol-date": "2026-10-06", "hol-name": "عيد"})
    holiday = Holiday.objects.get()
    boss.post(reverse("complaints:holiday_delete", args=[holiday.pk]))
    assert not Holiday.objects.exists()


def test_dashboard_export_and_customer_section(world: dict[str, Any]) -> None:
    complaint = f.complaint(actor=world["seller"], customer=world["customer"])
    services.complaint_transition(actor=world["manager"], complaint=complaint, to="resolved", reason="تم")
    f.complaint(actor=world["seller"], customer=world["customer"], priority="urgent")
    services.complaints_mark_overdue(now=datetime(2099, 1, 1).astimezone())
    manager = login(world["manager"])
    page = manager.get(reverse("complaints:dashboard"))
    assert page.status_code == 200
    data = page.context["data"]
    assert data["totals"]["open"] == 2 and data["totals"]["overdue"] == 1 and data["resolved_count"] == 1
    assert login(world["seller"]).get(reverse("complaints:dashboard")).status_code == 403
    export = manager.get(reverse("complaints:complaint_list"), {"export": "xlsx"})
    assert export.status_code == 200 and "spreadsheet" in export["Content-Type"]
    assert login(world["seller"]).get(reverse("complaints:complaint_list"), {"export": "xlsx"}).status_code == 403
    # The customer page's complaints section loads after the page (a placeholder), in the seller's scope.
    seller = login(world["seller"])
    code = world["customer"].code
    customer_page = seller.get(reverse("customers:customer_detail", args=[code])).content.decode()
    section = reverse("customers:customer_section", args=[code, "complaints"])
    assert f'hx-get="{section}"' in customer_page and complaint.number not in customer_page
    assert complaint.number in seller.get(section).content.decode()


def test_the_customer_pages_complaints_section_is_bounded_and_needs_the_permission(
    world: dict[str, Any], make_user: Callable[..., Any], branch_a: Any, query_budget: Callable[..., list[int]]
) -> None:
    from django.contrib.auth.models import Permission

    code = world["customer"].code
    section = reverse("customers:customer_section", args=[code, "complaints"])
    seller = login(world["seller"])
    counts = query_budget(
        lambda n: f.bulk_complaints(
            count=n, customer=world["customer"], ctype=world["type"], created_by=world["seller"]
        ),
        lambda: seller.get(section),
    )
    assert counts[0] == counts[1]
    assert seller.get(section).context["s"]["context"]["complaints"]["total"] == 100
    # Denied: another branch's salesperson (the customer is out of their scope), and a user who may see the customer
    # but not complaints.
    assert login(world["seller_b"]).get(section).status_code == 404
    viewer = make_user(None, branch=branch_a)
    viewer.user_permissions.add(Permission.objects.get(codename="view_customers", content_type__app_label="customers"))
    assert login(viewer).get(reverse("customers:customer_detail", args=[code])).status_code == 200
    assert login(viewer).get(section).status_code == 404


def test_large_export_is_a_background_job_keeping_the_filters(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    urgent = [f.complaint(actor=world["seller"], customer=world["customer"], priority="urgent") for _n in range(2)]
    f.complaint(actor=world["seller"], customer=world["customer"])
    url = reverse("complaints:complaint_list") + "?export=xlsx&priority=urgent"
    rows = export_job_matches_immediate(login(world["manager"]), url, django_capture_on_commit_callbacks)
    assert {r[0] for r in rows[1:]} == {c.number for c in urgent}
