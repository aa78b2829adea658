"""Who sees which cutting orders (B §6.2): warehouse staff their assigned warehouses' only; the factory manager and
company-wide roles all; branch managers, region managers and salespeople their branches' orders'."""

from typing import Any

from django.db.models import QuerySet

from erp.accounts.access import AccessProfile
from erp.accounts.roles import RoleKey
from erp.accounts.scoping import branch_ids_in_scope, register_scope

COMPANY_WIDE = (RoleKey.FACTORY_MANAGER.value,)


@register_scope("cutting_orders")
def cutting_order_scope(access: AccessProfile, queryset: QuerySet[Any]) -> QuerySet[Any]:
    if access.sees_all_branches or access.has_role(*COMPANY_WIDE):
        return queryset
    if access.has_role(RoleKey.WAREHOUSE_STAFF):
        from erp.inventory.models import Warehouse

        return queryset.filter(warehouse__in=Warehouse.objects.filter(staff__id=access.user_id or 0).values("pk"))
    ids = branch_ids_in_scope(access)
    return queryset if ids is None else queryset.filter(order__branch_id__in=ids)
