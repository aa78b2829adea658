"""Complaints' list filters, as the page and the API run them, for the query-plan check (erp/core/queryplans.py).

The complaints page reads keyset pages of PAGE_SIZE + 1 by -id; the API reads cursor pages of PAGE_SIZE + 1 by -id
with the same filters. The filing form's customer picker searches customers (20 by name). Everyone but sales
managers sees the complaints assigned to them or their role, filed by them, or (branch staff) of their branch
(complaints/scoping.py).
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from erp.accounts.roles import RoleKey
from erp.accounts.scoping import scope_for
from erp.complaints import selectors
from erp.complaints.models import Complaint, ComplaintType, Priority
from erp.core.paging import PAGE_SIZE
from erp.core.queryplans import PlanCheck, first_pk, keyset_next, latest_value, local_days, middle_value
from erp.customers.models import Customer

Filters = Callable[[], dict[str, str]]
S = Complaint.Status


COMPLAINT_FILTERS: dict[str, Filters] = {
    "no filter": dict,
    "search (a number)": lambda: {"search": middle_value(Complaint, "number")},
    "search (a common name)": lambda: {"search": "محمد"},
    "status": lambda: {"status": S.IN_PROGRESS.value},
    "complaint_type": lambda: {"complaint_type": first_pk(ComplaintType)},
    "priority": lambda: {"priority": Priority.URGENT.value},
    "assigned_to": lambda: {"assigned_to": latest_value(Complaint, "assigned_to_id", assigned_to__isnull=False)},
    "overdue": lambda: {"overdue": "true"},
    "escalated": lambda: {"escalated": "true"},
    "open": lambda: {"open": "true"},
    "branch": lambda: {"branch": latest_value(Complaint, "branch_id")},
    "customer": lambda: {"customer": latest_value(Complaint, "customer_id")},
    "last 30 days": lambda: local_days(30),
    "open + overdue": lambda: {"open": "true", "overdue": "true"},
    "branch + status": lambda: {"branch": latest_value(Complaint, "branch_id"), "status": S.NEW.value},
    "status + last 30 days": lambda: {"status": S.NEW.value, **local_days(30)},
}


def _complaints(filters: Filters) -> Callable[[Any], QuerySet[Complaint]]:
    return lambda actor: selectors.complaint_list_filtered(actor=actor, filters=filters()).order_by("-id")[
        : PAGE_SIZE + 1
    ]


def _next(actor: Any) -> QuerySet[Complaint]:
    return keyset_next(selectors.complaint_list_filtered(actor=actor, filters={}), ("-id",), size=PAGE_SIZE)


def _customer_picker(actor: Any) -> QuerySet[Customer]:
    """views.customer_options: customers matching the typed text, by name."""
    return (
        scope_for(actor, "customers", Customer.objects.all())
        .filter(search_text__contains="منصور")
        .only("pk", "name", "code", "phone")
        .order_by("name", "pk")[:20]
    )


CHECKS: list[PlanCheck] = [
    *(PlanCheck(f"complaints: {label}, ordering=-id", _complaints(f)) for label, f in COMPLAINT_FILTERS.items()),
    PlanCheck("complaints: no filter, ordering=-id, next page", _next),
    *(
        PlanCheck(f"complaints: no filter, ordering=-id ({role.value}'s scope)", _complaints(dict), actor=role)
        for role in (
            RoleKey.BRANCH_MANAGER,
            RoleKey.SALESPERSON,
            RoleKey.REGION_MANAGER,
            RoleKey.INSTALLATION_MANAGER,
            RoleKey.FACTORY_MANAGER,
        )
    ),
    PlanCheck(
        "complaints: open, ordering=-id (branch_manager's scope)",
        _complaints(lambda: {"open": "true"}),
        actor=RoleKey.BRANCH_MANAGER,
    ),
    PlanCheck("complaint form: customer picker", _customer_picker),
    PlanCheck("complaint form: customer picker (salesperson's scope)", _customer_picker, actor=RoleKey.SALESPERSON),
]
