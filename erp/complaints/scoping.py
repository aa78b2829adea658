"""Who sees which complaints (B §6.2 applied to complaints), registered with the accounts scoping module.

Sales managers and system administrators see all; region managers their managed branches; branch managers and
salespeople their branch's customers' complaints; everyone sees the complaints assigned to them (personally or to
their department role) and those they filed. Department managers (inspection, installation, factory) handle the ones
assigned to them.
"""

from typing import Any

from django.db.models import Q, QuerySet

from erp.accounts.access import AccessProfile
from erp.accounts.roles import RoleKey
from erp.accounts.scoping import branch_ids_in_scope, register_scope

BRANCH_STAFF = (RoleKey.BRANCH_MANAGER, RoleKey.SALESPERSON)


@register_scope("complaints")
def complaint_scope(access: AccessProfile, queryset: QuerySet[Any]) -> QuerySet[Any]:
    branches = branch_ids_in_scope(access)
    if branches is None:
        return queryset
    own_branches = set(branches)
    mine = Q(assigned_to_id=access.user_id) | Q(created_by_id=access.user_id)
    if access.roles:
        mine |= Q(assigned_role__in=sorted(access.roles)) & (
            Q(assigned_branch__isnull=True) | Q(assigned_branch_id__in=sorted(own_branches))
        )
    if access.has_role(*BRANCH_STAFF) and own_branches:
        mine |= Q(branch_id__in=sorted(own_branches))
    return queryset.filter(mine)
