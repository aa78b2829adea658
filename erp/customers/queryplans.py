"""Customers' list filters and orderings, as the page and the API run them, for the query-plan check
(erp/core/queryplans.py).

The customers page reads keyset pages of PAGE_SIZE + 1 in one of `views.ORDERINGS`; the API reads cursor pages of
PAGE_SIZE + 1 by -id (default), code or -code. Every list row carries `balance_due` (a correlated subquery over the
customer's orders, served by the orders (customer, -id) index). Scoping (customers/scoping.py) filters by branch,
creator or customer type for everyone but company-wide roles.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from erp.accounts.roles import RoleKey
from erp.core.paging import PAGE_SIZE
from erp.core.queryplans import PlanCheck, first_pk, keyset_next, matrix, middle_pk
from erp.customers import selectors
from erp.customers.models import Customer, CustomerCategory, CustomerType
from erp.customers.views import ORDERINGS

Filters = Callable[[], dict[str, str]]


def _phone() -> str:
    """A customer's phone from the middle of the table, as a user types it (local form)."""
    phone = Customer.objects.filter(pk__lte=middle_pk(Customer)).order_by("-pk").values_list("phone", flat=True).first()
    return (phone or "+20100").replace("+20", "0")


def _branch() -> str:
    return str(Customer.objects.order_by("-id").values_list("branch_id", flat=True).first() or "")


CUSTOMER_FILTERS: dict[str, Filters] = {
    "no filter": dict,
    "search (a phone)": lambda: {"search": _phone()},
    "search (a common name)": lambda: {"search": "منصور"},
    "branch": lambda: {"branch": _branch()},
    "customer_type": lambda: {"customer_type": first_pk(CustomerType)},
    "category": lambda: {"category": first_pk(CustomerCategory)},
    "status": lambda: {"status": Customer.Status.INACTIVE.value},
    "has_balance": lambda: {"has_balance": "true"},
    "over_credit_limit": lambda: {"over_credit_limit": "true"},
    "branch + status": lambda: {"branch": _branch(), "status": Customer.Status.ACTIVE.value},
    "branch + search": lambda: {"branch": _branch(), "search": "منصور"},
}
API_ORDERINGS = {"code (API)": ("code",), "-code (API)": ("-code",)}


def _customers(filters: Filters, order: tuple[str, ...]) -> Callable[[Any], QuerySet[Customer]]:
    return lambda actor: selectors.customer_list(actor=actor, filters=filters()).order_by(*order)[: PAGE_SIZE + 1]


def _customers_next(order: tuple[str, ...]) -> Callable[[Any], QuerySet[Customer]]:
    return lambda actor: keyset_next(selectors.customer_list(actor=actor, filters={}), order, size=PAGE_SIZE)


def _export_count(actor: Any) -> QuerySet[Customer]:
    from erp.core.exportjobs import export_threshold

    return selectors.customer_list(actor=actor, filters={}).order_by()[: export_threshold() + 1]


SCOPED = (
    RoleKey.SALESPERSON,
    RoleKey.BRANCH_MANAGER,
    RoleKey.REGION_MANAGER,
    RoleKey.EXTERNAL_SALES_DIRECTOR,
    RoleKey.DECORATOR_DEPT_STAFF,
    RoleKey.WAREHOUSE_STAFF,
)

CHECKS: list[PlanCheck] = [
    *matrix("customers", CUSTOMER_FILTERS, {**ORDERINGS, **API_ORDERINGS}, _customers),
    PlanCheck("customers: no filter, ordering=-created, next page", _customers_next(ORDERINGS["-created"])),
    PlanCheck("customers: no filter, ordering=name, next page", _customers_next(ORDERINGS["name"])),
    *(
        PlanCheck(f"customers: no filter, ordering=-created ({role.value}'s scope)", _customers(dict, ("-id",)), role)
        for role in SCOPED
    ),
    PlanCheck(
        "customers: search, ordering=name (salesperson's scope)",
        _customers(lambda: {"search": "منصور"}, ORDERINGS["name"]),
        RoleKey.SALESPERSON,
    ),
    PlanCheck("customers export: capped count, no filter", _export_count),
]
