"""The one place that decides which rows a user may see, one function per aggregate (domain decision A.3-7).

Every list, detail, API, export, report, PDF and dashboard calls `scope_for(user, kind, queryset)` (or the
aggregate's function directly). Deny by default: an anonymous or inactive user, or a kind nobody registered,
gets nothing. Later modules register their aggregates with `@register_scope("orders")`.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from erp.accounts.access import AccessProfile, access_for
from erp.accounts.roles import RoleKey

M = TypeVar("M", bound=Model)
ScopeFn = Callable[[AccessProfile, QuerySet[Any]], QuerySet[Any]]

_SCOPES: dict[str, ScopeFn] = {}


def register_scope(kind: str) -> Callable[[ScopeFn], ScopeFn]:
    def decorator(fn: ScopeFn) -> ScopeFn:
        if kind in _SCOPES and _SCOPES[kind] is not fn:
            raise RuntimeError(f"scope {kind!r} registered twice")
        _SCOPES[kind] = fn
        return fn

    return decorator


def registered_scopes() -> list[str]:
    return sorted(_SCOPES)


def scope_for(user: object, kind: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """`queryset` narrowed to what `user` may see of aggregate `kind`."""
    access = access_for(user)
    fn = _SCOPES.get(kind)
    if fn is None or access.user_id is None:
        return queryset.none()
    return fn(access, queryset)


def branch_ids_in_scope(access: AccessProfile) -> frozenset[int] | None:
    """Branches whose data the user may see: None means every branch."""
    if access.sees_all_branches:
        return None
    ids = set(access.managed_branch_ids) if access.has_role(RoleKey.REGION_MANAGER) else set()
    if access.branch_id:
        ids.add(access.branch_id)
    return frozenset(ids)


@register_scope("branches")
def branch_scope(access: AccessProfile, queryset: QuerySet[Any]) -> QuerySet[Any]:
    ids = branch_ids_in_scope(access)
    return queryset if ids is None else queryset.filter(pk__in=ids)


@register_scope("users")
def user_scope(access: AccessProfile, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Users a person may see: managers see the users of their branches; everyone sees themself."""
    if not access.has_perm("accounts.manage_users"):
        return queryset.filter(pk=access.user_id)
    ids = branch_ids_in_scope(access)
    if ids is None:
        return queryset
    return queryset.filter(Q(branch_id__in=ids) | Q(pk=access.user_id))
