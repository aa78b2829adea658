"""A user's access profile: effective roles, level, permissions and branches, computed once and cached.

Every permission check and scoping function reads this profile, so a page costs at most one cache read (and, on a
miss, two queries) for authorisation no matter how many menu entries or rules it evaluates.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, Permission

from erp.accounts.roles import NO_ROLE_LEVEL, ROLE_DEFINITIONS, RoleKey, expand_roles
from erp.core.cache import cached

ACCESS_NAMESPACE = "access"


@dataclass(frozen=True)
class AccessProfile:
    user_id: int | None
    is_superuser: bool
    branch_id: int | None
    roles: frozenset[str]
    level: int
    permissions: frozenset[str]
    managed_branch_ids: frozenset[int]

    def has_role(self, *keys: str) -> bool:
        return self.is_superuser or any(k in self.roles for k in keys)

    def has_perm(self, perm: str) -> bool:
        return self.is_superuser or perm in self.permissions

    @property
    def sees_all_branches(self) -> bool:
        return (
            self.is_superuser or RoleKey.SALES_MANAGER in self.roles or "accounts.view_all_branches" in self.permissions
        )


ANONYMOUS = AccessProfile(None, False, None, frozenset(), NO_ROLE_LEVEL + 1, frozenset(), frozenset())


def _compute(user: Any) -> AccessProfile:
    """Two queries: roles with managed branches, then permissions (the user row is already loaded)."""
    from erp.accounts.models import User

    user_id = int(user.pk)
    rows = list(User.objects.filter(pk=user_id).values_list("roles__key", "managed_branches__id").distinct())
    direct_roles = {r for r, _ in rows if r}
    managed = frozenset(b for _, b in rows if b)
    roles = expand_roles(direct_roles | ({RoleKey.SYSTEM_ADMIN.value} if user.is_superuser else set()))
    level = min((ROLE_DEFINITIONS[r].level for r in roles), default=NO_ROLE_LEVEL)
    perms = Permission.objects.filter(roles__key__in=roles) | Permission.objects.filter(user=user_id)
    perm_names = frozenset(f"{app}.{code}" for app, code in perms.values_list("content_type__app_label", "codename"))
    return AccessProfile(
        user_id=user_id,
        is_superuser=user.is_superuser,
        branch_id=user.branch_id,
        roles=roles,
        level=level,
        permissions=perm_names,
        managed_branch_ids=managed,
    )


def require_perm(user: object, perm: str) -> None:
    """Raise PermissionDenied (403, logged as a security event) unless `user` holds `perm`."""
    if not access_for(user).has_perm(perm):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied


def access_for(user: object) -> AccessProfile:
    """The access profile of `user`, memoised on the object for the request and cached across requests."""
    if user is None or isinstance(user, AnonymousUser) or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    if not getattr(user, "is_active", False):
        return ANONYMOUS
    memo = getattr(user, "_access_profile", None)
    if memo is not None:
        return memo  # type: ignore[no-any-return]
    user_id = int(user.pk)  # type: ignore[attr-defined]
    profile = cached(ACCESS_NAMESPACE, str(user_id), lambda: _compute(user), timeout=3600)
    user._access_profile = profile  # type: ignore[attr-defined]
    return profile
