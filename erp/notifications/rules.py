"""Who receives a notification (B §5.13's recipient rules), computed once per event in the outbox task.

Always: active superusers and sales managers. Plus the actor (the creator) and any users the caller names (the
responsible salesperson, the inspector, the assignee). Plus, per type:

- customer: branch managers, region managers and salespeople of the branch;
- order: branch and region managers of the branch, and the departments of the order's type: factory managers
  (installation, tailoring, and accessory orders, which the factory makes here), installation managers (installation),
  inspection managers (inspection); products orders reach no department;
- inspection: inspection managers (the inspector, the creator and the order's salesperson are named by the caller);
- installation: installation managers and factory managers (and branch/region managers of the branch);
- factory, cutting: factory managers;
- complaint: branch and region managers of the branch;
- stock: factory managers and the branch's warehouse staff;
- system: nobody more.

Then each recipient's settings apply (muted types, minimum priority).
"""

from collections.abc import Iterable

from django.db.models import Q

from erp.accounts.models import User
from erp.accounts.roles import RoleKey
from erp.notifications.models import Kind, NotificationSetting

BRANCH_MANAGERS = "branch_managers"
REGION_MANAGERS = "region_managers"
BRANCH_SALESPEOPLE = "branch_salespeople"
BRANCH_WAREHOUSE = "branch_warehouse"

# Per type: roles that receive it wherever the branch is, and branch-relative groups.
RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Kind.CUSTOMER: ((), (BRANCH_MANAGERS, REGION_MANAGERS, BRANCH_SALESPEOPLE)),
    Kind.ORDER: ((), (BRANCH_MANAGERS, REGION_MANAGERS)),
    Kind.INSPECTION: ((RoleKey.INSPECTION_MANAGER,), ()),
    Kind.INSTALLATION: ((RoleKey.INSTALLATION_MANAGER, RoleKey.FACTORY_MANAGER), (BRANCH_MANAGERS, REGION_MANAGERS)),
    Kind.FACTORY: ((RoleKey.FACTORY_MANAGER,), ()),
    Kind.CUTTING: ((RoleKey.FACTORY_MANAGER,), ()),
    Kind.COMPLAINT: ((), (BRANCH_MANAGERS, REGION_MANAGERS)),
    Kind.STOCK: ((RoleKey.FACTORY_MANAGER,), (BRANCH_WAREHOUSE,)),
    Kind.SYSTEM: ((), ()),
}
ALWAYS = (RoleKey.SALES_MANAGER,)
# Order events also reach the departments that work on the order's type (notify(extra={"order_type": ...})).
ORDER_TYPE_ROLES: dict[str, tuple[str, ...]] = {
    "inspection": (RoleKey.INSPECTION_MANAGER,),
    "installation": (RoleKey.FACTORY_MANAGER, RoleKey.INSTALLATION_MANAGER),
    "tailoring": (RoleKey.FACTORY_MANAGER,),
    "accessory": (RoleKey.FACTORY_MANAGER,),
    "products": (),
}


def recipient_ids(
    *,
    kind: str,
    priority: int,
    branch_id: int | None,
    actor_id: int | None,
    user_ids: Iterable[int] = (),
    order_type: str = "",
) -> list[int]:
    """Ids of the active users who receive a notification of `kind` (two queries)."""
    global_roles, branch_groups = RULES.get(kind, ((), ()))
    if kind == Kind.ORDER:
        global_roles = (*global_roles, *ORDER_TYPE_ROLES.get(order_type, ()))
    condition = Q(is_superuser=True) | Q(roles__key__in=[*ALWAYS, *global_roles])
    named = {int(u) for u in user_ids}
    if actor_id:
        named.add(int(actor_id))
    if named:
        condition |= Q(pk__in=named)
    if branch_id:
        if BRANCH_MANAGERS in branch_groups:
            condition |= Q(branch_id=branch_id, roles__key=RoleKey.BRANCH_MANAGER)
        if REGION_MANAGERS in branch_groups:
            condition |= Q(managed_branches=branch_id, roles__key=RoleKey.REGION_MANAGER)
        if BRANCH_SALESPEOPLE in branch_groups:
            condition |= Q(branch_id=branch_id, roles__key=RoleKey.SALESPERSON)
        if BRANCH_WAREHOUSE in branch_groups:
            condition |= Q(branch_id=branch_id, roles__key=RoleKey.WAREHOUSE_STAFF)
    ids = set(User.objects.filter(condition, is_active=True).values_list("pk", flat=True).distinct())
    if not ids:
        return []
    opted_out = {
        s.user_id
        for s in NotificationSetting.objects.filter(user_id__in=ids).only("user_id", "muted_kinds", "min_priority")
        if kind in (s.muted_kinds or []) or priority < s.min_priority
    }
    return sorted(ids - opted_out)
