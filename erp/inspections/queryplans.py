"""Inspections' list filters and orderings, as the page and the API run them, for the query-plan check
(erp/core/queryplans.py).

The inspections page reads keyset pages of PAGE_SIZE + 1 in `selectors.SORTS` (-id, id); the API reads cursor
pages of PAGE_SIZE + 1 by -id with the same filters. The technician's day page reads their visits of one day.
Scoping (inspections/scoping.py) narrows technicians to their own visits and branch staff to their branch.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from erp.accounts.roles import RoleKey
from erp.core.paging import PAGE_SIZE
from erp.core.queryplans import PlanCheck, keyset_next, latest_value, local_days, matrix, middle_value
from erp.inspections import selectors
from erp.inspections.models import Inspection

Filters = Callable[[], dict[str, str]]


INSPECTION_FILTERS: dict[str, Filters] = {
    "no filter": dict,
    "search (a number)": lambda: {"search": middle_value(Inspection, "number")},
    "search (a common name)": lambda: {"search": "محمد"},
    "status": lambda: {"status": Inspection.Status.SCHEDULED.value},
    "result": lambda: {"result": Inspection.Result.FAILED.value},
    "technician": lambda: {"technician": latest_value(Inspection, "technician_id")},
    "branch": lambda: {"branch": latest_value(Inspection, "branch_id")},
    "customer": lambda: {"customer": latest_value(Inspection, "customer_id")},
    "order": lambda: {"order": latest_value(Inspection, "order_id")},
    "next 30 days": lambda: local_days(30, ago=-30, after="date_after", before="date_before"),
    "status + date range": lambda: {
        "status": Inspection.Status.SCHEDULED.value,
        **local_days(30, ago=-30, after="date_after", before="date_before"),
    },
    "branch + status": lambda: {
        "branch": latest_value(Inspection, "branch_id"),
        "status": Inspection.Status.COMPLETED.value,
    },
    "technician + date range": lambda: {
        "technician": latest_value(Inspection, "technician_id"),
        **local_days(30, ago=-30, after="date_after", before="date_before"),
    },
}


def _inspections(filters: Filters, order: tuple[str, ...]) -> Callable[[Any], QuerySet[Inspection]]:
    return lambda actor: selectors.inspection_list(actor=actor, filters=filters()).order_by(*order)[: PAGE_SIZE + 1]


def _next(actor: Any) -> QuerySet[Inspection]:
    return keyset_next(selectors.inspection_list(actor=actor, filters={}), ("-id",), size=PAGE_SIZE)


def _my_day(actor: Any) -> QuerySet[Inspection]:
    return selectors.visits_of_day(actor=actor, day=timezone.localdate())


CHECKS: list[PlanCheck] = [
    *matrix("inspections", INSPECTION_FILTERS, selectors.SORTS, _inspections),
    PlanCheck("inspections: no filter, ordering=-id, next page", _next),
    *(
        PlanCheck(f"inspections: no filter, ordering=-id ({role.value}'s scope)", _inspections(dict, ("-id",)), role)
        for role in (RoleKey.INSPECTION_TECHNICIAN, RoleKey.BRANCH_MANAGER, RoleKey.SALESPERSON, RoleKey.REGION_MANAGER)
    ),
    PlanCheck("inspections: a technician's day", _my_day, actor=RoleKey.INSPECTION_TECHNICIAN),
]
