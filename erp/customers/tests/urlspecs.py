"""How to open every customers URL for the query budget (see erp/core/testing/urlbudget.py)."""

from typing import Any

from erp.accounts.roles import RoleKey
from erp.core.testing.urlbudget import SUPERUSER, UrlSpec, World
from erp.customers.models import CustomerCategory, CustomerNote
from erp.customers.tests import factories

ALL_TYPES = ("retail", "wholesale", "designer", "corporate")
VIEWERS = (
    SUPERUSER,
    RoleKey.SALES_MANAGER.value,
    RoleKey.REGION_MANAGER.value,
    RoleKey.BRANCH_MANAGER.value,
    RoleKey.SALESPERSON.value,
    RoleKey.DECORATOR_DEPT_STAFF.value,
    RoleKey.EXTERNAL_SALES_DIRECTOR.value,
)
MANAGERS = (SUPERUSER, RoleKey.BRANCH_MANAGER.value, RoleKey.SALESPERSON.value)
TYPE_ADMINS = (SUPERUSER, RoleKey.SALES_MANAGER.value)
LOOKUP_CODE = "ALX-7777"


def _seller(world: World) -> Any:
    return world.users[RoleKey.SALESPERSON.value]


def target(world: World) -> Any:
    """A corporate-and-designer-visible customer: a designer customer of branch A created by the salesperson, and a
    customer of branch B for the cross-branch lookup. Made once."""
    if "customer" not in world.extra:
        world.extra["customer"] = factories.customer(
            branch=world.branch_a, created_by=_seller(world), type_code="designer"
        )
        factories.customer(branch=world.branch_b, type_code="retail", code=LOOKUP_CODE)
        factories.customer_type("corporate")
    return world.extra["customer"]


def corporate(world: World) -> dict[str, str]:
    if "corporate" not in world.extra:
        world.extra["corporate"] = factories.customer(
            branch=world.branch_a, created_by=_seller(world), type_code="corporate"
        )
    return {"code": world.extra["corporate"].code}


def demo_world(world: World) -> None:
    """For the benchmark on demo data: a designer customer of branch A (the salesperson's when there is one) and a
    corporate customer, taken from the demo customers instead of made."""
    from erp.customers.models import Customer

    here = Customer.objects.filter(branch=world.branch_a).order_by("pk")
    designer = here.filter(customer_type__code="designer")
    world.extra["customer"] = designer.filter(created_by=_seller(world)).first() or designer.first() or here.first()
    world.extra["corporate"] = here.filter(customer_type__code="corporate").first() or world.extra["customer"]


def grow(world: World, n: int) -> None:
    customer = target(world)
    factories.bulk_customers(count=n, branch=world.branch_a, created_by=_seller(world), type_codes=ALL_TYPES)
    CustomerNote.objects.bulk_create(CustomerNote(customer=customer, text=f"ملاحظة {i}") for i in range(n))


def grow_categories(world: World, n: int) -> None:
    start = CustomerCategory.objects.count()
    CustomerCategory.objects.bulk_create(CustomerCategory(name=f"فئة {start + i}") for i in range(n))


def grow_types(world: World, n: int) -> None:
    start = world.extra.setdefault("types", 0)
    for i in range(n):
        factories.customer_type(f"type{start + i}")
    world.extra["types"] = start + n


def code(world: World) -> dict[str, str]:
    return {"code": target(world).code}


def pk(world: World) -> dict[str, int]:
    return {"pk": target(world).pk}


def a_category(world: World) -> dict[str, int]:
    return {"pk": CustomerCategory.objects.get_or_create(name="أفراد")[0].pk}


def a_type(world: World) -> dict[str, int]:
    return {"pk": factories.customer_type("retail").pk}


SPECS = [
    UrlSpec("customers:customer_list", VIEWERS, grow),
    UrlSpec("customers:customer_list", VIEWERS, grow, query="search=عميل&status=active&ordering=name"),
    UrlSpec("customers:customer_list", (SUPERUSER, RoleKey.BRANCH_MANAGER.value), grow, query="export=xlsx"),
    UrlSpec("customers:customer_detail", VIEWERS, grow, kwargs=code),
    UrlSpec("customers:customer_create", MANAGERS, grow),
    UrlSpec("customers:customer_update", MANAGERS, grow, kwargs=code),
    UrlSpec("customers:customer_contacts", MANAGERS, grow, kwargs=corporate),
    UrlSpec(
        "customers:customer_note_add",
        VIEWERS,
        grow,
        kwargs=code,
        method="post",
        data=lambda w: {"text": "اتصل العميل"},
        status=302,
    ),
    UrlSpec(
        "customers:customer_set_status",
        (SUPERUSER, RoleKey.BRANCH_MANAGER.value),
        grow,
        kwargs=code,
        method="post",
        data=lambda w: {"status": "inactive"},
        status=302,
    ),
    UrlSpec("customers:check_phone", MANAGERS, grow, query="field=phone&phone=01012345678"),
    UrlSpec("customers:customer_lookup", VIEWERS, grow, query=f"q={LOOKUP_CODE}"),
    UrlSpec("customers:type_list", TYPE_ADMINS, grow_types),
    UrlSpec("customers:type_create", TYPE_ADMINS, grow_types),
    UrlSpec("customers:type_update", TYPE_ADMINS, grow_types, kwargs=a_type),
    UrlSpec("customers:category_list", TYPE_ADMINS, grow_categories),
    UrlSpec("customers:category_update", TYPE_ADMINS, grow_categories, kwargs=a_category),
    UrlSpec("api-customers:customer-list", VIEWERS, grow, api=True, query="page_size=100"),
    UrlSpec("api-customers:customer-list", VIEWERS, grow, api=True, query="search=عميل&ordering=code"),
    UrlSpec("api-customers:customer-detail", VIEWERS, grow, kwargs=pk, api=True),
    UrlSpec(
        "api-customers:customer-detail",
        (RoleKey.SALESPERSON.value,),
        grow,
        kwargs=pk,
        method="patch",
        data=lambda w: {"notes": "عميل مميز"},
        api=True,
    ),
    UrlSpec("api-customers:customer-type-list", VIEWERS, grow_types, api=True),
]
