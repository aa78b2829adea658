"""Demo customers: the four standard types (retail, wholesale, decorator engineers with a discount on the official
fabric warehouses, corporate), categories, and customers in every branch created by that branch's salespeople, with
Egyptian names, addresses and mobile numbers, some inactive or blocked, corporate contact persons and notes.

Customers are bulk-inserted; their codes `BRANCH-NNNN` are drawn in blocks and each branch's counter row is then set to
the highest number used, so customers created afterwards through the service continue the sequence."""

from contextlib import nullcontext
from typing import Any

from django.db import transaction

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core.demodata import DemoContext, Progress, bulk_insert, deferred_indexes, row
from erp.core.models import Counter
from erp.customers.models import ContactPerson, Customer, CustomerCategory, CustomerNote, CustomerType
from erp.customers.services import customer_search_text
from erp.inventory.models import Warehouse

SIZES = {"small": 60, "medium": 5000, "large": 200_000}
BATCH = 5000

TYPES = [
    # code, name, English name, pricing, discount %, colour, share of customers
    ("retail", "قطاعي", "Retail", "retail", 0, "#6c757d", 70),
    ("wholesale", "جملة", "Wholesale", "wholesale", 0, "#0d6efd", 12),
    ("designer", "مهندس ديكور", "Decorator engineer", "discount", 10, "#6f42c1", 10),
    ("corporate", "شركات", "Corporate", "retail", 0, "#198754", 8),
]
CATEGORIES = [("أفراد", True), ("تجار", False), ("مهندسين", False), ("شركات ومؤسسات", False), ("عملاء مميزون", False)]
CATEGORY_BY_TYPE = {"retail": "أفراد", "wholesale": "تجار", "designer": "مهندسين", "corporate": "شركات ومؤسسات"}
AREAS = [
    "شارع التحرير",
    "شارع الهرم",
    "شارع النصر",
    "شارع مصطفى النحاس",
    "شارع جمال عبد الناصر",
    "شارع سعد زغلول",
    "شارع الجلاء",
    "الحي السابع",
    "المنطقة الأولى",
    "شارع الثورة",
]
COMPOUNDS = ["كمبوند الربوة", "كمبوند دريم لاند", "كمبوند بيفرلي هيلز", "كمبوند الياسمين", "كمبوند المستقبل"]
TRADE_WORDS = ["معرض", "مفروشات", "ستائر", "أقمشة", "ديكورات"]
COMPANY_WORDS = ["للمقاولات", "للتطوير العقاري", "للفنادق", "للاستثمار السياحي", "للتشييد والبناء"]
TITLES = ["مدير المشتريات", "مهندس الموقع", "المدير المالي", "مدير المشروع", "سكرتارية"]
NOTES = [
    "يفضل الاتصال بعد العصر",
    "طلب عرض سعر لستائر بلاك أوت",
    "ينتظر معاينة الشقة الجديدة",
    "عميل قديم، يفضل التعامل مع نفس البائع",
    "سأل عن خصم على الكمية",
    "يرغب في التركيب يوم الجمعة",
]


@transaction.atomic
def generate(ctx: DemoContext) -> None:
    if Customer.objects.exists():
        ctx.stdout.write("customers: customers exist already, skipped")
        return
    types = _types()
    categories = {name: CustomerCategory.objects.create(name=name, is_default=default) for name, default in CATEGORIES}
    branches = list(Branch.objects.order_by("pk"))
    if not branches:
        return
    sellers = _sellers_by_branch(branches)
    total = SIZES.get(ctx.size, SIZES["small"])
    per_branch = _split(total, len(branches))
    phones: set[str] = set()
    progress = Progress(ctx.stdout, "customers", total)
    weights = [t[6] for t in TYPES]
    with deferred_indexes(Customer, ContactPerson, CustomerNote) if ctx.size != "small" else nullcontext():
        for branch, count in zip(branches, per_branch, strict=True):
            key = f"customers.customer:{branch.pk}"
            counter, _ = Counter.objects.get_or_create(key=key)
            number = counter.value
            for start in range(0, count, BATCH):
                rows = []
                for _ in range(min(BATCH, count - start)):
                    number += 1
                    code = ctx.rng.choices([t[0] for t in TYPES], weights)[0]
                    rows.append(_customer(ctx, branch, number, types[code], categories, sellers[branch.pk], phones))
                created = bulk_insert(rows)
                _contacts_and_notes(ctx, created)
                progress.advance(len(created))
            Counter.objects.filter(key=key).update(value=number)  # the next service-created customer continues here
    ctx.stdout.write(f"customers: {Customer.objects.count()} customers in {len(branches)} branches")


def _types() -> dict[str, CustomerType]:
    out = {}
    official = list(Warehouse.objects.filter(is_official_fabric=True))
    for code, name, name_en, pricing, discount, colour, _share in TYPES:
        obj = CustomerType.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            pricing_type=pricing,
            discount_percentage=discount,
            badge_colour=colour,
        )
        if pricing == "discount":
            obj.discount_warehouses.set(official)
        out[code] = obj
    return out


def _sellers_by_branch(branches: list[Branch]) -> dict[int, list[User]]:
    """The salespeople of each branch (their branch manager, or the first administrator, when it has none)."""
    out: dict[int, list[User]] = {b.pk: [] for b in branches}
    for user in User.objects.filter(roles__key=RoleKey.SALESPERSON, is_active=True).order_by("pk"):
        if user.branch_id in out:
            out[user.branch_id].append(user)
    fallback = list(User.objects.filter(is_superuser=True).order_by("pk")[:1])
    for branch in branches:
        if not out[branch.pk]:
            managers = list(User.objects.filter(roles__key=RoleKey.BRANCH_MANAGER, branch=branch)[:1])
            out[branch.pk] = managers or fallback
    return out


def _split(total: int, parts: int) -> list[int]:
    """Bigger first branches (the main branch sells most), summing to `total`."""
    weights = [parts - i + 1 for i in range(parts)]
    shares = [total * w // sum(weights) for w in weights]
    shares[0] += total - sum(shares)
    return shares


def _phone(ctx: DemoContext, seen: set[str]) -> str:
    while True:
        phone = ctx.mobile()
        if phone not in seen:
            seen.add(phone)
            return phone


def _customer(
    ctx: DemoContext,
    branch: Branch,
    number: int,
    customer_type: CustomerType,
    categories: dict[str, CustomerCategory],
    sellers: list[User],
    phones: set[str],
) -> Customer:
    rng = ctx.rng
    first, last = ctx.person_name()
    city = branch.name.split("-")[0].replace("فرع", "").strip() or branch.name
    code = customer_type.code
    if code == "corporate":
        name = f"شركة {last} {rng.choice(COMPANY_WORDS)}"
    elif code == "wholesale":
        name = f"{rng.choice(TRADE_WORDS)} {first} {last}"
    elif code == "designer":
        name = f"م. {first} {last}"
    else:
        name = f"{first} {last}"
    compound = rng.random() < 0.2
    address = (
        f"{rng.choice(COMPOUNDS)}، فيلا {rng.randint(1, 300)}، {city}"
        if compound
        else f"{rng.randint(1, 120)} {rng.choice(AREAS)}، {city}"
    )
    roll = rng.random()
    status = Customer.Status.BLOCKED if roll < 0.03 else Customer.Status.INACTIVE if roll < 0.09 else "active"
    seller = rng.choice(sellers) if sellers else None
    customer = row(
        Customer,
        code=f"{branch.code}-{number:04d}",
        name=name,
        branch=branch,
        customer_type=customer_type,
        category=categories["عملاء مميزون"] if rng.random() < 0.05 else categories[CATEGORY_BY_TYPE[code]],
        phone=_phone(ctx, phones),
        phone2=_phone(ctx, phones) if rng.random() < 0.15 else "",
        address=address,
        location_type=Customer.LocationType.COMPOUND if compound else Customer.LocationType.OPEN,
        status=status,
        credit_limit=rng.choice([0, 0, 0, 5000, 20000, 50000]) if code in ("wholesale", "corporate") else 0,
        payment_terms_days=rng.choice([0, 15, 30, 45]) if code in ("wholesale", "corporate") else 0,
        created_by=seller,
        updated_by=seller,
    )
    customer.search_text = customer_search_text(customer)
    return customer


def _contacts_and_notes(ctx: DemoContext, customers: list[Customer]) -> None:
    contacts: list[ContactPerson] = []
    notes: list[Any] = []
    for customer in customers:
        if customer.customer_type.code == "corporate":
            for position in range(1, ctx.rng.randint(1, 3) + 1):
                first, last = ctx.person_name()
                contacts.append(
                    row(
                        ContactPerson,
                        customer=customer,
                        name=f"{first} {last}",
                        title=ctx.rng.choice(TITLES),
                        phone=ctx.mobile(),
                        position=position,
                        is_primary=position == 1,
                    )
                )
        if ctx.rng.random() < 0.2:
            notes.append(
                row(CustomerNote, customer=customer, text=ctx.rng.choice(NOTES), created_by=customer.created_by)
            )
    bulk_insert(contacts)
    bulk_insert(notes)
