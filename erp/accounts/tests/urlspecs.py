"""How to open every accounts URL for the query budget (see erp/core/testing/urlbudget.py)."""

from erp.accounts.models import SecurityEvent
from erp.accounts.roles import RoleKey
from erp.accounts.tests.factories import bulk_users
from erp.core.testing.urlbudget import ANONYMOUS, SUPERUSER, UrlSpec, World

MANAGERS = (SUPERUSER, RoleKey.SALES_MANAGER.value, RoleKey.REGION_MANAGER.value, RoleKey.BRANCH_MANAGER.value)
BRANCH_ADMINS = (SUPERUSER, RoleKey.SALES_MANAGER.value, RoleKey.REGION_MANAGER.value)
EVERYONE = (
    SUPERUSER,
    RoleKey.SALES_MANAGER.value,
    RoleKey.BRANCH_MANAGER.value,
    RoleKey.SALESPERSON.value,
    RoleKey.USER.value,
)


def grow_users(world: World, n: int) -> None:
    bulk_users(branch=world.branch_a, count=n, role=RoleKey.SALESPERSON)


def grow_branches(world: World, n: int) -> None:
    from erp.accounts.models import Branch

    start = Branch.objects.count()
    Branch.objects.bulk_create(Branch(code=f"G{start + i:04d}", name=f"فرع {start + i}") for i in range(n))


def grow_events(world: World, n: int) -> None:
    SecurityEvent.objects.bulk_create(SecurityEvent(kind="login", username=f"u{i}") for i in range(n))


def target(world: World) -> dict[str, int]:
    return {"pk": world.extra["target"].pk}


def branch(world: World) -> dict[str, int]:
    return {"pk": world.branch_a.pk}


SPECS = [
    UrlSpec("home", EVERYONE, grow_users),
    UrlSpec("accounts:login", (ANONYMOUS,), grow_users),
    UrlSpec("accounts:logout", EVERYONE, grow_users, method="post", status=302, relogin=True),
    UrlSpec("accounts:password_change", EVERYONE, grow_users),
    UrlSpec("accounts:profile", EVERYONE, grow_users),
    UrlSpec("accounts:user_list", MANAGERS, grow_users),
    UrlSpec("accounts:user_list", MANAGERS, grow_users, query="search=user&branch=&role=salesperson&is_active=true"),
    UrlSpec("accounts:user_list", MANAGERS, grow_users, query="export=xlsx"),
    UrlSpec("accounts:user_create", MANAGERS, grow_users),
    UrlSpec("accounts:user_detail", MANAGERS, grow_users, kwargs=target),
    UrlSpec("accounts:user_update", MANAGERS, grow_users, kwargs=target),
    UrlSpec("accounts:user_toggle_active", MANAGERS, grow_users, kwargs=target, method="post", status=302),
    UrlSpec("accounts:user_set_password", MANAGERS, grow_users, kwargs=target),
    UrlSpec("accounts:branch_list", BRANCH_ADMINS, grow_branches),
    UrlSpec("accounts:branch_create", (SUPERUSER, RoleKey.SALES_MANAGER.value), grow_branches),
    UrlSpec("accounts:branch_update", BRANCH_ADMINS, grow_branches, kwargs=branch),
    UrlSpec("accounts:security_event_list", (SUPERUSER, RoleKey.SALES_MANAGER.value), grow_events),
    UrlSpec(
        "api-accounts:token",
        (ANONYMOUS,),
        grow_users,
        method="post",
        data=lambda w: {"username": w.extra["target"].username, "password": "Correct-Horse-42"},
        status=201,
        api=True,
    ),
    UrlSpec("api-accounts:token-revoke", EVERYONE, grow_users, method="post", status=204, api=True, relogin=True),
    UrlSpec("api-accounts:me", EVERYONE, grow_users, api=True),
    UrlSpec("api-accounts:branch-list", EVERYONE, grow_branches, api=True, query="page_size=100"),
    UrlSpec("api-accounts:branch-detail", EVERYONE, grow_branches, kwargs=branch, api=True),
    UrlSpec("api-accounts:user-list", EVERYONE, grow_users, api=True, query="page_size=100"),
    UrlSpec("api-accounts:user-list", MANAGERS, grow_users, api=True, query="search=user&role=salesperson"),
    UrlSpec("api-accounts:user-detail", MANAGERS, grow_users, kwargs=target, api=True),
    UrlSpec(
        "api-accounts:user-set-password",
        MANAGERS,
        grow_users,
        kwargs=target,
        method="post",
        data=lambda w: {"password": "Fresh-Brocade-2026"},
        status=204,
        api=True,
    ),
]
