"""People in every role that B §5.13's rules name, for the notification tests."""

from typing import Any

import pytest

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.accounts.tests.factories import UserFactory


@pytest.fixture
def staff(branch_a: Branch, branch_b: Branch) -> dict[str, User]:
    """One user per relevant role in branch A, and a few in branch B that branch rules must not reach."""

    def make(name: str, role: str | None, branch: Branch, **kw: Any) -> User:
        return UserFactory.create(username=name, branch=branch, roles=[role] if role else [], **kw)

    people = {
        "root": User.objects.create_superuser(username="root2", password="x-Long-Password-1", branch=branch_a),
        "sales_manager": make("sm", RoleKey.SALES_MANAGER, branch_b),
        "region_a": make("region_a", RoleKey.REGION_MANAGER, branch_b, managed=[branch_a]),
        "region_b": make("region_b", RoleKey.REGION_MANAGER, branch_b, managed=[branch_b]),
        "manager_a": make("manager_a", RoleKey.BRANCH_MANAGER, branch_a),
        "manager_b": make("manager_b", RoleKey.BRANCH_MANAGER, branch_b),
        "seller_a": make("seller_a", RoleKey.SALESPERSON, branch_a),
        "seller_a2": make("seller_a2", RoleKey.SALESPERSON, branch_a),
        "seller_b": make("seller_b", RoleKey.SALESPERSON, branch_b),
        "factory": make("factory", RoleKey.FACTORY_MANAGER, branch_b),
        "inspections": make("inspections", RoleKey.INSPECTION_MANAGER, branch_b),
        "installations": make("installations", RoleKey.INSTALLATION_MANAGER, branch_b),
        "warehouse_a": make("warehouse_a", RoleKey.WAREHOUSE_STAFF, branch_a),
        "warehouse_b": make("warehouse_b", RoleKey.WAREHOUSE_STAFF, branch_b),
        "technician": make("technician", RoleKey.INSPECTION_TECHNICIAN, branch_a),
        "inactive_manager": make("inactive", RoleKey.BRANCH_MANAGER, branch_a, is_active=False),
    }
    return people
