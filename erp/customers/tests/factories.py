from decimal import Decimal
from typing import Any

from erp.accounts.models import Branch
from erp.customers.models import Customer, CustomerType
from erp.customers.services import customer_search_text

_seq = iter(range(1, 10**9))


def customer_type(code: str = "retail", **fields: Any) -> CustomerType:
    defaults = {"name": code.title(), "pricing_type": "discount" if code == "discount" else code}
    if defaults["pricing_type"] not in ("retail", "wholesale", "discount"):
        defaults["pricing_type"] = "retail"
    defaults.update(fields)
    obj, _ = CustomerType.objects.get_or_create(code=code, defaults=defaults)
    return obj


def customer(*, branch: Branch, created_by: Any = None, type_code: str = "retail", **fields: Any) -> Customer:
    """A customer written directly (tests that are not about numbering): unique code and phone per call."""
    n = next(_seq)
    values: dict[str, Any] = {
        "name": f"عميل {n}",
        "phone": f"+2010{n:08d}",
        "customer_type": customer_type(type_code),
        "credit_limit": Decimal("0"),
    }
    values.update(fields)
    values.setdefault("code", f"{branch.code}-T{n:05d}")
    obj = Customer(branch=branch, created_by=created_by, **values)
    obj.search_text = customer_search_text(obj)
    obj.save()
    return obj


def bulk_customers(
    *, count: int, branch: Branch, created_by: Any = None, type_codes: tuple[str, ...] = ("retail",)
) -> list[Customer]:
    """`count` customers in one insert, cycling through `type_codes`."""
    types = [customer_type(code) for code in type_codes]
    rows = []
    for i in range(count):
        n = next(_seq)
        obj = Customer(
            code=f"{branch.code}-B{n:06d}",
            name=f"عميل {n}",
            phone=f"+2011{n:08d}",
            branch=branch,
            created_by=created_by,
            customer_type=types[i % len(types)],
        )
        obj.search_text = customer_search_text(obj)
        rows.append(obj)
    return Customer.objects.bulk_create(rows)
