"""Installations' list filters and orderings, as the pages and the API run them, for the query-plan check
(erp/core/queryplans.py).

The installations page reads keyset pages of PAGE_SIZE + 1 in one of `selectors.SORTS`; the API reads cursor
pages of PAGE_SIZE + 1 by -id with the same filters. The "to schedule" page lists ready installation orders with
no open installation (keyset by -id); the day and week pages read one day or week of installations; modification
requests are keyset pages by -id. Everyone but installation and sales managers sees the installations of the
orders they see (installations/scoping.py uses the orders scope).
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from erp.accounts.roles import RoleKey
from erp.core.paging import PAGE_SIZE
from erp.core.queryplans import PlanCheck, keyset_next, latest_value, local_days, matrix, middle_value
from erp.installations import selectors
from erp.installations.models import Installation, ModificationRequest
from erp.orders.models import Order

Filters = Callable[[], dict[str, str]]
S = Installation.Status


def _branch() -> str:
    return str(Order.objects.filter(order_type=Order.Type.INSTALLATION).values_list("branch_id", flat=True).first())


INSTALLATION_FILTERS: dict[str, Filters] = {
    "no filter": dict,
    "search (a number)": lambda: {"search": middle_value(Installation, "number")},
    "search (a common name)": lambda: {"search": "محمد"},
    "status": lambda: {"status": S.SCHEDULED.value},
    "team": lambda: {"team": latest_value(Installation, "team_id")},
    "branch": lambda: {"branch": _branch()},
    "next 30 days": lambda: local_days(30, ago=-30, after="date_from", before="date_to"),
    "order": lambda: {"order": latest_value(Installation, "order_id")},
    "status + date range": lambda: {
        "status": S.SCHEDULED.value,
        **local_days(30, ago=-30, after="date_from", before="date_to"),
    },
    "team + date range": lambda: {
        "team": latest_value(Installation, "team_id"),
        **local_days(7, after="date_from", before="date_to"),
    },
}


def _installations(filters: Filters, order: tuple[str, ...]) -> Callable[[Any], QuerySet[Installation]]:
    return lambda actor: selectors.installation_list(actor=actor, filters=filters()).order_by(*order)[: PAGE_SIZE + 1]


def _next(actor: Any) -> QuerySet[Installation]:
    return keyset_next(selectors.installation_list(actor=actor, filters={}), ("-scheduled_date", "-id"), size=PAGE_SIZE)


def _to_schedule(actor: Any) -> QuerySet[Order]:
    return selectors.needs_scheduling(actor=actor).order_by("-id")[: PAGE_SIZE + 1]


def _day(actor: Any) -> QuerySet[Installation]:
    """The day schedule's queryset (selectors.day_schedule evaluates it)."""
    qs = selectors.installation_base(actor=actor).filter(scheduled_date=timezone.localdate())
    return (
        qs.exclude(status=S.CANCELLED)
        .select_related(*selectors.LIST_RELATED)
        .order_by("team__name", "scheduled_time", "id")
    )


def _week(actor: Any) -> QuerySet[Installation]:
    """The week calendar's queryset (selectors.range_schedule evaluates it)."""
    start = timezone.localdate()
    qs = selectors.installation_base(actor=actor).filter(
        scheduled_date__gte=start, scheduled_date__lte=start + timedelta(days=6)
    )
    return (
        qs.exclude(status=S.CANCELLED)
        .select_related("order", "order__customer", "team")
        .order_by("scheduled_date", "scheduled_time", "id")
    )


def _modifications(filters: dict[str, str]) -> Callable[[Any], QuerySet[ModificationRequest]]:
    return lambda actor: selectors.modification_list(actor=actor, filters=filters).order_by("-id")[: PAGE_SIZE + 1]


CHECKS: list[PlanCheck] = [
    *matrix("installations", INSTALLATION_FILTERS, selectors.SORTS, _installations),
    PlanCheck("installations: no filter, ordering=-scheduled_date, next page", _next),
    *(
        PlanCheck(
            f"installations: no filter, ordering=-id ({role.value}'s scope)", _installations(dict, ("-id",)), role
        )
        for role in (RoleKey.BRANCH_MANAGER, RoleKey.SALESPERSON, RoleKey.REGION_MANAGER)
    ),
    PlanCheck("installations to schedule", _to_schedule, actor=RoleKey.INSTALLATION_MANAGER),
    PlanCheck("installations: a day's schedule", _day, actor=RoleKey.INSTALLATION_MANAGER),
    PlanCheck("installations: a week's calendar", _week, actor=RoleKey.INSTALLATION_MANAGER),
    PlanCheck("installations: a day's schedule (branch_manager's scope)", _day, actor=RoleKey.BRANCH_MANAGER),
    PlanCheck("modification requests: no filter", _modifications({})),
    PlanCheck("modification requests: status", _modifications({"status": ModificationRequest.Status.PENDING.value})),
    PlanCheck(
        "modification requests: priority", _modifications({"priority": ModificationRequest.Priority.URGENT.value})
    ),
    PlanCheck(
        "modification requests: fault_party", _modifications({"fault_party": ModificationRequest.Fault.FACTORY.value})
    ),
    PlanCheck("modification requests: no filter (branch_manager's scope)", _modifications({}), RoleKey.BRANCH_MANAGER),
]
