"""Who sees which installations and modification requests: those of the orders they see (the orders scope, B §6.2),
except installation managers and company-wide roles, who see all."""

from typing import Any

from django.db.models import QuerySet

from erp.accounts.access import AccessProfile
from erp.accounts.roles import RoleKey
from erp.accounts.scoping import register_scope

ALL_ROLES = (RoleKey.INSTALLATION_MANAGER, RoleKey.SALES_MANAGER)


def _orders(access: AccessProfile) -> QuerySet[Any]:
    from erp.orders.models import Order
    from erp.orders.scoping import order_scope

    return order_scope(access, Order.objects.all()).values("pk")


@register_scope("installations")
def installation_scope(access: AccessProfile, queryset: QuerySet[Any]) -> QuerySet[Any]:
    if access.sees_all_branches or access.has_role(*ALL_ROLES):
        return queryset
    return queryset.filter(order_id__in=_orders(access))


@register_scope("modification_requests")
def modification_scope(access: AccessProfile, queryset: QuerySet[Any]) -> QuerySet[Any]:
    if access.sees_all_branches or access.has_role(*ALL_ROLES):
        return queryset
    return queryset.filter(installation__order_id__in=_orders(access))
