"""Demo complaints: the business calendar with Egypt's fixed holidays, complaint types, and complaints in every
state (new, in progress, resolved, awaiting evaluation, closed with an evaluation, escalated, overdue) for demo
customers and their orders, all through the services; then the delay-complaint job over the demo orders.

Runs after the orders demo (app order). Filed by the system administrator (who sees every customer).
"""

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from erp.accounts.models import User
from erp.complaints import services
from erp.complaints.models import Complaint, ComplaintType, ComplaintUpdate, CustomerEvaluation, Holiday
from erp.core.demodata import DemoContext, Progress, bulk_insert, row
from erp.core.models import Counter

SIZES = {"small": 40, "medium": 40, "large": 40}  # through the services (the bulk below adds volume)
# Above the small size, complaints in bulk on top: one per 50 orders (400 at medium, 20,000 at large).
BULK_SHARE = 50
BATCH = 5000
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


def _bulk(ctx: DemoContext, admin: Any, types: list[ComplaintType]) -> int:
    """Complaints on every 50th order, written like `complaint_create` writes them (numbers from the customers'
    counters, which are advanced past them; SLA deadlines from the type's calendar; search text; the department
    from the type), then moved on: started, resolved, or closed with the customer's evaluation, with their
    timeline rows. COPY'd on PostgreSQL."""
    from erp.orders.models import Order

    calendars: dict[int, Any] = {}
    calendar_of = {t.pk: services._type_calendar(t, calendars) for t in types}  # one query per type, not per row
    orders = Order.objects.select_related("customer").only(
        "pk", "customer__id", "customer__code", "customer__name", "customer__phone", "customer__branch"
    )
    total = Order.objects.count() // BULK_SHARE
    ids = list(Order.objects.order_by("pk").values_list("pk", flat=True)[::BULK_SHARE][:total])
    counters = dict(Counter.objects.filter(key__startswith="complaints.customer:").values_list("key", "value"))
    progress = Progress(ctx.stdout, "complaints", len(ids))
    now = timezone.now()
    closed_states = ["new", "in_progress", "resolved", "pending_evaluation", "closed", "closed", "closed", "closed"]
    made = 0
    for start in range(0, len(ids), BATCH):
        rows: list[Complaint] = []
        for order in orders.filter(pk__in=ids[start : start + BATCH]).order_by("pk"):
            customer = order.customer
            key = f"complaints.customer:{customer.pk}"
            counters[key] = counters.get(key, 0) + 1
            kind = ctx.rng.choice(types)
            filed = now - timedelta(days=ctx.rng.randint(0, 365), hours=ctx.rng.randint(0, 8))
            state = ctx.rng.choice(closed_states)
            complaint = row(
                Complaint,
                number=f"P{customer.code}-{counters[key]:03d}",
                customer=customer,
                branch_id=customer.branch_id,
                related_order=order if ctx.rng.random() < 0.8 else None,
                complaint_type=kind,
                priority=kind.default_priority,
                title=ctx.rng.choice(TITLES),
                description="تم تسجيل الشكوى عن طريق الهاتف.",
                assigned_to=kind.default_assignee,
                assigned_role=kind.default_role,
                assigned_branch_id=customer.branch_id
                if kind.default_role in ("branch_manager", "salesperson")
                else None,
                status=state,
                created_by=admin,
                started_at=filed + timedelta(hours=2) if state != "new" else None,
                resolved_at=filed + timedelta(days=1)
                if state in ("resolved", "pending_evaluation", "closed")
                else None,
                closed_at=filed + timedelta(days=3) if state == "closed" else None,
                resolution_note="تم التواصل مع العميل وحل المشكلة" if state != "new" and state != "in_progress" else "",
                **services.sla_deadlines(complaint_type=kind, start=filed, calendar=calendar_of[kind.pk]),
            )
            complaint.search_text = services.complaint_search_text(complaint, customer)
            complaint.created_at = complaint.updated_at = complaint.last_activity_at = filed
            rows.append(complaint)
        with transaction.atomic():
            bulk_insert(rows)
            updates = [
                row(ComplaintUpdate, complaint=c, kind=ComplaintUpdate.Kind.CREATED, to_status="new", user=admin)
                for c in rows
            ]
            updates += [
                row(
                    ComplaintUpdate,
                    complaint=c,
                    kind=ComplaintUpdate.Kind.STATUS,
                    from_status="new",
                    to_status=c.status,
                    user=admin,
                )
                for c in rows
                if c.status != "new"
            ]
            bulk_insert(updates)
            bulk_insert(
                row(
                    CustomerEvaluation,
                    complaint=c,
                    overall=(rating := ctx.rng.choice([3, 4, 4, 5, 5])),
                    response_speed=ctx.rng.randint(2, 5),
                    solution_quality=rating,
                    staff=ctx.rng.randint(3, 5),
                    would_recommend=rating >= 4,
                    recorded_by=admin,
                )
                for c in rows
                if c.status == "closed"
            )
        made += len(rows)
        progress.advance(len(rows))
    Counter.objects.bulk_create(
        [Counter(key=k, value=v) for k, v in counters.items()],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["value"],
    )
    return made


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
    bulk = _bulk(ctx, admin, types) if ctx.size != "small" else 0
    flagged = services.complaints_mark_overdue()
    # The delay job files one complaint per late open order through the service; above the small size that is
    # thousands of service calls, so there it is left to its nightly schedule.
    delays = services.complaints_create_delay_complaints() if ctx.size == "small" else []
    ctx.stdout.write(
        f"complaints: {len(orders)} filed in every state, {bulk} in bulk, {flagged['overdue']} overdue, "
        f"{flagged['escalated']} escalated automatically, {len(delays)} delay complaints"
    )
