"""Who sees which orders (domain B §6.2, first matching rule wins), registered with the accounts scoping module."""

from typing import Any

from django.db.models import Q, QuerySet, Subquery

from erp.accounts.access import AccessProfile
from erp.accounts.roles import RoleKey
from erp.accounts.scoping import register_scope

DESIGNER = "designer"
WHOLESALE = "wholesale"
COMPANY_WIDE = (RoleKey.SALES_MANAGER, RoleKey.FACTORY_MANAGER)


def own(access: AccessProfile) -> Q:
    """Orders the user created or sold (as the salesperson with a login).

    The user's salesperson is a scalar subquery (the login is one-to-one) instead of a LEFT JOIN to salespeople, so
    the OR compares two columns of the orders table itself, each with its own (…, status, id) index."""
    from erp.orders.models import Salesperson

    if access.user_id is None:
        return Q(pk__in=[])
    salesperson = Salesperson.objects.filter(user_id=access.user_id).values("pk")[:1]
    return Q(created_by_id=access.user_id) | Q(salesperson_id=Subquery(salesperson))


@register_scope("orders")
def order_scope(access: AccessProfile, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """superuser, sales manager, factory manager → all; inspection manager → inspection orders + own; installation
    manager → installation orders + own; external sales director → wholesale and designer customers' orders;
    decorator department → designer customers' orders; region manager → managed branches + own; branch manager →
    their branch + own; inspection technician → inspection orders + own; salesperson and anyone else → own."""
    if access.sees_all_branches or access.has_role(*COMPANY_WIDE):
        return queryset
    mine = own(access)
    if access.has_role(RoleKey.INSPECTION_MANAGER):
        return queryset.filter(Q(order_type="inspection") | mine)
    if access.has_role(RoleKey.INSTALLATION_MANAGER):
        return queryset.filter(Q(order_type="installation") | mine)
    if access.has_role(RoleKey.EXTERNAL_SALES_DIRECTOR):
        return queryset.filter(Q(customer__customer_type__code__in=(WHOLESALE, DESIGNER)) | mine)
    if access.has_role(RoleKey.DECORATOR_DEPT_MANAGER, RoleKey.DECORATOR_DEPT_STAFF):
        return queryset.filter(Q(customer__customer_type__code=DESIGNER) | mine)
    if access.has_role(RoleKey.REGION_MANAGER):
        ids = set(access.managed_branch_ids)
        if access.branch_id:
            ids.add(access.branch_id)
        return queryset.filter(Q(branch_id__in=ids) | mine)
    if access.has_role(RoleKey.BRANCH_MANAGER) and access.branch_id:
        return queryset.filter(Q(branch_id=access.branch_id) | mine)
    if access.has_role(RoleKey.INSPECTION_TECHNICIAN):
        return queryset.filter(Q(order_type="inspection") | mine)
    return queryset.filter(mine)
