from collections.abc import Callable

import pytest

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.orders.tests import factories as order_factories


@pytest.fixture
def shop(branch_a: Branch) -> order_factories.Shop:
    return order_factories.shop(branch=branch_a, fabrics=2)


@pytest.fixture
def insp_manager(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.INSPECTION_MANAGER, branch=branch_a, username="insp_manager")


@pytest.fixture
def tech(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.INSPECTION_TECHNICIAN, branch=branch_a, username="tech", first_name="فني")


@pytest.fixture
def tech2(make_user: Callable[..., User], branch_b: Branch) -> User:
    return make_user(RoleKey.INSPECTION_TECHNICIAN, branch=branch_b, username="tech2")
