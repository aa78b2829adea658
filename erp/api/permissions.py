from typing import Any

from rest_framework.permissions import BasePermission

from erp.accounts.access import access_for


def has_perm(perm: str) -> type[BasePermission]:
    """A DRF permission class requiring `perm` from the user's access profile (roles and direct grants)."""

    class HasPerm(BasePermission):
        def has_permission(self, request: Any, view: Any) -> bool:
            return bool(request.user and request.user.is_authenticated and access_for(request.user).has_perm(perm))

    HasPerm.__name__ = f"HasPerm({perm})"
    return HasPerm
