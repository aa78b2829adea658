from collections.abc import Callable, Iterator
from typing import Any

import pytest

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core import hooks
from erp.manufacturing.models import ProductionLine
from erp.manufacturing.tests import factories
from erp.orders.tests import factories as order_factories


@pytest.fixture
def shop(branch_a: Branch) -> order_factories.Shop:
    return order_factories.shop(branch=branch_a)


@pytest.fixture
def boss(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.FACTORY_MANAGER, branch=branch_a, username="factory_boss")


@pytest.fixture
def receiver(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.FACTORY_RECEIVER, branch=branch_a, username="receiver")


@pytest.fixture
def line_a(branch_a: Branch) -> ProductionLine:
    return factories.line(name="خط أ", branches=[branch_a], priority=5)


@pytest.fixture
def fake_receivers() -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Record the hooks the factory calls (installations' side), removed after the test."""
    calls: dict[str, list[dict[str, Any]]] = {"manufacturing.modification_done": []}

    def done(**kw: Any) -> None:
        calls["manufacturing.modification_done"].append(kw)

    hooks.register("manufacturing.modification_done", done)
    yield calls
    hooks._HOOKS["manufacturing.modification_done"].remove(done)
