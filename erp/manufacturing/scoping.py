"""Who sees which factory orders: the factory and the operations managers see all; everyone else sees the orders
of the branches in their scope (branch managers and salespeople: their branch; region managers: their branches)."""

from typing import Any

from django.db.models import QuerySet

from erp.accounts.access import AccessProfile
from erp.accounts.roles import RoleKey
from erp.accounts.scoping import branch_ids_in_scope, register_scope

COMPANY_WIDE = (
    RoleKey.FACTORY_MANAGER,
    RoleKey.FACTORY_RECEIVER,
    RoleKey.FACTORY_ACCOUNTANT,
    RoleKey.INSTALLATION_MANAGER,
)


@register_scope("manufacturing")
def factory_order_scope(access: AccessProfile, queryset: QuerySet[Any]) -> QuerySet[Any]:
    if access.sees_all_branches or access.has_role(*COMPANY_WIDE):
        return queryset
    ids = branch_ids_in_scope(access)
    if ids is None:
        return queryset
    return queryset.filter(branch_id__in=ids) if ids else queryset.none()
