from typing import Any

from django.contrib.auth.backends import ModelBackend

from erp.accounts.access import access_for


class RoleBackend(ModelBackend):
    """Django's model backend; permissions come from roles and direct grants, via the cached access profile."""

    def get_user(self, user_id: Any) -> Any:
        """The request's user with their branch (the top bar shows it), in the one query Django makes anyway."""
        from erp.accounts.models import User

        try:
            user = User.objects.select_related("branch").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(access_for(user_obj).permissions)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not user_obj.is_active or obj is not None:
            return False
        return access_for(user_obj).has_perm(perm)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if not user_obj.is_active:
            return False
        return any(p.startswith(f"{app_label}.") for p in access_for(user_obj).permissions)
