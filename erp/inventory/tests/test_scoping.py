from collections.abc import Callable

import pytest

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.accounts.scoping import scope_for
from erp.inventory.models import Warehouse
from erp.inventory.tests import factories

pytestmark = pytest.mark.django_db


def visible(user: User) -> set[str]:
    return set(scope_for(user, "warehouses", Warehouse.objects.all()).values_list("code", flat=True))


def test_warehouse_staff_see_only_their_assigned_warehouses(
    make_user: Callable[..., User], branch_a: Branch, branch_b: Branch
) -> None:
    mine = factories.warehouse(branch=branch_a, code="MINE")
    factories.warehouse(branch=branch_a, code="NEXT")  # same branch, not assigned: denied
    keeper = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_a)
    mine.staff.add(keeper)
    assert visible(keeper) == {"MINE"}


def test_company_wide_and_branch_roles(make_user: Callable[..., User], branch_a: Branch, branch_b: Branch) -> None:
    factories.warehouse(branch=branch_a, code="CAI1")
    factories.warehouse(branch=branch_b, code="ALX1")
    assert visible(make_user(RoleKey.SALES_MANAGER, branch=branch_a)) == {"CAI1", "ALX1"}
    assert visible(make_user(RoleKey.FACTORY_MANAGER, branch=branch_a)) == {"CAI1", "ALX1"}
    assert visible(make_user(RoleKey.BRANCH_MANAGER, branch=branch_a)) == {"CAI1"}
    assert visible(make_user(RoleKey.SALESPERSON, branch=branch_b)) == {"ALX1"}
