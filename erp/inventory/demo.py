"""A realistic catalogue: fabrics by the meter in several colours, accessories and services, stocked in warehouses."""

from decimal import Decimal

from django.db import transaction

from erp.core.demodata import DemoContext, Progress
from erp.inventory import services
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
    progress = Progress(ctx.stdout, "catalogue", target_variants)
    made, n = 0, 0
    while made < target_variants:
        n += 1
        leaf = ctx.rng.choice(fabric_leaves)
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
    ctx.stdout.write(f"inventory: {Product.objects.count()} products, {len(warehouses)} warehouses")


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
    stocked = list(StockBalance.objects.filter(warehouse=source, quantity__gte=10).select_related("variant")[:12])
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
