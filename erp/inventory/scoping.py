"""Who sees which warehouses (and so which stock): registered with the accounts scoping module."""

from typing import Any

from django.db.models import QuerySet

from erp.accounts.access import AccessProfile
from erp.accounts.roles import RoleKey
from erp.accounts.scoping import branch_ids_in_scope, register_scope

COMPANY_WIDE = (RoleKey.FACTORY_MANAGER.value,)


@register_scope("warehouses")
def warehouse_scope(access: AccessProfile, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Company-wide roles see every warehouse; warehouse staff only their assigned ones; others their branches'."""
    if access.sees_all_branches or access.has_role(*COMPANY_WIDE):
        return queryset
    if access.has_role(RoleKey.WAREHOUSE_STAFF):
        return queryset.filter(staff__id=access.user_id)
    ids = branch_ids_in_scope(access)
    return queryset if ids is None else queryset.filter(branch_id__in=ids)
