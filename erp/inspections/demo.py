"""Demo inspections: one per demo inspection order that has none yet (the orders placed through the service already
got theirs from the hand-off), in every state consistent with the order, and technicians with visits today."""

import itertools
from collections.abc import Iterator
from datetime import time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from erp.accounts.models import User
from erp.core.counters import counter_next
from erp.core.demodata import DemoContext, Progress, bulk_insert, row
from erp.inspections.models import Inspection, InspectionEvent
from erp.inspections.services import TECHNICIAN_ROLES, search_text
from erp.orders.models import Order

BATCH = 5000
S = Inspection.Status
OPEN = [S.PENDING, S.NOT_SCHEDULED, S.SCHEDULED, S.SCHEDULED, S.IN_PROGRESS, S.POSTPONED]
REASONS: dict[str, str] = {S.POSTPONED: "العميل طلب التأجيل", S.CANCELLED: "ألغى العميل المعاينة"}
TODAY_PER_TECHNICIAN = 3
NOTES = ["الدور الثالث بدون أسانسير", "الاتصال قبل الزيارة بساعة", "شبابيك ألوميتال", ""]


def _state(ctx: DemoContext, order: Order, open_states: Iterator[str]) -> tuple[str, str]:
    """(status, result) consistent with the order: completed → passed, rejected → failed, cancelled → cancelled;
    open orders cycle through every open state."""
    if order.status in (Order.Status.COMPLETED, Order.Status.DELIVERED):
        return S.COMPLETED, Inspection.Result.PASSED
    if order.status == Order.Status.REJECTED:
        return S.COMPLETED, Inspection.Result.FAILED
    if order.status == Order.Status.CANCELLED:
        return S.CANCELLED, ""
    return next(open_states), ""


def _rows(
    ctx: DemoContext,
    orders: list[Order],
    technicians: list[User],
    admin: Any,
    start: int,
    today_visits: dict[int, int],
    open_states: Iterator[str],
) -> list[Inspection]:
    today = timezone.localdate()
    rows = []
    for offset, order in enumerate(orders):
        n = start + offset
        status, result = _state(ctx, order, open_states)
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
            row(
                Inspection,
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


def _standalone_extras(ctx: DemoContext, technicians: list[User], admin: Any, today_visits: dict[int, int]) -> int:
    """Standalone inspections (no order) in whatever state the orders did not produce, so every state shows, and
    visits today for each technician the orders left without (their mobile page has work)."""
    from erp.customers.models import Customer

    statuses = set(Inspection.objects.values_list("status", flat=True).distinct())
    results = set(Inspection.objects.exclude(result="").values_list("result", flat=True).distinct())
    wanted: list[tuple[str, str]] = [(s, "") for s in S.values if s != S.COMPLETED and s not in statuses]
    wanted += [(S.COMPLETED, r) for r in Inspection.Result.values if r not in results]
    today_for: list[User] = []
    for tech in technicians:
        for missing in (S.SCHEDULED, S.IN_PROGRESS)[today_visits[tech.pk] :]:
            wanted.append((str(missing), ""))
            today_for.append(tech)
    owners: list[User | None] = [None] * (len(wanted) - len(today_for))
    owners += today_for
    customers = list(Customer.objects.order_by("pk")[:50])
    if not customers:
        return 0
    today = timezone.localdate()
    for (status, result), owner in zip(wanted, owners, strict=True):
        customer = ctx.rng.choice(customers)
        number = f"{customer.code}-I{counter_next(f'inspections.standalone:{customer.pk}'):02d}"
        scheduled = status not in (S.PENDING, S.NOT_SCHEDULED)
        inspection = Inspection.objects.create(
            number=number,
            customer=customer,
            branch_id=customer.branch_id,
            status=status,
            result=result,
            windows_count=ctx.rng.randint(1, 12) if status == S.COMPLETED else None,
            scheduled_date=today if scheduled else None,
            scheduled_time=time(ctx.rng.randint(9, 18), 0) if scheduled else None,
            technician=owner or (technicians[0] if scheduled and technicians else None),
            status_reason=REASONS.get(status, "مقاسات غير مناسبة" if result == "failed" else ""),
            created_by=admin,
            completed_at=timezone.now() if status == S.COMPLETED else None,
            search_text=search_text(number, customer),
        )
        InspectionEvent.objects.create(inspection=inspection, to_status=status, user=admin, details={"demo": True})
    return len(wanted)


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
    open_states = itertools.cycle(OPEN)  # open orders' inspections go through every open state in turn
    while True:
        orders = list(todo.filter(pk__gt=last_pk)[:BATCH])
        if not orders:
            break
        last_pk = orders[-1].pk
        with transaction.atomic():
            created = bulk_insert(_rows(ctx, orders, technicians, admin, made, today_visits, open_states))
            bulk_insert(
                event
                for i in created
                for event in (
                    [row(InspectionEvent, inspection=i, to_status=S.PENDING, user=admin)]
                    + (
                        [row(InspectionEvent, inspection=i, from_status=S.PENDING, to_status=i.status, user=admin)]
                        if i.status != S.PENDING
                        else []
                    )
                )
            )
        made += len(created)
        progress.advance(len(created))
    standalone = _standalone_extras(ctx, technicians, admin, today_visits)
    ctx.stdout.write(
        f"inspections: {made} for the demo's inspection orders, {standalone} standalone, {len(technicians)} technicians"
    )
