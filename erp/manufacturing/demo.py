"""Demo factory: production lines serving every branch, factory orders for the demo's made-to-measure orders in
every factory state (the service-placed ones moved through the real services, the bulk ones created in bulk with
the state their order reached), received fabric bags and a modification order.

Runs after the orders demo (app order). The orders placed through the service already have their factory order
(the placement hook); the lines come after them, so those orders are routed here.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from erp.accounts.models import Branch, User
from erp.core.demodata import DemoContext, Progress, bulk_insert, row
from erp.core.exceptions import ApplicationError
from erp.core.text import normalize_search
from erp.manufacturing import services
from erp.manufacturing.models import FactoryItem, FactoryOrder, ProductionLine, ProductionLineRoute
from erp.orders.models import Order

S = FactoryOrder.Status
T = FactoryOrder.Type
BATCH = 5000
LINES = [("خط الستائر الأول", 30, 3), ("خط الستائر الثاني", 20, 2), ("خط الإكسسوارات", 40, 1)]
# The factory state a bulk order's status implies, per factory type.
FROM_ORDER: dict[str, str] = {
    Order.Status.PENDING_APPROVAL: S.PENDING_APPROVAL,
    Order.Status.PENDING: S.PENDING,
    Order.Status.IN_PROGRESS: S.IN_PROGRESS,
    Order.Status.READY_INSTALL: S.READY_INSTALL,
    Order.Status.COMPLETED: S.COMPLETED,
    Order.Status.DELIVERED: S.DELIVERED,
    Order.Status.REJECTED: S.REJECTED,
    Order.Status.CANCELLED: S.CANCELLED,
}
# Paths for the service-placed factory orders, so every state is reached through the real services.
PATHS: list[list[tuple[str, dict[str, str]]]] = [
    [],
    [(S.PENDING, {})],
    [(S.PENDING, {}), (S.IN_PROGRESS, {})],
    [(S.PENDING, {}), (S.IN_PROGRESS, {}), ("done", {})],
    [(S.PENDING, {}), (S.IN_PROGRESS, {}), ("done", {}), (S.DELIVERED, {"permit": "7001", "recipient": "العميل"})],
    [(S.REJECTED, {"reason": "المقاسات ناقصة"})],
    [(S.PENDING, {}), (S.CANCELLED, {"reason": "إلغاء من العميل"})],
]


def _admin() -> User | None:
    return User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


def _lines(branches: list[Branch]) -> list[ProductionLine]:
    lines = [ProductionLine.objects.create(name=n, capacity_per_day=c, priority=p) for n, c, p in LINES]
    routes = []
    for i, line in enumerate(lines):
        types = [T.ACCESSORY] if i == 2 else [T.INSTALLATION, T.CUSTOM, T.MODIFICATION]
        routes += [ProductionLineRoute(line=line, order_type=t, branch=b) for t in types for b in branches]
    ProductionLineRoute.objects.bulk_create(routes)
    return lines


def _route_existing(lines: list[ProductionLine]) -> None:
    for fo in FactoryOrder.objects.filter(line__isnull=True):
        fo.line = lines[2] if fo.order_type == T.ACCESSORY else lines[fo.pk % 2]
        fo.save(update_fields=["line"])


def _move_placed(ctx: DemoContext, admin: User) -> int:
    moved = 0
    placed = list(FactoryOrder.objects.select_related("order").order_by("pk"))
    for n, fo in enumerate(placed):
        for step, extra in PATHS[n % len(PATHS)]:
            to = step
            if step == "done":
                to = S.READY_INSTALL if fo.order_type == T.INSTALLATION else S.COMPLETED
            if to == S.DELIVERED and fo.order_type == T.INSTALLATION:
                break
            try:
                fo = services.factory_order_transition(factory_order=fo, user=admin, to=to, **extra)
            except (ApplicationError, ValidationError):
                break  # the order moved elsewhere already (cancelled or delivered): leave the factory order
        moved += 1
    rejected = next((fo for fo in FactoryOrder.objects.filter(status=S.REJECTED)), None)
    if rejected is not None:
        services.factory_order_reply(factory_order=rejected, user=admin, reply="تم إرسال المقاسات الصحيحة")
    return moved


def _bulk(ctx: DemoContext, lines: list[ProductionLine], admin: User) -> int:
    have = set(FactoryOrder.objects.values_list("order_id", flat=True))
    orders = (
        Order.objects.filter(order_type__in=services.TYPE_FOR_ORDER)
        .exclude(pk__in=have)
        .only("pk", "number", "branch_id", "priority", "order_type", "status", "expected_delivery_date", "search_text")
        .order_by("pk")
    )
    made = 0
    batch: list[FactoryOrder] = []
    progress = Progress(ctx.stdout, "factory orders", orders.count())

    def flush() -> None:
        created = bulk_insert(batch)
        now = timezone.now()
        bulk_insert(
            row(
                FactoryItem,
                factory_order=fo,
                cut_reference=f"C-D{fo.pk}",
                name="قماش ستارة",
                meters=Decimal("4.5"),
                bag_number=f"B{fo.pk}",
                received_at=now,
                received_by=admin,
                delivered_to_line_at=now if fo.status != S.PENDING else None,
            )
            for fo in created
            if fo.status in (S.PENDING, S.IN_PROGRESS, S.READY_INSTALL, S.COMPLETED, S.DELIVERED)
        )
        progress.advance(len(batch))
        batch.clear()

    for order in orders.iterator(chunk_size=BATCH):
        kind = services.TYPE_FOR_ORDER[order.order_type]
        status = FROM_ORDER[order.status]
        if kind == T.INSTALLATION and status in (S.COMPLETED, S.DELIVERED):
            status = S.READY_INSTALL
        if kind != T.INSTALLATION and status == S.READY_INSTALL:
            status = S.COMPLETED
        number = f"{order.number}-M"
        batch.append(
            row(
                FactoryOrder,
                number=number,
                order_id=order.pk,
                branch_id=order.branch_id,
                is_vip=order.priority == Order.Priority.VIP,
                order_type=kind,
                status=status,
                line=lines[2] if kind == T.ACCESSORY else lines[order.pk % 2],
                expected_date=order.expected_delivery_date,
                rejection_reason="القماش غير متوفر" if status == S.REJECTED else "",
                created_by=admin,
                search_text=normalize_search(f"{number} {order.search_text}"),
            )
        )
        made += 1
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return made


def _modification(admin: User) -> FactoryOrder | None:
    ready = FactoryOrder.objects.filter(order_type=T.INSTALLATION, status=S.READY_INSTALL).select_related("order")
    fo = ready.order_by("pk").first()
    if fo is None:
        return None
    return services.receive_modification_requested(
        order=fo.order,
        request_id=900001,
        items=[{"name": "تقصير الستارة 5 سم", "meters": "2"}],
        actor=admin,
        due_date=timezone.localdate() + timedelta(days=3),
    )


@transaction.atomic
def generate(ctx: DemoContext) -> None:
    if ProductionLine.objects.exists():
        ctx.stdout.write("manufacturing: lines exist already, skipped")
        return
    admin = _admin()
    branches: list[Any] = list(ctx.shared.get("branches") or Branch.objects.filter(is_active=True))
    if admin is None or not branches:
        ctx.stdout.write("manufacturing: no admin or branches, skipped")
        return
    lines = _lines(branches)
    _route_existing(lines)
    moved = _move_placed(ctx, admin)
    bulk = _bulk(ctx, lines, admin)
    _modification(admin)
    ctx.stdout.write(f"manufacturing: {len(lines)} lines, {moved} factory orders moved by the services, {bulk} in bulk")
