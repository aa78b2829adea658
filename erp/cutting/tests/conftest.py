from collections.abc import Callable, Iterator
from typing import Any

import pytest

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core import hooks
from erp.orders.tests import factories


@pytest.fixture
def shop(branch_a: Branch) -> factories.Shop:
    return factories.shop(branch=branch_a)


@pytest.fixture
def seller(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.BRANCH_MANAGER, branch=branch_a, username="seller")


@pytest.fixture
def keeper(make_user: Callable[..., User], branch_a: Branch, shop: factories.Shop) -> User:
    """Warehouse staff assigned to the shop's warehouse."""
    user = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_a, username="keeper")
    shop.warehouse.staff.add(user)
    return user


@pytest.fixture
def boss(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.FACTORY_MANAGER, branch=branch_a, username="boss")


@pytest.fixture
def factory_hooks() -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Fake factory receivers of the cutting hooks, registered for the test only."""
    calls: dict[str, list[dict[str, Any]]] = {"cutting.item_done": [], "cutting.item_reversed": []}
    receivers = {}
    for name in calls:

        def receiver(_name: str = name, **kw: Any) -> None:
            calls[_name].append(kw)

        receivers[name] = receiver
        hooks.register(name, receiver)
    yield calls
    for name, fn in receivers.items():
        hooks._HOOKS[name].remove(fn)
