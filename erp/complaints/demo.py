"""Demo complaints: the business calendar with Egypt's fixed holidays, complaint types, and complaints in every
state (new, in progress, resolved, awaiting evaluation, closed with an evaluation, escalated, overdue) for demo
customers and their orders, all through the services; then the delay-complaint job over the demo orders.

Runs after the orders demo (app order). Filed by the system administrator (who sees every customer).
"""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from erp.accounts.models import User
from erp.complaints import services
from erp.complaints.models import Complaint, ComplaintType, Holiday
from erp.core.demodata import DemoContext

SIZES = {"small": 40, "medium": 200, "large": 1000}
TYPES = [
    # (code, Arabic, English, priority, response, resolution, escalation, department)
    ("", "عيب في القماش", "Fabric defect", "high", 4, 40, 24, "factory_manager"),
    ("", "سوء تركيب", "Bad installation", "high", 4, 32, 16, "installation_manager"),
    ("", "خطأ في المقاسات", "Wrong measurements", "medium", 8, 56, 32, "inspection_manager"),
    ("", "تعامل الموظفين", "Staff conduct", "medium", 8, 72, 48, "branch_manager"),
    ("", "استفسار عن الفاتورة", "Invoice question", "low", 8, 72, 0, "branch_manager"),
]
HOLIDAYS = [(1, 7, "عيد الميلاد المجيد"), (1, 25, "عيد الثورة"), (4, 25, "عيد تحرير سيناء"), (5, 1, "عيد العمال")]
HOLIDAYS += [(6, 30, "ذكرى ٣٠ يونيو"), (7, 23, "عيد ثورة يوليو"), (10, 6, "عيد القوات المسلحة")]
TITLES = ["اللون مختلف عن العينة", "الستارة أقصر من المطلوب", "تأخر الفني عن الموعد", "خيط مفكوك في الطرف"]
TITLES += ["الفاتورة بها خطأ", "الموظف لم يرد على الهاتف", "الكرنيش غير مثبت جيداً", "القماش به بقعة"]
# The share of complaints left in each state.
STATES = ["new", "in_progress", "resolved", "pending_evaluation", "closed", "closed", "escalated", "overdue"]


def _calendar() -> None:
    calendar = services.default_calendar()
    year = timezone.localdate().year
    Holiday.objects.bulk_create(
        [
            Holiday(calendar=calendar, date=date(y, m, d), name=name)
            for y in (year, year + 1)
            for m, d, name in HOLIDAYS
        ],
        ignore_conflicts=True,
    )


def _types() -> list[ComplaintType]:
    made = []
    for code, ar, en, priority, response, resolution, escalation, role in TYPES:
        made.append(
            ComplaintType.objects.get_or_create(
                name_ar=ar,
                defaults={
                    "code": code,
                    "name_en": en,
                    "default_priority": priority,
                    "response_hours": response,
                    "resolution_hours": resolution,
                    "escalation_hours": escalation,
                    "default_role": role,
                },
            )[0]
        )
    return made


def _walk(complaint: Complaint, state: str, admin: Any, ctx: DemoContext) -> None:
    move = services.complaint_transition
    if state == "new":
        return
    if state == "escalated":
        services.complaint_escalate(actor=admin, complaint=complaint, reason="العميل طلب التصعيد للإدارة")
        return
    move(actor=admin, complaint=complaint, to="in_progress")
    if state in ("in_progress", "overdue"):
        return
    move(actor=admin, complaint=complaint, to="resolved", reason="تم التواصل مع العميل وحل المشكلة")
    if state == "resolved":
        return
    move(actor=admin, complaint=complaint, to="pending_evaluation")
    rating = ctx.rng.choice([3, 4, 4, 5, 5])
    services.complaint_evaluate(
        actor=admin,
        complaint=complaint,
        overall=rating,
        response_speed=ctx.rng.randint(2, 5),
        solution_quality=rating,
        staff=ctx.rng.randint(3, 5),
        would_recommend=rating >= 4,
        comment="شكراً على سرعة الاستجابة" if rating >= 4 else "",
    )
    if state == "closed":
        move(actor=admin, complaint=complaint, to="closed")


def generate(ctx: DemoContext) -> None:
    from erp.orders.models import Order

    if Complaint.objects.exists():
        ctx.stdout.write("complaints: complaints exist already, skipped")
        return
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        ctx.stdout.write("complaints: no admin, skipped")
        return
    _calendar()
    types = _types()
    wanted = SIZES.get(ctx.size, SIZES["small"])
    orders = list(Order.objects.select_related("customer").order_by("id")[: wanted * 3])
    ctx.rng.shuffle(orders)  # seeded: the same seed files the same complaints
    orders = orders[:wanted]
    now = timezone.now()
    for i, order in enumerate(orders):
        state = STATES[i % len(STATES)]
        # Filed some days ago: older ones have passed their deadlines (the overdue job below flags them).
        filed = now - timedelta(days=ctx.rng.randint(0, 20), hours=ctx.rng.randint(0, 8))
        if state == "overdue":
            filed = now - timedelta(days=20)
        complaint = services.complaint_create(
            actor=admin,
            customer=order.customer,
            complaint_type=ctx.rng.choice(types),
            title=ctx.rng.choice(TITLES),
            description="تم تسجيل الشكوى عن طريق الهاتف.",
            related_order=order if ctx.rng.random() < 0.8 else None,
            priority=ctx.rng.choice([None, None, "urgent", "low"]),
            now=filed,
        )
        _walk(complaint, state, admin, ctx)
    flagged = services.complaints_mark_overdue()
    delays = services.complaints_create_delay_complaints()
    ctx.stdout.write(
        f"complaints: {len(orders)} filed in every state, {flagged['overdue']} overdue, "
        f"{flagged['escalated']} escalated automatically, {len(delays)} delay complaints"
    )
