"""Who sees which customers (domain B §6.2), registered with the accounts scoping module."""

from typing import Any

from django.db.models import Q, QuerySet

from erp.accounts.access import AccessProfile
from erp.accounts.roles import RoleKey
from erp.accounts.scoping import register_scope

DESIGNER = "designer"
WHOLESALE = "wholesale"
CORPORATE = "corporate"

# Roles that see every customer (besides superusers and roles holding accounts.view_all_branches).
COMPANY_WIDE = (RoleKey.SALES_MANAGER, RoleKey.INSPECTION_MANAGER, RoleKey.INSTALLATION_MANAGER)


@register_scope("customers")
def customer_scope(access: AccessProfile, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """First matching rule wins: company-wide roles all; decorator department designer customers; external sales
    director wholesale and designer customers; region manager their managed branches; branch manager their branch;
    salesperson the customers they created; anyone else their branch's customers (their own without a branch)."""
    if access.sees_all_branches or access.has_role(*COMPANY_WIDE):
        return queryset
    if access.has_role(RoleKey.EXTERNAL_SALES_DIRECTOR):
        return queryset.filter(customer_type__code__in=(WHOLESALE, DESIGNER))
    if access.has_role(RoleKey.DECORATOR_DEPT_MANAGER, RoleKey.DECORATOR_DEPT_STAFF):
        return queryset.filter(customer_type__code=DESIGNER)
    if access.has_role(RoleKey.REGION_MANAGER):
        ids = set(access.managed_branch_ids)
        if access.branch_id:
            ids.add(access.branch_id)
        return queryset.filter(branch_id__in=ids)
    if access.has_role(RoleKey.BRANCH_MANAGER) and access.branch_id:
        return queryset.filter(branch_id=access.branch_id)
    if access.has_role(RoleKey.SALESPERSON):
        return queryset.filter(created_by_id=access.user_id)
    if access.branch_id:
        return queryset.filter(Q(branch_id=access.branch_id))
    return queryset.filter(created_by_id=access.user_id)
