"""Demo stock operations: suppliers, purchase orders in every state, a posted and an open count, manual
adjustments, and some low and out-of-stock balances for the alerts page. Called from demo.generate."""

from decimal import Decimal

from erp.core.demodata import DemoContext
from erp.inventory.models import PurchaseOrder, StockBalance, Warehouse

SUPPLIERS = [
    ("مصنع النيل للنسيج", "شارع المصانع، المحلة الكبرى", "100-200-300"),
    ("الشركة التركية للأقمشة", "المنطقة الحرة، بورسعيد", "200-300-400"),
    ("مؤسسة الإكسسوارات الحديثة", "العتبة، القاهرة", "300-400-500"),
    ("مصنع الأمل للمواسير", "العاشر من رمضان", "400-500-600"),
    ("دار الستائر للاستيراد", "سموحة، الإسكندرية", "500-600-700"),
]


def generate_operations(ctx: DemoContext, warehouses: list[Warehouse]) -> None:
    from erp.accounts.models import User
    from erp.inventory.counts import count_create, count_enter, count_post, stock_adjust
    from erp.inventory.purchasing import po_create, po_receive, po_transition, supplier_create

    boss = User.objects.filter(username="factory_manager").first()
    keeper = User.objects.filter(username="warehouse_staff").first()
    if boss is None or keeper is None or not warehouses:
        return
    home = warehouses[0]
    suppliers = [
        supplier_create(
            user=boss,
            data={"name": name, "phone": ctx.mobile(), "address": address, "tax_number": tax, "is_active": i < 4},
        )
        for i, (name, address, tax) in enumerate(SUPPLIERS)
    ]
    balances = list(
        StockBalance.objects.filter(warehouse=home, quantity__gte=30)
        .exclude(variant__product__kind="service")
        .select_related("variant")
        .order_by("variant__code")[:24]  # not by id: ids differ between runs, the seed must reproduce the data
    )
    if len(balances) < 12:
        return
    variants = [b.variant for b in balances]
    s = PurchaseOrder.Status
    paths: list[list[str]] = [
        [],
        [s.APPROVED],
        [s.APPROVED, "partial"],
        [s.APPROVED, "full"],
        [s.CANCELLED],
        [s.APPROVED, s.CANCELLED],
    ]
    for i, path in enumerate(paths):
        picks = variants[2 * i : 2 * i + 2]
        order = po_create(
            user=boss,
            supplier=suppliers[i % 4],
            warehouse=home,
            lines=[(v, Decimal(ctx.rng.randrange(20, 120)), Decimal(ctx.rng.randrange(40, 300))) for v in picks],
            note="بيانات تجريبية",
        )
        for step in path:
            if step in {"partial", "full"}:
                ordered = list(order.lines.order_by("variant__code"))
                quantities = (
                    {ordered[0].pk: ordered[0].quantity / 2}
                    if step == "partial"
                    else {x.pk: x.quantity for x in ordered}
                )
                po_receive(order=order, user=keeper, quantities=quantities, key=f"demo-{order.pk}")
            else:
                order = po_transition(order=order, user=boss, to=step, reason="ألغاه المورد")
    posted = count_create(user=boss, warehouse=home, note="جرد نصف سنوي")
    lines = list(posted.lines.order_by("variant__code")[:10])
    count_enter(
        user=keeper,
        count=posted,
        counted={line.pk: max(Decimal(0), line.expected + ctx.rng.choice([-2, -1, 0, 0, 1])) for line in lines},
    )
    count_post(user=boss, count=posted)
    open_count = count_create(user=boss, warehouse=home, note="جرد مفتوح")
    first = open_count.lines.order_by("variant__code").first()
    if first is not None:
        count_enter(user=keeper, count=open_count, counted={first.pk: first.expected})
    for i, (reason, note) in enumerate([("damage", "تلف بسبب الرطوبة"), ("other", "عينة لعميل"), ("damage", "قطع")]):
        stock_adjust(
            user=boss,
            warehouse=home,
            variant=variants[12 + i],
            quantity=Decimal(-(i + 1)),
            reason=reason,
            note=note,
            key=f"demo-adjust-{i}",
        )
    # Alerts: a few balances pushed below their minimum, one to zero.
    for i, balance in enumerate(balances[16:20]):
        balance.refresh_from_db()
        target = Decimal(0) if i == 0 else Decimal(3 + i)
        if balance.quantity > target:
            stock_adjust(
                user=boss,
                warehouse=home,
                variant=balance.variant,
                quantity=target - balance.quantity,
                reason="other",
                note="بيع خارج النظام (بيانات تجريبية)",
                key=f"demo-low-{i}",
            )
    ctx.stdout.write(f"inventory: {len(suppliers)} suppliers, {len(paths)} purchase orders, 2 counts")
