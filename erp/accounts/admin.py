from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from erp.accounts.models import ApiToken, Branch, Role, SecurityEvent, User


def _superuser_only(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


# The Django admin is a superuser's tool only; staff work in the application's own pages.
admin.site.has_permission = _superuser_only  # type: ignore[method-assign]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "branch", "is_active", "last_seen"]
    list_filter = ["is_active", "branch", "roles"]
    list_select_related = ["branch"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        ("ERP", {"fields": ("phone", "branch", "preferred_language", "roles", "managed_branches", "last_seen")}),
    )
    filter_horizontal = ("groups", "user_permissions", "roles", "managed_branches")


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin[Branch]):
    list_display = ["code", "name", "is_active", "is_main"]
    search_fields = ["code", "name"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin[Role]):
    list_display = ["key", "level", "is_system"]
    filter_horizontal = ["permissions"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin[SecurityEvent]):
    list_display = ["created_at", "kind", "username", "ip_address", "path"]
    list_filter = ["kind"]
    search_fields = ["username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SecurityEvent | None = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["prefix", "user", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["key_hash", "prefix", "user", "created_at", "expires_at", "last_used_at"]
