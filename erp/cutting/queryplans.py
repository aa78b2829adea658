"""The cutting room's list filters, as the page and the API run them, for the query-plan check
(erp/core/queryplans.py).

The cutting-orders page reads keyset pages of PAGE_SIZE + 1 by -id; the API reads cursor pages of PAGE_SIZE + 1
by -id with the same filters. Each row counts its items (a grouped join onto the items). Warehouse staff see their
warehouses' orders only; branch staff their branches' (cutting/scoping.py).
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from erp.accounts.roles import RoleKey
from erp.core.paging import PAGE_SIZE
from erp.core.queryplans import PlanCheck, keyset_next, latest_value, local_days, middle_value
from erp.cutting import selectors
from erp.cutting.models import CuttingOrder, CuttingStatus
from erp.orders.models import Order

Filters = Callable[[], dict[str, str]]


CUTTING_FILTERS: dict[str, Filters] = {
    "no filter": dict,
    "search (a code)": lambda: {"search": middle_value(CuttingOrder, "code")},
    "search (a common name)": lambda: {"search": "محمد"},
    "status": lambda: {"status": CuttingStatus.PENDING.value},
    "warehouse": lambda: {"warehouse": latest_value(CuttingOrder, "warehouse_id")},
    "order_type": lambda: {"order_type": Order.Type.TAILORING.value},
    "last 30 days": lambda: local_days(30),
    "a month a year ago": lambda: local_days(30, ago=330),
    "warehouse + status": lambda: {
        "warehouse": latest_value(CuttingOrder, "warehouse_id"),
        "status": CuttingStatus.IN_PROGRESS.value,
    },
    "status + last 30 days": lambda: {"status": CuttingStatus.PENDING.value, **local_days(30)},
}


def _cutting(filters: Filters) -> Callable[[Any], QuerySet[CuttingOrder]]:
    return lambda actor: selectors.cutting_order_list(actor=actor, filters=filters()).order_by("-id")[: PAGE_SIZE + 1]


def _next(actor: Any) -> QuerySet[CuttingOrder]:
    return keyset_next(selectors.cutting_order_list(actor=actor, filters={}), ("-id",), size=PAGE_SIZE)


CHECKS: list[PlanCheck] = [
    *(PlanCheck(f"cutting orders: {label}, ordering=-id", _cutting(f)) for label, f in CUTTING_FILTERS.items()),
    PlanCheck("cutting orders: no filter, ordering=-id, next page", _next),
    *(
        PlanCheck(f"cutting orders: no filter, ordering=-id ({role.value}'s scope)", _cutting(dict), actor=role)
        for role in (RoleKey.WAREHOUSE_STAFF, RoleKey.BRANCH_MANAGER, RoleKey.SALESPERSON, RoleKey.REGION_MANAGER)
    ),
    PlanCheck(
        "cutting orders: status (warehouse_staff's scope)",
        _cutting(lambda: {"status": CuttingStatus.PENDING.value}),
        actor=RoleKey.WAREHOUSE_STAFF,
    ),
]
