"""A realistic catalogue: fabrics by the meter in several colours, accessories and services, stocked in warehouses."""

from decimal import Decimal
from typing import Any

from django.db import transaction

from erp.core.demodata import DemoContext, Progress
from erp.inventory import catalogue_demo, services
from erp.inventory.models import Product, StockMovement, Warehouse
from erp.inventory.services import StockLine

CATEGORIES = {
    "أقمشة ستائر": ["بلاك أوت", "شيفون", "كتان", "قطيفة"],
    "إكسسوارات": ["مواسير وكرانيش", "حلقات وخطافات", "أحزمة وشراشيب"],
    "خدمات": ["تفصيل", "تركيب"],
}
COLOURS = [
    ("WH", "أبيض"),
    ("BJ", "بيج"),
    ("GR", "رمادي"),
    ("NV", "كحلي"),
    ("GD", "ذهبي"),
    ("BR", "بني"),
    ("OL", "زيتي"),
]
FABRIC_WORDS = ["ملكي", "فاخر", "تركي", "إيطالي", "مطرز", "سادة", "مقلم", "جاكار"]
ACCESSORIES = [
    ("ماسورة ألومنيوم", "piece"),
    ("كرنيش خشب", "piece"),
    ("حلقات معدن (10 قطع)", "pack"),
    ("شرابة", "piece"),
    ("حزام ستارة", "piece"),
]
SERVICES = [("تفصيل ستارة بالمتر", "meter"), ("تركيب ستارة", "service")]

SIZES = {"small": 40, "medium": 2000, "large": 20000}  # variants, roughly


@transaction.atomic
def generate(ctx: DemoContext) -> None:
    if Product.objects.exists():
        ctx.stdout.write("inventory: catalogue exists already, skipped")
        return
    leaves = {}
    for root_name, children in CATEGORIES.items():
        root = services.category_create(name=root_name)
        for child in children:
            leaves[child] = services.category_create(name=child, parent=root)
    branches = ctx.shared.get("branches") or []
    warehouses = [
        services.warehouse_create(code=f"WH-{b.code}", name=f"مخزن {b.name}", branch=b, is_official_fabric=(i == 0))
        for i, b in enumerate(branches)
    ]
    target_variants = SIZES.get(ctx.size, 40)
    fabric_leaves = [leaves[n] for n in CATEGORIES["أقمشة ستائر"]]
    if ctx.size == "small":
        _fabrics_through_service(ctx, fabric_leaves, warehouses, target_variants)
    else:
        _fabrics_in_bulk(ctx, fabric_leaves, warehouses, target_variants)
    for i, (name, unit) in enumerate(ACCESSORIES, start=1):
        price = Decimal(ctx.rng.randrange(20, 400, 5))
        product = services.product_create(
            code=f"A{i:04d}",
            name=name,
            category=ctx.rng.choice([leaves[n] for n in CATEGORIES["إكسسوارات"]]),
            kind=Product.Kind.ACCESSORY,
            unit=unit,
            retail_price=price,
            wholesale_price=(price * Decimal("0.8")).quantize(Decimal("1")),
            minimum_stock=Decimal(10),
        )
        _stock(ctx, product, warehouses)
    for i, (name, unit) in enumerate(SERVICES, start=1):
        services.product_create(
            code=f"S{i:03d}",
            name=name,
            category=leaves[CATEGORIES["خدمات"][i - 1]],
            kind=Product.Kind.SERVICE,
            unit=unit,
            retail_price=Decimal(60 * i),
            wholesale_price=Decimal(50 * i),
        )
    _transfers(ctx, warehouses)
    from erp.inventory.demo_ops import generate_operations

    generate_operations(ctx, warehouses)
    catalogue_demo.generate(ctx, warehouses)  # price history, a bulk price update, photos, a finished import
    ctx.stdout.write(f"inventory: {Product.objects.count()} products, {len(warehouses)} warehouses")


def _fabric_fields(ctx: DemoContext, leaves: list[Any], n: int) -> dict[str, Any]:
    leaf = ctx.rng.choice(leaves)
    price = Decimal(ctx.rng.randrange(80, 900, 5))
    return {
        "code": f"F{n:05d}",
        "name": f"{leaf.name} {ctx.rng.choice(FABRIC_WORDS)} {n}",
        "category": leaf,
        "kind": Product.Kind.FABRIC,
        "unit": Product.Unit.METER,
        "material": ctx.rng.choice(["بوليستر", "قطن", "كتان", "حرير صناعي"]),
        "width_cm": Decimal(ctx.rng.choice([140, 280, 300])),
        "retail_price": price,
        "wholesale_price": (price * Decimal("0.8")).quantize(Decimal("1")),
        "minimum_stock": Decimal(20),
    }


def _fabrics_through_service(ctx: DemoContext, leaves: list[Any], warehouses: list[Warehouse], target: int) -> None:
    """The small size: every fabric through the catalogue service, opening stock through the stock service."""
    progress = Progress(ctx.stdout, "catalogue", target)
    made, n = 0, 0
    while made < target:
        n += 1
        leaf = ctx.rng.choice(leaves)
        colours = ctx.rng.sample(COLOURS, ctx.rng.randint(2, 5))
        price = Decimal(ctx.rng.randrange(80, 900, 5))
        product = services.product_create(
            code=f"F{n:05d}",
            name=f"{leaf.name} {ctx.rng.choice(FABRIC_WORDS)} {n}",
            category=leaf,
            kind=Product.Kind.FABRIC,
            unit=Product.Unit.METER,
            material=ctx.rng.choice(["بوليستر", "قطن", "كتان", "حرير صناعي"]),
            width_cm=Decimal(ctx.rng.choice([140, 280, 300])),
            retail_price=price,
            wholesale_price=(price * Decimal("0.8")).quantize(Decimal("1")),
            minimum_stock=Decimal(20),
            colours=colours,
        )
        made += len(colours)
        progress.advance(len(colours))
        _stock(ctx, product, warehouses)


def _fabrics_in_bulk(ctx: DemoContext, leaves: list[Any], warehouses: list[Warehouse], target: int) -> None:
    """Medium and large: fabrics, their variants and a stock history in bulk (COPY on PostgreSQL), written the way
    the services write them: codes normalised, the products' search text, the catalogue outbox, and per balance a
    ledger (opening, purchases, sales, a count) whose running `balance_after` ends at the balance, so
    `check_stock_ledger` holds."""
    from erp.catalogue.sync import catalogue_mark_changed
    from erp.core.demodata import bulk_insert, row
    from erp.inventory.models import StockBalance, Variant

    progress = Progress(ctx.stdout, "catalogue", target)
    made, n = 0, 0
    products: list[Product] = []
    variants: list[Variant] = []
    while made < target:
        n += 1
        colours = ctx.rng.sample(COLOURS, ctx.rng.randint(2, 5))
        product = row(Product, **_fabric_fields(ctx, leaves, n))
        product_variants = [
            row(Variant, product=product, code=f"{product.code}-{suffix}", colour=colour) for suffix, colour in colours
        ]
        product.search_text = services._product_search_text(product, product_variants)
        products.append(product)
        variants.extend(product_variants)
        made += len(colours)
    bulk_insert(products)
    for variant in variants:
        variant.product_id = variant.product.pk
    for start in range(0, len(variants), 5000):
        bulk_insert(variants[start : start + 5000])
        progress.advance(len(variants[start : start + 5000]))
    catalogue_mark_changed(product_ids=[p.pk for p in products])
    if not warehouses:
        return
    history = Progress(ctx.stdout, "stock movements", len(variants) * 2 * 8)
    balances: list[StockBalance] = []
    movements: list[StockMovement] = []
    kinds, reasons = StockMovement.Kind, StockMovement.Reason

    def flush() -> None:
        bulk_insert(balances)
        bulk_insert(movements)
        history.advance(len(movements))
        balances.clear()
        movements.clear()

    for variant in variants:
        for wh in ctx.rng.sample(warehouses, min(len(warehouses), ctx.rng.randint(1, 3))):
            quantity = Decimal(0)
            steps = [(kinds.IN, reasons.OPENING, Decimal(ctx.rng.randrange(50, 400)))]
            for _ in range(ctx.rng.randint(2, 12)):
                if ctx.rng.random() < 0.35:
                    steps.append((kinds.IN, reasons.PURCHASE, Decimal(ctx.rng.randrange(20, 200))))
                else:
                    steps.append((kinds.OUT, reasons.SALE, -Decimal(ctx.rng.choice(["1", "2.5", "3.75", "6", "10"]))))
            if ctx.rng.random() < 0.1:
                steps.append((kinds.ADJUSTMENT, reasons.COUNT, -Decimal(ctx.rng.randint(1, 3))))
            for step, (kind, reason, delta) in enumerate(steps):
                if quantity + delta < 0:
                    continue
                quantity += delta
                movements.append(
                    row(
                        StockMovement,
                        variant_id=variant.pk,
                        warehouse_id=wh.pk,
                        kind=kind,
                        reason=reason,
                        quantity=delta,
                        balance_after=quantity,
                        reference=f"{reason[:4].upper()}-{variant.pk}-{step}" if reason != reasons.OPENING else "",
                        idempotency_key=f"demo-{reason}:{variant.pk}:{wh.pk}:{step}",
                    )
                )
            balances.append(row(StockBalance, variant_id=variant.pk, warehouse_id=wh.pk, quantity=quantity))
        if len(movements) >= 20000:
            flush()
    flush()
    history.finish()


def _transfers(ctx: DemoContext, warehouses: list[Warehouse]) -> None:
    """The warehouse keeper holds the first warehouse; transfers out of it in every state of their lifecycle."""
    from erp.accounts.models import User
    from erp.inventory.models import StockBalance, Transfer
    from erp.inventory.transfers import transfer_create, transfer_transition

    keeper = User.objects.filter(username="warehouse_staff").first()
    approver = User.objects.filter(username="factory_manager").first()
    if keeper is None or approver is None or len(warehouses) < 2:
        return
    source, destination = warehouses[0], warehouses[1]
    source.staff.add(keeper)
    destination.staff.add(keeper)
    stocked = list(
        StockBalance.objects.filter(warehouse=source, quantity__gte=10)
        .select_related("variant")
        .order_by("variant__code")[:12]  # codes, not ids: the seed must reproduce the data
    )
    status = Transfer.Status
    paths = [
        [],
        [status.PENDING],
        [status.PENDING, status.APPROVED],
        [status.PENDING, status.APPROVED, status.COMPLETED],
        [status.PENDING, status.REJECTED],
        [status.CANCELLED],
    ]
    for i, path in enumerate(paths):
        picks = stocked[2 * i : 2 * i + 2]
        if not picks:
            break
        transfer = transfer_create(
            user=keeper, source=source, destination=destination, items=[(b.variant, Decimal(3)) for b in picks]
        )
        for to in path:
            user = approver if to in {status.APPROVED, status.REJECTED} else keeper
            transfer = transfer_transition(transfer=transfer, user=user, to=to, reason="بيانات تجريبية")


def _stock(ctx: DemoContext, product: Product, warehouses: list[Warehouse]) -> None:
    """Opening stock in two or three warehouses, through the stock service like every other movement."""
    if not warehouses:
        return
    lines = [
        StockLine(
            v.pk,
            wh.pk,
            Decimal(ctx.rng.randrange(5, 400)),
            StockMovement.Kind.IN,
            StockMovement.Reason.OPENING,
            f"demo-opening:{v.pk}:{wh.pk}",
        )
        for v in product.variants.all()
        for wh in ctx.rng.sample(warehouses, min(len(warehouses), ctx.rng.randint(1, 3)))
    ]
    services.stock_apply(lines=lines)
