"""Demo orders: salespeople per branch, promo codes in every state, a handful of orders placed through the real
service and moved through every status, then bulk orders (items, payments, timeline, hand-offs) for volume.

Runs after the customers and inventory demos (app order). Bulk orders take their numbers from the same locked
counters the service uses (the counters are advanced past them), and their totals are computed with the service's
own arithmetic, so `manage.py check_order_totals` passes on demo data. Bulk products orders do not move stock
(only the service-placed ones do), so the stock ledger stays equal to the balances.
"""

from contextlib import nullcontext
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from erp.accounts.models import User
from erp.accounts.roles import RoleKey
from erp.core.demodata import DemoContext, Progress, bulk_insert, deferred_indexes, row
from erp.core.models import Counter
from erp.customers.models import Customer, CustomerType
from erp.inventory.models import Product, StockBalance, Variant, Warehouse
from erp.inventory.services import variant_price
from erp.orders import services
from erp.orders.models import (
    Order,
    OrderEvent,
    OrderHandoff,
    OrderInvoice,
    OrderItem,
    Payment,
    PaymentAllocation,
    PromoCode,
    Salesperson,
)
from erp.orders.transitions import order_transition

SIZES = {"small": 60, "medium": 20_000, "large": 1_000_000}
# Items per bulk order: 1-4 at the small size (the tests' data), 1-5 above (3 on average: 3,000,000 at large).
MAX_ITEMS = {"small": 4, "medium": 5, "large": 5}
BATCH = 1000
BIG_BATCH = 5000  # orders per transaction above the small size
S = Order.Status
T = Order.Type
# A path through the lifecycle to each status, per type.
PATHS: dict[str, dict[str, list[str]]] = {
    T.INSTALLATION: {
        S.PENDING_APPROVAL: [],
        S.PENDING: [S.PENDING],
        S.IN_PROGRESS: [S.PENDING, S.IN_PROGRESS],
        S.READY_INSTALL: [S.PENDING, S.IN_PROGRESS, S.READY_INSTALL],
        S.COMPLETED: [S.PENDING, S.IN_PROGRESS, S.READY_INSTALL, S.COMPLETED],
        S.REJECTED: [S.REJECTED],
        S.CANCELLED: [S.CANCELLED],
    },
    T.PRODUCTS: {
        S.PENDING: [],
        S.IN_PROGRESS: [S.IN_PROGRESS],
        S.COMPLETED: [S.IN_PROGRESS, S.COMPLETED],
        S.DELIVERED: [S.IN_PROGRESS, S.COMPLETED, S.DELIVERED],
        S.CANCELLED: [S.CANCELLED],
    },
}


def _admin() -> User | None:
    return User.objects.filter(is_superuser=True).order_by("pk").first()


def _ensure_customers(ctx: DemoContext, admin: User, branches: list[Any]) -> None:
    """Without the customers demo (this app alone), a few customers through the customers service."""
    from erp.customers.services import customer_create

    if Customer.objects.exists():
        return
    kind, _created = CustomerType.objects.get_or_create(code="retail", defaults={"name": "قطاعي"})
    for branch in branches:
        for _ in range(5):
            first, last = ctx.person_name()
            customer_create(actor=admin, branch=branch, name=f"{first} {last}", customer_type=kind, phone=ctx.mobile())


def _salespeople(ctx: DemoContext, branches: list[Any]) -> dict[int, list[Salesperson]]:
    sellers = {u.branch_id: u for u in User.objects.filter(roles__key=RoleKey.SALESPERSON).order_by("pk")}
    rows = []
    for branch in branches:
        login = sellers.get(branch.pk)
        if login is not None and not Salesperson.objects.filter(user=login).exists():
            rows.append(Salesperson(name=login.display_name, branch=branch, user=login))
        for _ in range(2):  # salespeople without a login (B §5.3)
            first, last = ctx.person_name()
            rows.append(Salesperson(name=f"{first} {last}", branch=branch, phone=ctx.mobile()))
    Salesperson.objects.bulk_create(rows)
    out: dict[int, list[Salesperson]] = {}
    for sp in Salesperson.objects.order_by("pk"):
        out.setdefault(sp.branch_id, []).append(sp)
    return out


def _promos(ctx: DemoContext, admin: User) -> list[PromoCode]:
    now = timezone.now()
    rows = []
    for i in range(24):
        status = [PromoCode.Status.ACTIVE, PromoCode.Status.EXPIRED, PromoCode.Status.CANCELLED][i % 3]
        rows.append(
            PromoCode(
                code=f"DEMO{i + 1:03d}",
                discount_percent=Decimal(ctx.rng.choice([5, 7, 10, 12, 15])),
                status=status,
                expires_at=now + timedelta(days=30) if status != PromoCode.Status.EXPIRED else now - timedelta(days=3),
                issued_by=admin,
                cancelled_by=admin if status == PromoCode.Status.CANCELLED else None,
                cancelled_at=now if status == PromoCode.Status.CANCELLED else None,
            )
        )
    return PromoCode.objects.bulk_create(rows)


def _stocked(warehouse_ids: list[int]) -> list[tuple[Variant, int, Decimal]]:
    """(variant, warehouse id, quantity) with at least 20 in stock, fabrics and accessories, ordered by codes (a
    seed reproduces the data). Plain lookups, sorted here: no join for the planner to get wrong on fresh tables."""
    balances = list(
        StockBalance.objects.filter(warehouse_id__in=warehouse_ids, quantity__gte=20)
        .order_by("variant_id", "warehouse_id")
        .values_list("variant_id", "warehouse_id", "quantity")[:2000]
    )
    variants = Variant.objects.select_related("product").in_bulk({v for v, _w, _q in balances})
    codes = dict(Warehouse.objects.values_list("pk", "code"))
    rows = [
        (variants[v], w, q)
        for v, w, q in balances
        if v in variants and variants[v].product.kind != Product.Kind.SERVICE
    ]
    rows.sort(key=lambda r: (r[0].code, codes.get(r[1], "")))
    return rows[:400]


def _placed_orders(ctx: DemoContext, admin: User, sellers: dict[int, list[Salesperson]]) -> int:
    """Orders through the real service and transitions: every type, every status."""
    customers = list(
        Customer.objects.filter(status=Customer.Status.ACTIVE).select_related("branch", "customer_type")[:40]
    )
    stock = _stocked(list(Warehouse.objects.values_list("pk", flat=True)))
    service = Variant.objects.filter(product__kind=Product.Kind.SERVICE).select_related("product").first()
    if not customers or not stock:
        return 0
    promos = list(PromoCode.objects.filter(status=PromoCode.Status.ACTIVE).order_by("pk")[:3])
    made = 0
    plans: list[tuple[str, str]] = [(T.INSTALLATION, s) for s in PATHS[T.INSTALLATION]]
    plans += [(T.PRODUCTS, s) for s in PATHS[T.PRODUCTS]]
    plans += [(T.TAILORING, S.PENDING_APPROVAL), (T.ACCESSORY, S.PENDING), (T.INSPECTION, S.PENDING)]
    for n, (order_type, status) in enumerate(plans):
        customer = customers[n % len(customers)]
        variant, warehouse_id, _qty = stock[n % len(stock)]
        kind = variant.product.kind
        items = [services.ItemInput(variant.pk, Decimal("2.5"), warehouse_id=warehouse_id)]
        if order_type == T.INSPECTION:
            items = [services.ItemInput(service.pk, Decimal(1))] if service else []
        rooms = []
        if order_type in (T.INSTALLATION, T.TAILORING) and kind == Product.Kind.FABRIC:
            rooms = [
                services.RoomInput(
                    "الصالة",
                    Decimal(320),
                    Decimal(270),
                    curtain_box=True,
                    fabrics=[services.FabricInput("light", Decimal("2.5"), item_index=0, tailoring_type="eyelet")],
                    accessories=[services.AccessoryInput("مجرى ألومنيوم", Decimal(1), size="3.2م", colour="أبيض")],
                )
            ]
        promo = promos.pop().code if promos and n % 4 == 0 else ""
        order = services.order_place(
            actor=admin,
            customer=customer,
            order_type=order_type,
            items=items,
            branch=customer.branch,
            salesperson=next(iter(sellers.get(customer.branch_id, [])), None),
            priority=Order.Priority.VIP if n % 5 == 0 else Order.Priority.NORMAL,
            invoice_numbers=[f"D{n + 1:04d}"] if order_type != T.INSPECTION else [],
            promo_code=promo,
            rooms=rooms,
            waive_down_payment=True,
            payment=None,
        )
        if order.total:
            services.payment_record(
                actor=admin, customer=customer, order=order, amount=(order.total / 2).quantize(Decimal("0.01"))
            )
        for step in PATHS.get(order_type, {}).get(status, []):
            order_transition(order=order, user=admin, to=step, reason="بيانات تجريبية")
        made += 1
    return made


FINISHED = (S.COMPLETED, S.DELIVERED, S.CANCELLED, S.REJECTED)
FINISHED_WEIGHTS: dict[str, int] = {S.COMPLETED: 40, S.DELIVERED: 45, S.CANCELLED: 10, S.REJECTED: 5}


def _aged_status(ctx: DemoContext, order_type: str, age_days: int) -> str:
    """Above the small size: a status the order's type can reach, finished for most orders older than a month
    (as in a real company: the open work is the recent work), open or finished for recent ones."""
    reachable = list(PATHS.get(order_type, PATHS[T.INSTALLATION]))
    if order_type == T.INSPECTION:
        reachable = [S.PENDING, S.IN_PROGRESS, S.COMPLETED, S.CANCELLED]
    if age_days > 30 and ctx.rng.random() < 0.97:
        done = [s for s in reachable if s in FINISHED]
        return ctx.rng.choices(done, [FINISHED_WEIGHTS[s] for s in done])[0]
    return ctx.rng.choice(reachable)


def _bulk_orders(ctx: DemoContext, admin: User, sellers: dict[int, list[Salesperson]], total: int) -> int:
    # Every customer above the small size (the first 5,000 there); only the fields an order copies.
    customers = list(
        Customer.objects.select_related("customer_type")
        .only("pk", "code", "name", "phone", "phone2", "branch_id", "customer_type__pricing_type")
        .order_by("pk")[: 5000 if ctx.size == "small" else None]
    )
    variants = list(
        Variant.objects.select_related("product")
        .exclude(product__kind=Product.Kind.SERVICE)
        .order_by("pk")[: 500 if ctx.size == "small" else None]
    )
    # (Balance primary keys follow set order in the stock writer; order by codes so a seed reproduces the data.)
    warehouses = dict(
        StockBalance.objects.values_list("variant_id", "warehouse_id").order_by("variant_id", "warehouse__code")
    )
    if not customers or not variants:
        return 0
    counters = dict(Counter.objects.filter(key__startswith="orders.order:").values_list("key", "value"))
    next_number = {c.pk: counters.get(f"orders.order:{c.pk}", 0) for c in customers}
    contracts = {c.pk: 0 for c in customers}
    for key, value in Counter.objects.filter(key__startswith="orders.contract:").values_list("key", "value"):
        contracts[int(key.rsplit(":", 1)[1])] = value
    statuses = list(S.values)
    small = ctx.size == "small"
    types = list(T.values)
    today = timezone.localdate()
    conf = services.order_settings()
    progress = Progress(ctx.stdout, "orders", total)
    items_progress = Progress(ctx.stdout, "order items", total * (MAX_ITEMS.get(ctx.size, 4) + 1) // 2)
    max_items = MAX_ITEMS.get(ctx.size, 4)
    batch = BATCH if ctx.size == "small" else BIG_BATCH
    prices: dict[tuple[int, bool], Decimal] = {}
    done = 0
    big_tables = (Order, OrderItem, OrderInvoice, Payment, PaymentAllocation, OrderEvent, OrderHandoff)
    with deferred_indexes(*big_tables) if not small else nullcontext():
        while done < total:
            size = min(batch, total - done)
            orders: list[Order] = []
            lines: list[list[OrderItem]] = []
            for _ in range(size):
                customer = ctx.rng.choice(customers)
                order_type = ctx.rng.choice(types)
                next_number[customer.pk] += 1
                contract = ""
                if order_type in (T.INSTALLATION, T.TAILORING):
                    contracts[customer.pk] += 1
                    contract = f"c{contracts[customer.pk]}"
                items = []
                wholesale = customer.customer_type.pricing_type == "wholesale"
                for position in range(1, ctx.rng.randint(1, max_items) + 1):
                    variant = ctx.rng.choice(variants)
                    quantity = Decimal(ctx.rng.choice(["1", "2", "2.5", "3.75", "6", "10"]))
                    price = prices.get((variant.pk, wholesale))
                    if price is None:
                        price = prices[(variant.pk, wholesale)] = variant_price(variant, wholesale=wholesale)
                    percent = Decimal(ctx.rng.choice([0, 0, 0, 5, 10]))
                    amounts = services.line_amounts(quantity, price, percent)
                    items.append(
                        row(
                            OrderItem,
                            position=position,
                            variant=variant,
                            warehouse_id=warehouses.get(variant.pk),
                            kind=variant.product.kind,
                            name=variant.product.name,
                            code=variant.code,
                            quantity=quantity,
                            unit_price=price,
                            discount_percent=percent,
                            gross=amounts.gross,
                            discount_amount=amounts.discount,
                            net=amounts.net,
                        )
                    )
                totals = services.compute_totals(
                    [services.LineAmounts(i.gross, i.discount_amount, i.net) for i in items],
                    financial_addition=Decimal(ctx.rng.choice([0, 0, 50])),
                )
                day = today - timedelta(days=ctx.rng.randint(0, 365))
                priority = Order.Priority.VIP if ctx.rng.random() < 0.1 else Order.Priority.NORMAL
                paid = (totals.total * Decimal(ctx.rng.choice(["0.5", "0.5", "0.75", "1"]))).quantize(Decimal("0.01"))
                number = f"{customer.code}-{next_number[customer.pk]:04d}"
                order = row(
                    Order,
                    number=number,
                    customer=customer,
                    branch_id=customer.branch_id,
                    salesperson=ctx.rng.choice(sellers.get(customer.branch_id) or [None]),
                    created_by=admin,
                    order_type=order_type,
                    priority=priority,
                    # (drawn here, after the salesperson: the small size keeps its random sequence)
                    status=ctx.rng.choice(statuses) if small else _aged_status(ctx, order_type, (today - day).days),
                    order_date=day,
                    expected_delivery_date=day
                    + timedelta(days=conf.delivery_days_for(priority=priority, order_type=order_type)),
                    contract_number=contract,
                    invoice_numbers=f"B{number}" if order_type != T.INSPECTION else "",
                    subtotal=totals.subtotal,
                    items_discount=totals.items_discount,
                    financial_addition=totals.financial_addition,
                    total=totals.total,
                    paid=paid,
                    balance=totals.total - paid,
                )
                order.search_text = services.order_search_text(order, customer)
                orders.append(order)
                lines.append(items)
            with transaction.atomic():
                bulk_insert(orders)
                for order, items in zip(orders, lines, strict=True):
                    for item in items:
                        item.order = order
                order_items = bulk_insert([i for items in lines for i in items])
                bulk_insert(
                    [
                        row(OrderInvoice, order=o, number=o.invoice_numbers, position=1)
                        for o in orders
                        if o.invoice_numbers
                    ]
                )
                payments = bulk_insert(
                    [
                        row(
                            Payment,
                            customer=o.customer,
                            order=o,
                            amount=o.paid,
                            payment_date=o.order_date,
                            created_by=admin,
                        )
                        for o in orders
                        if o.paid
                    ]
                )
                bulk_insert([row(PaymentAllocation, payment=p, order=p.order, amount=p.amount) for p in payments])
                bulk_insert(
                    [
                        row(
                            OrderEvent,
                            order=o,
                            kind=OrderEvent.Kind.CREATED,
                            to_status=services.initial_status(o.order_type),
                            user=admin,
                            details={"number": o.number, "type": o.order_type, "total": str(o.total)},
                        )
                        for o in orders
                    ]
                )
                bulk_insert(
                    [
                        row(OrderHandoff, order=o, kind=kind, status=OrderHandoff.Status.CONSUMED)
                        for o, items in zip(orders, lines, strict=True)
                        for kind in services.handoffs_for(o.order_type, items)
                    ]
                )
            items_progress.advance(len(order_items))
            done += size
            progress.advance(size)
        items_progress.finish()
    # The next service-placed order of each customer continues after the demo's numbers (one upsert per batch).
    rows = [Counter(key=f"orders.order:{pk}", value=v) for pk, v in next_number.items() if v]
    rows += [Counter(key=f"orders.contract:{pk}", value=v) for pk, v in contracts.items() if v]
    Counter.objects.bulk_create(
        rows, batch_size=BATCH, update_conflicts=True, unique_fields=["key"], update_fields=["value"]
    )
    return done


def _drafts(ctx: DemoContext, admin: User) -> int:
    """Order drafts (what the entry screen auto-saves) for the admin and each salesperson with a login: one still
    without a customer, one with a customer and items ready to review."""
    from erp.orders.drafts import draft_title, payload_from_post
    from erp.orders.models import OrderDraft

    stock = _stocked(list(Warehouse.objects.values_list("pk", flat=True)))[:20]
    users = [admin, *User.objects.filter(roles__key=RoleKey.SALESPERSON).order_by("pk")[:5]]
    rows = []
    for user in users:
        customer = (
            Customer.objects.filter(status=Customer.Status.ACTIVE, branch_id=user.branch_id or 0).order_by("pk").first()
            or Customer.objects.filter(status=Customer.Status.ACTIVE).order_by("pk").first()
        )
        form: dict[str, Any] = {"order_type": T.PRODUCTS, "priority": "normal", "delivery_type": "branch"}
        rows.append(OrderDraft(user=user, payload=payload_from_post(form), title=draft_title(form, None)))
        if customer is None or not stock:
            continue
        form = {**form, "customer": str(customer.pk), "notes": "مسودة تجريبية"}
        for n, (variant, warehouse_id, _quantity) in enumerate(ctx.rng.sample(stock, min(3, len(stock)))):
            form[f"items-{n}-variant"] = str(variant.pk)
            form[f"items-{n}-code"] = variant.code
            form[f"items-{n}-name"] = variant.product.name
            form[f"items-{n}-warehouse"] = str(warehouse_id)
            form[f"items-{n}-quantity"] = str(ctx.rng.choice([1, 2, 3, 4]))
            form[f"items-{n}-discount_percent"] = "0"
        payload = payload_from_post(form)
        rows.append(OrderDraft(user=user, payload=payload, title=draft_title(payload, customer)))
    OrderDraft.objects.bulk_create(rows)
    return len(rows)


def generate(ctx: DemoContext) -> None:
    if Order.objects.exists():
        ctx.stdout.write("orders: orders exist already, skipped")
        return
    admin = _admin()
    branches = ctx.shared.get("branches") or []
    if admin is None or not branches:
        ctx.stdout.write("orders: no admin or branches, skipped")
        return
    _ensure_customers(ctx, admin, branches)
    sellers = _salespeople(ctx, branches)
    _promos(ctx, admin)
    placed = _placed_orders(ctx, admin, sellers)
    bulk = _bulk_orders(ctx, admin, sellers, SIZES.get(ctx.size, SIZES["small"]))
    drafts = _drafts(ctx, admin)
    ctx.stdout.write(f"orders: {placed} placed through the service, {bulk} in bulk, 24 promo codes, {drafts} drafts")
