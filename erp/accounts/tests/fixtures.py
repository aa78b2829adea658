from collections.abc import Callable
from typing import Any

import pytest

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.accounts.tests.factories import BranchFactory, UserFactory


@pytest.fixture
def branch_a() -> Branch:
    return BranchFactory.create(code="CAI", name="القاهرة")


@pytest.fixture
def branch_b() -> Branch:
    return BranchFactory.create(code="ALX", name="الإسكندرية")


@pytest.fixture
def make_user() -> Callable[..., User]:
    def make(role: str | None = None, *, branch: Branch | None = None, **kwargs: Any) -> User:
        extra: dict[str, Any] = {"roles": [role] if role else []}
        if branch is not None:
            extra["branch"] = branch
        extra.update(kwargs)
        return UserFactory.create(**extra)

    return make


@pytest.fixture
def admin_user(branch_a: Branch) -> User:
    return User.objects.create_superuser(username="root", password="Correct-Horse-42", branch=branch_a)


@pytest.fixture
def manager_a(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.BRANCH_MANAGER, branch=branch_a, username="manager_a")


@pytest.fixture
def manager_b(make_user: Callable[..., User], branch_b: Branch) -> User:
    return make_user(RoleKey.BRANCH_MANAGER, branch=branch_b, username="manager_b")


@pytest.fixture
def seller_a(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.SALESPERSON, branch=branch_a, username="seller_a")


@pytest.fixture
def seller_b(make_user: Callable[..., User], branch_b: Branch) -> User:
    return make_user(RoleKey.SALESPERSON, branch=branch_b, username="seller_b")
