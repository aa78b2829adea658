from collections.abc import Callable

import pytest

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.orders.tests import factories


@pytest.fixture
def shop(branch_a: Branch) -> factories.Shop:
    return factories.shop(branch=branch_a)


@pytest.fixture
def factory_boss(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.FACTORY_MANAGER, branch=branch_a, username="factory_boss")


@pytest.fixture
def sales_boss(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.SALES_MANAGER, branch=branch_a, username="sales_boss")
