"""Demo cutting work in every state.

Orders placed through the order service already have their cutting orders (the placement hand-off); they are moved
through the real services: some started, some cut (stock deducted once through the ledger), some cut then rejected
(stock returned). The demo's bulk orders (their hand-offs recorded as consumed) get their cutting orders here in
bulk, waiting, started or rejected before any cut: no stock moves for them, so the ledger stays equal to balances.
"""

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef

from erp.core.demodata import DemoContext, Progress, bulk_insert, row
from erp.core.exceptions import ApplicationError
from erp.core.text import normalize_search
from erp.cutting.models import CuttingEvent, CuttingItem, CuttingOrder, CuttingStatus
from erp.orders.models import Order, OrderItem

S = CuttingStatus
BATCH = 5000  # orders per round trip: about ten thousand item rows per insert
# Bulk orders given cutting orders, newest first: every open order with goods at every size (the small size has
# fewer than this cap; at large about 500,000 orders, COPY'd on PostgreSQL, one transaction per batch).
LIMITS = {"small": 5000, "medium": 1_000_000, "large": 10_000_000}
OPEN = (Order.Status.PENDING_APPROVAL, Order.Status.PENDING, Order.Status.IN_PROGRESS, Order.Status.COMPLETED)
CUTTERS = ["عم سيد", "أحمد القصاص", "محمود رجب"]
RECEIVERS = ["مصنع التفصيل", "خط الإنتاج 1", "كريم المستلم"]


def _admin() -> Any:
    from erp.accounts.models import User

    return User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


def _placed(ctx: DemoContext, admin: Any) -> dict[str, int]:
    """Drive the service-made cutting orders through the real transitions, one state each in turn."""
    from erp.cutting import services

    counts = {s.value: 0 for s in S}
    cutting_orders = list(
        CuttingOrder.objects.filter(order__status__in=OPEN).select_related("order").order_by("id")[:200]
    )
    for n, co in enumerate(cutting_orders):
        target = [S.PENDING, S.IN_PROGRESS, S.COMPLETED, S.REJECTED][n % 4]
        details = services.CutDetails(
            cutter=ctx.rng.choice(CUTTERS),
            permit_number=f"PR-{1000 + n}",
            receiver=ctx.rng.choice(RECEIVERS),
            bag_number=f"B{n:03d}",
        )
        try:
            with transaction.atomic():
                if target == S.IN_PROGRESS:
                    services.cutting_order_transition(cutting_order=co, user=admin, to=S.IN_PROGRESS)
                elif target in (S.COMPLETED, S.REJECTED):
                    services.cutting_order_transition(cutting_order=co, user=admin, to=S.COMPLETED, details=details)
                    if target == S.REJECTED:
                        item = co.items.order_by("id").first()
                        if item is not None:
                            services.cut_item_transition(
                                item=item, user=admin, to=S.REJECTED, reason="عيب في القماش (بيانات تجريبية)"
                            )
        except ApplicationError:
            target = S.PENDING  # not enough stock where negative stock is not allowed: it waits
        counts[target] += 1
    return counts


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _bulk(ctx: DemoContext, admin: Any) -> int:
    """Cutting orders for the bulk orders, in batches: per (order, warehouse), items from their goods."""
    has_cutting = CuttingOrder.objects.filter(order_id=OuterRef("pk"))
    ids = list(
        Order.objects.exclude(order_type=Order.Type.INSPECTION)
        .filter(~Exists(has_cutting), status__in=OPEN)
        .order_by("-id")
        .values_list("pk", flat=True)[: LIMITS.get(ctx.size, LIMITS["small"])]
    )
    progress = Progress(ctx.stdout, "cutting", len(ids))
    made = 0
    for chunk in _chunks(ids):
        with transaction.atomic():
            items: list[Any] = list(
                OrderItem.objects.filter(order_id__in=chunk, warehouse__isnull=False)
                .exclude(kind=OrderItem.Kind.SERVICE)
                .order_by("order_id", "position", "id")
                .values_list(
                    "id",
                    "order_id",
                    "warehouse_id",
                    "name",
                    "code",
                    "quantity",
                    "order__number",
                    "order__search_text",
                    named=True,
                )
            )  # plain rows: a million model instances would cost minutes at the large size
            keys: dict[tuple[int, int], CuttingOrder] = {}
            per_order: dict[int, int] = {}
            for item in items:
                key = (item.order_id, item.warehouse_id or 0)
                if key in keys:
                    continue
                per_order[item.order_id] = per_order.get(item.order_id, 0) + 1
                code = f"C-{item.order__number}-{per_order[item.order_id]}"
                keys[key] = row(
                    CuttingOrder,
                    code=code,
                    order_id=item.order_id,
                    warehouse_id=item.warehouse_id,
                    search_text=normalize_search(f"{code} {item.order__search_text}"),
                )
            for co in keys.values():  # the state each cutting order reaches (before its insert: no update after)
                co.status = ctx.rng.choice([S.PENDING, S.PENDING, S.IN_PROGRESS, S.REJECTED])
            cutting_orders = bulk_insert(keys.values())
            states = {co.pk: co.status for co in cutting_orders}
            rows = []
            seen: set[int] = set()
            for item in items:
                co = keys[(item.order_id, item.warehouse_id or 0)]
                state = states[co.pk]
                status = state if co.pk not in seen else S.PENDING  # the first item carries the state
                seen.add(co.pk)
                rows.append(
                    row(
                        CuttingItem,
                        cutting_order=co,
                        order_item_id=item.id,
                        name=item.name,
                        code=item.code,
                        quantity=item.quantity,
                        status=status,
                        rejection_reason="غير متوفر بالمخزن (بيانات تجريبية)" if status == S.REJECTED else "",
                    )
                )
            bulk_insert(rows)
            bulk_insert(row(CuttingEvent, cutting_order=co, to_status=S.PENDING, user=admin) for co in cutting_orders)
            bulk_insert(
                row(CuttingEvent, cutting_order=co, from_status=S.PENDING, to_status=co.status, user=admin)
                for co in cutting_orders
                if co.status != S.PENDING
            )
        made += len(cutting_orders)
        progress.advance(len(chunk))
    return made


def generate(ctx: DemoContext) -> None:
    admin = _admin()
    if admin is None:
        ctx.stdout.write("cutting: no admin, skipped")
        return
    if CuttingEvent.objects.filter(from_status__gt="").exists():
        ctx.stdout.write("cutting: demo cutting exists already, skipped")
        return
    counts = _placed(ctx, admin)
    bulk = _bulk(ctx, admin)
    ctx.stdout.write(f"cutting: placed orders' cutting moved to {counts}; {bulk} cutting orders in bulk")
