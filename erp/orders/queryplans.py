"""Orders' list filters and orderings, as their pages and APIs run them, for the query-plan check
(erp/core/queryplans.py).

The orders page (and its per-type pages, which set `order_type`) reads keyset pages of PAGE_SIZE + 1 rows in one
of `selectors.SORTS`; the orders API reads cursor pages of PAGE_SIZE + 1 by -id with the same filters, so its
queryset is the page's "-id" column of checks. Payments (API) are cursor pages by -id; promo codes and drafts are
offset pages of PAGE_SIZE (small tables: a few hundred codes, a user's drafts). The customer page's orders and
payments sections read the customer's latest LATEST rows. Scoping (orders/scoping.py) adds its filters for
everyone but company-wide roles, so each scoped role is checked too.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from erp.accounts.roles import RoleKey
from erp.core.paging import PAGE_SIZE
from erp.core.queryplans import PlanCheck, first_pk, keyset_next, local_days, matrix, middle_pk
from erp.orders import selectors
from erp.orders.customer_sections import LATEST
from erp.orders.models import Order, OrderDraft, Payment, PromoCode, Salesperson

Filters = Callable[[], dict[str, str]]


def _customer() -> str:
    """A customer with orders (the newest order's)."""
    return str(Order.objects.order_by("-id").values_list("customer_id", flat=True).first() or "")


def _search_term() -> str:
    """An order number from the middle of the table (what a user pastes into the search box)."""
    number = Order.objects.filter(pk__lte=middle_pk(Order)).order_by("-pk").values_list("number", flat=True).first()
    return number or "000"


def _salesperson() -> str:
    return first_pk(Salesperson, user__isnull=False)


def _branch() -> str:
    return str(Order.objects.order_by("-id").values_list("branch_id", flat=True).first() or "")


ORDER_FILTERS: dict[str, Filters] = {
    "no filter": dict,
    "search (an order number)": lambda: {"search": _search_term()},
    "search (a common word)": lambda: {"search": "محمد"},
    "status": lambda: {"status": Order.Status.PENDING.value},
    "status (rare)": lambda: {"status": Order.Status.PENDING_APPROVAL.value},
    "order_type": lambda: {"order_type": Order.Type.INSTALLATION.value},
    "priority=vip": lambda: {"priority": Order.Priority.VIP.value},
    "branch": lambda: {"branch": _branch()},
    "salesperson": lambda: {"salesperson": _salesperson()},
    "customer": lambda: {"customer": _customer()},
    "last 30 days": lambda: local_days(30),
    "a month a year ago": lambda: local_days(30, ago=330),
    "has_balance": lambda: {"has_balance": "true"},
    "overdue": lambda: {"overdue": "true"},
    "status + last 30 days": lambda: {"status": Order.Status.IN_PROGRESS.value, **local_days(30)},
    "branch + last 30 days": lambda: {"branch": _branch(), **local_days(30)},
    "customer + last 30 days": lambda: {"customer": _customer(), **local_days(30)},
    "salesperson + status": lambda: {"salesperson": _salesperson(), "status": Order.Status.PENDING.value},
    "branch + status": lambda: {"branch": _branch(), "status": Order.Status.COMPLETED.value},
    "order_type + status": lambda: {"order_type": Order.Type.TAILORING.value, "status": Order.Status.PENDING.value},
}
# The API's orderings are the page's "-id"; an extra one for the per-type pages' default.
ORDER_ORDERINGS = selectors.SORTS


def _orders(filters: Filters, order: tuple[str, ...]) -> Callable[[Any], QuerySet[Order]]:
    return lambda actor: selectors.order_list(actor=actor, filters=filters()).order_by(*order)[: PAGE_SIZE + 1]


def _orders_next(filters: Filters, order: tuple[str, ...]) -> Callable[[Any], QuerySet[Order]]:
    return lambda actor: keyset_next(selectors.order_list(actor=actor, filters=filters()), order, size=PAGE_SIZE)


def _export_count(filters: Filters) -> Callable[[Any], QuerySet[Order]]:
    """The export's capped count (erp/core/exportjobs.export_response): at most threshold + 1 rows are read."""
    from erp.core.exportjobs import export_threshold

    return lambda actor: selectors.order_list(actor=actor, filters=filters()).order_by()[: export_threshold() + 1]


PAYMENT_FILTERS: dict[str, Filters] = {
    "no filter": dict,
    "customer": lambda: {"customer": _customer()},
    "order": lambda: {"order": first_pk(Order, order="-id")},
    "method": lambda: {"method": Payment.Method.BANK_TRANSFER.value},
    "last 30 days": lambda: local_days(30),
    "method + last 30 days": lambda: {"method": Payment.Method.CASH.value, **local_days(30)},
}


def _payments(filters: Filters) -> Callable[[Any], QuerySet[Payment]]:
    return lambda actor: selectors.payment_list(actor=actor, filters=filters()).order_by("-id")[: PAGE_SIZE + 1]


def _promos(filters: dict[str, str]) -> Callable[[Any], QuerySet[PromoCode]]:
    return lambda actor: selectors.promo_list(actor=actor, filters=filters).order_by("-id")[:PAGE_SIZE]


def _drafts(actor: Any) -> QuerySet[OrderDraft]:
    qs = OrderDraft.objects.filter(user_id=actor.pk).order_by("-updated_at", "-id").defer("payload")
    return qs[:PAGE_SIZE]


def _customer_orders(actor: Any) -> QuerySet[Order]:
    """The customer page's orders section."""
    return selectors.order_base(actor=actor).filter(customer_id=_customer()).order_by("-id")[:LATEST]


def _customer_payments(actor: Any) -> QuerySet[Payment]:
    """The customer page's payments section."""
    return selectors.payment_list(actor=actor).filter(customer_id=_customer()).order_by("-id")[:LATEST]


SCOPED = (
    RoleKey.SALESPERSON,
    RoleKey.BRANCH_MANAGER,
    RoleKey.REGION_MANAGER,
    RoleKey.INSPECTION_MANAGER,
    RoleKey.INSTALLATION_MANAGER,
    RoleKey.EXTERNAL_SALES_DIRECTOR,
    RoleKey.DECORATOR_DEPT_STAFF,
    RoleKey.INSPECTION_TECHNICIAN,
)

CHECKS: list[PlanCheck] = [
    *matrix("orders", ORDER_FILTERS, ORDER_ORDERINGS, _orders),
    PlanCheck("orders: no filter, ordering=-id, next page", _orders_next(dict, ("-id",))),
    PlanCheck("orders: no filter, ordering=-order_date, next page", _orders_next(dict, ("-order_date", "-id"))),
    PlanCheck(
        "orders: status, ordering=-id, next page",
        _orders_next(lambda: {"status": Order.Status.PENDING.value}, ("-id",)),
    ),
    *(
        PlanCheck(f"orders: no filter, ordering=-id ({role.value}'s scope)", _orders(dict, ("-id",)), actor=role)
        for role in SCOPED
    ),
    *(
        PlanCheck(
            f"orders: status, ordering=-order_date ({role.value}'s scope)",
            _orders(lambda: {"status": Order.Status.PENDING.value}, ("-order_date", "-id")),
            actor=role,
        )
        for role in (RoleKey.SALESPERSON, RoleKey.BRANCH_MANAGER)
    ),
    PlanCheck("orders export: capped count, no filter", _export_count(dict)),
    PlanCheck(
        "orders export: capped count, branch + last 30 days", _export_count(ORDER_FILTERS["branch + last 30 days"])
    ),
    *(PlanCheck(f"payments: {label}, ordering=-id", _payments(filters)) for label, filters in PAYMENT_FILTERS.items()),
    PlanCheck("payments: no filter, ordering=-id (salesperson's scope)", _payments(dict), actor=RoleKey.SALESPERSON),
    PlanCheck("payments: no filter, ordering=-id (branch_manager's scope)", _payments(dict), RoleKey.BRANCH_MANAGER),
    PlanCheck("promo codes: no filter", _promos({})),
    PlanCheck("promo codes: status", _promos({"status": PromoCode.Status.ACTIVE.value})),
    PlanCheck("promo codes: search", _promos({"search": "PR"})),
    PlanCheck("drafts: a salesperson's", _drafts, actor=RoleKey.SALESPERSON),
    PlanCheck("customer page: orders section", _customer_orders),
    PlanCheck("customer page: orders section (branch_manager's scope)", _customer_orders, RoleKey.BRANCH_MANAGER),
    PlanCheck("customer page: payments section", _customer_payments),
]
