"""Accounts' list filters and orderings, as their pages run them, for the query-plan check (core/queryplans.py).

Each builder goes through the selector the page uses and slices a page the way the view does (offset pages of
PAGE_SIZE for users and branches; keyset pages of PAGE_SIZE + 1 ordered by -id for security events). Users and
branches stay small (hundreds of rows); security events are the table that grows.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from erp.accounts import selectors
from erp.accounts.models import Branch, SecurityEvent, User
from erp.accounts.roles import RoleKey
from erp.core.paging import PAGE_SIZE
from erp.core.queryplans import PlanCheck

USER_ORDERINGS = ("username", "-last_seen", "first_name")


def _first_branch_pk() -> str:
    pk = Branch.objects.order_by("pk").values_list("pk", flat=True).first()
    return str(pk or "")


def _user_filters() -> dict[str, Callable[[], dict[str, str]]]:
    return {
        "no filter": dict,
        "search": lambda: {"search": "ahmed"},
        "branch": lambda: {"branch": _first_branch_pk()},
        "role": lambda: {"role": RoleKey.SALESPERSON.value},
        "is_active": lambda: {"is_active": "false"},
        "all filters": lambda: {
            "search": "ahmed",
            "branch": _first_branch_pk(),
            "role": RoleKey.SALESPERSON.value,
            "is_active": "true",
        },
    }


def _users(filters: Callable[[], dict[str, str]], ordering: str) -> Callable[[Any], QuerySet[User]]:
    return lambda actor: selectors.user_list(actor=actor, filters=filters()).order_by(ordering)[:PAGE_SIZE]


def _branches(filters: dict[str, str]) -> Callable[[Any], QuerySet[Branch]]:
    return lambda actor: selectors.branch_list(actor=actor, filters=filters).order_by("code")[:PAGE_SIZE]


def _last_30_days() -> dict[str, str]:
    today = timezone.localdate()
    return {"created_after": (today - timedelta(days=30)).isoformat(), "created_before": today.isoformat()}


def _a_year_ago() -> dict[str, str]:
    """A month of the oldest events: the page must not read the whole newer part of the table to find them."""
    today = timezone.localdate()
    return {
        "created_after": (today - timedelta(days=360)).isoformat(),
        "created_before": (today - timedelta(days=330)).isoformat(),
    }


def _events(filters: Callable[[], dict[str, str]], *, before: bool = False) -> Callable[[Any], QuerySet[SecurityEvent]]:
    def build(actor: Any) -> QuerySet[SecurityEvent]:
        qs = selectors.security_event_list(actor=actor, filters=filters())
        if before:  # the next page of the keyset: ?before=<id> (from the middle of the table)
            last = SecurityEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
            qs = qs.filter(id__lt=last // 2)
        return qs.order_by("-id")[: PAGE_SIZE + 1]

    return build


CHECKS: list[PlanCheck] = [
    *(
        PlanCheck(f"users: {label}, ordering={ordering}", _users(filters, ordering))
        for label, filters in _user_filters().items()
        for ordering in USER_ORDERINGS
    ),
    PlanCheck(
        "users: no filter, ordering=username (a branch manager's scope)",
        _users(dict, "username"),
        actor=RoleKey.BRANCH_MANAGER.value,
    ),
    PlanCheck(
        "users: no filter, ordering=username (a region manager's scope)",
        _users(dict, "username"),
        actor=RoleKey.REGION_MANAGER.value,
    ),
    PlanCheck("branches: no filter", _branches({})),
    PlanCheck("branches: search", _branches({"search": "CAI"})),
    PlanCheck("branches: is_active", _branches({"is_active": "true"})),
    PlanCheck("branches: no filter (a region manager's scope)", _branches({}), actor=RoleKey.REGION_MANAGER.value),
    PlanCheck("security events: no filter, -id", _events(dict)),
    PlanCheck("security events: no filter, -id, next page", _events(dict, before=True)),
    PlanCheck("security events: kind=login, -id", _events(lambda: {"kind": "login"})),
    PlanCheck("security events: kind=lockout (rare), -id", _events(lambda: {"kind": "lockout"})),
    PlanCheck("security events: last 30 days, -id", _events(_last_30_days)),
    PlanCheck("security events: a month a year ago, -id", _events(_a_year_ago)),
    PlanCheck(
        "security events: kind=login_failed + last 30 days, -id",
        _events(lambda: {"kind": "login_failed", **_last_30_days()}),
    ),
    PlanCheck(
        "security events: kind=lockout + last 30 days, -id, next page",
        _events(lambda: {"kind": "lockout", **_last_30_days()}, before=True),
    ),
    PlanCheck("security events: username, -id", _events(lambda: {"username": "salesperson"})),
    PlanCheck("security events: username without events, -id", _events(lambda: {"username": "nobody"})),
    PlanCheck(
        "security events: kind=login + a month a year ago, -id",
        _events(lambda: {"kind": "login", **_a_year_ago()}),
    ),
    PlanCheck("security events: no filter, -id (a sales manager)", _events(dict), actor=RoleKey.SALES_MANAGER.value),
]
