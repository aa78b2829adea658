"""Demo inspections: one per demo inspection order that has none yet (the orders placed through the service already
got theirs from the hand-off), in every state consistent with the order, and technicians with visits today."""

from datetime import time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from erp.accounts.models import User
from erp.core.demodata import DemoContext, Progress
from erp.inspections.models import Inspection, InspectionEvent
from erp.inspections.services import TECHNICIAN_ROLES, search_text
from erp.orders.models import Order

BATCH = 1000
S = Inspection.Status
OPEN = [S.PENDING, S.NOT_SCHEDULED, S.SCHEDULED, S.SCHEDULED, S.IN_PROGRESS, S.POSTPONED]
REASONS: dict[str, str] = {S.POSTPONED: "العميل طلب التأجيل", S.CANCELLED: "ألغى العميل المعاينة"}
TODAY_PER_TECHNICIAN = 3
NOTES = ["الدور الثالث بدون أسانسير", "الاتصال قبل الزيارة بساعة", "شبابيك ألوميتال", ""]


def _state(ctx: DemoContext, order: Order, index: int) -> tuple[str, str]:
    """(status, result) consistent with the order: completed → passed, rejected → failed, cancelled → cancelled;
    open orders cycle through every open state."""
    if order.status in (Order.Status.COMPLETED, Order.Status.DELIVERED):
        return S.COMPLETED, Inspection.Result.PASSED
    if order.status == Order.Status.REJECTED:
        return S.COMPLETED, Inspection.Result.FAILED
    if order.status == Order.Status.CANCELLED:
        return S.CANCELLED, ""
    return OPEN[index % len(OPEN)], ""


def _rows(
    ctx: DemoContext, orders: list[Order], technicians: list[User], admin: Any, start: int, today_visits: dict[int, int]
) -> list[Inspection]:
    today = timezone.localdate()
    rows = []
    for offset, order in enumerate(orders):
        n = start + offset
        status, result = _state(ctx, order, n)
        scheduled = status not in (S.PENDING, S.NOT_SCHEDULED)
        technician = technicians[n % len(technicians)] if scheduled and technicians else None
        day = None
        if scheduled and technicians and status in (S.SCHEDULED, S.IN_PROGRESS):
            # Every technician gets visits today first (their mobile page has work), then visits spread out.
            least = min(technicians, key=lambda t: (today_visits[t.pk], t.pk))
            if today_visits[least.pk] < TODAY_PER_TECHNICIAN:
                technician, day = least, today
                today_visits[least.pk] += 1
        if scheduled and day is None:
            day = today + timedelta(days=ctx.rng.randint(-20, 10))
        number = f"{order.number}-I"
        rows.append(
            Inspection(
                number=number,
                order=order,
                customer=order.customer,
                branch_id=order.branch_id,
                status=status,
                result=result,
                windows_count=ctx.rng.randint(1, 12) if status == S.COMPLETED else None,
                payment_status=ctx.rng.choice(Inspection.Payment.values),
                scheduled_date=day,
                scheduled_time=time(ctx.rng.randint(9, 18), ctx.rng.choice([0, 30])) if scheduled else None,
                technician=technician,
                notes=ctx.rng.choice(NOTES),
                status_reason=REASONS.get(status, "مقاسات غير مناسبة" if result == "failed" else ""),
                created_by=admin,
                completed_at=timezone.now() if status == S.COMPLETED else None,
                search_text=search_text(number, order.customer),
            )
        )
    return rows


def generate(ctx: DemoContext) -> None:
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        ctx.stdout.write("inspections: no admin, skipped")
        return
    technicians = list(
        User.objects.filter(is_active=True, roles__key__in=TECHNICIAN_ROLES).distinct().order_by("username")
    )
    todo = (
        Order.objects.filter(order_type=Order.Type.INSPECTION, inspections__isnull=True)
        .select_related("customer")
        .order_by("pk")
    )
    total = todo.count()
    progress = Progress(ctx.stdout, "inspections", total)
    made = 0
    last_pk = 0
    today_visits = {t.pk: 0 for t in technicians}
    while True:
        orders = list(todo.filter(pk__gt=last_pk)[:BATCH])
        if not orders:
            break
        last_pk = orders[-1].pk
        with transaction.atomic():
            created = Inspection.objects.bulk_create(_rows(ctx, orders, technicians, admin, made, today_visits))
            InspectionEvent.objects.bulk_create(
                event
                for i in created
                for event in (
                    [InspectionEvent(inspection=i, to_status=S.PENDING, user=admin)]
                    + (
                        [InspectionEvent(inspection=i, from_status=S.PENDING, to_status=i.status, user=admin)]
                        if i.status != S.PENDING
                        else []
                    )
                )
            )
        made += len(created)
        progress.advance(len(created))
    ctx.stdout.write(f"inspections: {made} for the demo's inspection orders, {len(technicians)} technicians")
