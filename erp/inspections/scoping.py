"""Who sees which inspections (B §6.2, A.3-7), registered with the accounts scoping module.

superuser, sales manager and inspection managers → all; region manager → managed branches (and their own branch);
branch manager and salesperson → their branch; inspection technician → visits assigned to them or created by them;
anyone else → nothing (deny by default). Visits a user created stay visible to them.
"""

from typing import Any

from django.db.models import Q, QuerySet

from erp.accounts.access import AccessProfile
from erp.accounts.roles import RoleKey
from erp.accounts.scoping import register_scope


@register_scope("inspections")
def inspection_scope(access: AccessProfile, queryset: QuerySet[Any]) -> QuerySet[Any]:
    if access.sees_all_branches or access.has_role(RoleKey.INSPECTION_MANAGER):
        return queryset
    mine = Q(technician_id=access.user_id) | Q(created_by_id=access.user_id)
    if access.has_role(RoleKey.REGION_MANAGER):
        ids = set(access.managed_branch_ids)
        if access.branch_id:
            ids.add(access.branch_id)
        return queryset.filter(Q(branch_id__in=ids) | mine)
    if access.has_role(RoleKey.BRANCH_MANAGER, RoleKey.SALESPERSON) and access.branch_id:
        return queryset.filter(Q(branch_id=access.branch_id) | mine)
    if access.has_role(RoleKey.INSPECTION_TECHNICIAN):
        return queryset.filter(mine)
    return queryset.none()
