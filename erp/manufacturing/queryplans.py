"""The factory's list filters and orderings, as its pages and the API run them, for the query-plan check
(erp/core/queryplans.py).

The factory-orders page (and the approval queue, which sets status=pending_approval) reads keyset pages of
PAGE_SIZE + 1 in one of `selectors.SORTS`; the API reads cursor pages of PAGE_SIZE + 1 by -id with the same
filters. The dashboard groups the open orders by status and line and lists the 20 most urgent. Branch staff see
their branches' orders (manufacturing/scoping.py).
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from erp.accounts.roles import RoleKey
from erp.core.paging import PAGE_SIZE
from erp.core.queryplans import PlanCheck, first_pk, keyset_next, latest_value, matrix, middle_value
from erp.manufacturing import selectors
from erp.manufacturing.filters import OPEN
from erp.manufacturing.models import FactoryItem, FactoryOrder, ProductionLine

Filters = Callable[[], dict[str, str]]
S = FactoryOrder.Status


FACTORY_FILTERS: dict[str, Filters] = {
    "no filter": dict,
    "search (a number)": lambda: {"search": middle_value(FactoryOrder, "number")},
    "search (a common name)": lambda: {"search": "محمد"},
    "status": lambda: {"status": S.IN_PROGRESS.value},
    "status=pending_approval (approval queue)": lambda: {"status": S.PENDING_APPROVAL.value},
    "order_type": lambda: {"order_type": FactoryOrder.Type.ACCESSORY.value},
    "line": lambda: {"line": first_pk(ProductionLine)},
    "branch": lambda: {"branch": latest_value(FactoryOrder, "branch_id")},
    "overdue": lambda: {"overdue": "true"},
    "vip": lambda: {"vip": "true"},
    "order": lambda: {"order": str(FactoryOrder.objects.order_by("-id").values_list("order_id", flat=True).first())},
    "line + status": lambda: {"line": first_pk(ProductionLine), "status": S.PENDING.value},
    "branch + status": lambda: {"branch": latest_value(FactoryOrder, "branch_id"), "status": S.PENDING.value},
}


def _factory(filters: Filters, order: tuple[str, ...]) -> Callable[[Any], QuerySet[FactoryOrder]]:
    return lambda actor: selectors.factory_order_list(actor=actor, filters=filters()).order_by(*order)[: PAGE_SIZE + 1]


def _next(actor: Any) -> QuerySet[FactoryOrder]:
    return keyset_next(selectors.factory_order_list(actor=actor, filters={}), ("expected_date", "id"), size=PAGE_SIZE)


def _urgent(actor: Any) -> QuerySet[FactoryOrder]:
    """The dashboard's urgent list."""
    base = selectors.factory_order_base(actor=actor).filter(status__in=OPEN)
    return base.select_related("order__customer", "line").order_by("-is_vip", "expected_date", "id")[:20]


def _received(actor: Any) -> QuerySet[FactoryItem]:
    """The receipt desk's latest receipts (views.receipt)."""
    scope = selectors.factory_order_base(actor=actor)
    return (
        FactoryItem.objects.filter(received_at__isnull=False, factory_order__in=scope)
        .select_related("factory_order", "received_by")
        .order_by("-received_at", "-id")[:PAGE_SIZE]
    )


def _waiting(actor: Any) -> QuerySet[FactoryItem]:
    """The receipt desk's items still to receive (views.receipt)."""
    scope = selectors.factory_order_base(actor=actor)
    return (
        FactoryItem.objects.filter(received_at__isnull=True, factory_order__in=scope)
        .exclude(factory_order__status__in=(S.CANCELLED, S.REJECTED))
        .select_related("factory_order")
        .order_by("id")[:PAGE_SIZE]
    )


CHECKS: list[PlanCheck] = [
    *matrix("factory orders", FACTORY_FILTERS, selectors.SORTS, _factory),
    PlanCheck("factory orders: no filter, ordering=expected_date, next page", _next),
    *(
        PlanCheck(f"factory orders: no filter, ordering=-id ({role.value}'s scope)", _factory(dict, ("-id",)), role)
        for role in (RoleKey.BRANCH_MANAGER, RoleKey.SALESPERSON, RoleKey.REGION_MANAGER)
    ),
    PlanCheck("factory dashboard: urgent list", _urgent),
    PlanCheck("factory dashboard: urgent list (branch_manager's scope)", _urgent, actor=RoleKey.BRANCH_MANAGER),
    PlanCheck("receipt desk: latest receipts", _received, actor=RoleKey.FACTORY_RECEIVER),
    PlanCheck("receipt desk: items to receive", _waiting, actor=RoleKey.FACTORY_RECEIVER),
]
