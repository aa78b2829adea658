"""Demo branches and users: a login for every role (documented demo password), then staff in bulk."""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from erp.accounts.models import Branch, Role, User
from erp.accounts.roles import RoleKey
from erp.accounts.services import role_sync
from erp.core.demodata import BRANCHES, DEMO_PASSWORD, DemoContext, Progress

BATCH = 1000  # rows per bulk insert: a few hundred KB of SQL, well inside PostgreSQL's and SQLite's limits


@transaction.atomic
def generate(ctx: DemoContext) -> None:
    role_sync()
    if User.objects.filter(username="admin").exists():
        ctx.stdout.write("accounts: demo users exist already, skipped")
        ctx.shared["branches"] = list(Branch.objects.order_by("code"))
        return
    count = ctx.volumes["branches"]
    branches = Branch.objects.bulk_create(
        Branch(code=code, name=name, address=address, phone=f"+202{ctx.rng.randrange(10**7, 10**8)}", is_main=(i == 0))
        for i, (code, name, address) in enumerate(BRANCHES[:count])
    )
    branches = list(Branch.objects.order_by("pk"))
    ctx.shared["branches"] = branches
    main = branches[0]
    password = make_password(DEMO_PASSWORD)  # hashed once, shared by every demo account
    roles = {r.key: r for r in Role.objects.all()}

    admin = User(
        username="admin",
        first_name="مدير",
        last_name="النظام",
        branch=main,
        password=password,
        is_superuser=True,
        is_staff=True,
        phone=ctx.mobile(),
    )
    admin.save()
    ctx.logins.append(("admin", str(RoleKey.SYSTEM_ADMIN.label), main.name))

    # One login per role in the main branch, named after the role; branch managers and salespeople in every branch.
    per_role: list[tuple[User, str]] = []
    for key in RoleKey:
        if key == RoleKey.SYSTEM_ADMIN:
            continue
        first, last = ctx.person_name()
        per_role.append(
            (
                User(
                    username=key.value,
                    first_name=first,
                    last_name=last,
                    branch=main,
                    password=password,
                    phone=ctx.mobile(),
                ),
                key.value,
            )
        )
        ctx.logins.append((key.value, str(key.label), main.name))
    for branch in branches[1:]:
        for key in (RoleKey.BRANCH_MANAGER, RoleKey.SALESPERSON):
            first, last = ctx.person_name()
            username = f"{key.value}_{branch.code.lower()}"
            per_role.append(
                (
                    User(
                        username=username,
                        first_name=first,
                        last_name=last,
                        branch=branch,
                        password=password,
                        phone=ctx.mobile(),
                    ),
                    key.value,
                )
            )
            ctx.logins.append((username, str(key.label), branch.name))
    for i in range(ctx.volumes["extra_users"]):
        first, last = ctx.person_name()
        key = ctx.rng.choice(
            [
                RoleKey.SALESPERSON,
                RoleKey.SALESPERSON,
                RoleKey.WAREHOUSE_STAFF,
                RoleKey.INSPECTION_TECHNICIAN,
                RoleKey.FACTORY_RECEIVER,
                RoleKey.USER,
            ]
        )
        per_role.append(
            (
                User(
                    username=f"staff{i + 1:03d}",
                    first_name=first,
                    last_name=last,
                    branch=ctx.rng.choice(branches),
                    password=password,
                    phone=ctx.mobile(),
                    is_active=ctx.rng.random() > 0.05,
                ),
                key.value,
            )
        )
    progress = Progress(ctx.stdout, "users", len(per_role))
    for start in range(0, len(per_role), BATCH):
        chunk = [u for u, _ in per_role[start : start + BATCH]]
        User.objects.bulk_create(chunk)
        progress.advance(len(chunk))
    by_name = dict(User.objects.values_list("username", "pk"))
    through = User.roles.through
    through.objects.bulk_create(
        [through(user_id=by_name[u.username], role_id=roles[key].pk) for u, key in per_role], batch_size=BATCH
    )
    # The region manager looks after the first half of the branches.
    region = User.objects.get(username=RoleKey.REGION_MANAGER.value)
    region.managed_branches.set(branches[: max(1, len(branches) // 2)])
    ctx.stdout.write(f"accounts: {len(branches)} branches, {len(per_role) + 1} users")
