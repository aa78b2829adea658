"""Scoping: deny by default, one function per aggregate, two branches and every role."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.accounts.scoping import registered_scopes, scope_for

pytestmark = pytest.mark.django_db


def visible(user: object, kind: str, model: type[Model]) -> set[int]:
    return set(scope_for(user, kind, model._default_manager.all()).values_list("pk", flat=True))


@pytest.fixture
def population(make_user: Callable[..., User], branch_a: Branch, branch_b: Branch) -> dict[str, dict[str, User]]:
    """A user of every role in each of two branches."""
    return {
        code: {role.value: make_user(role.value, branch=branch, username=f"{role.value}_{code}") for role in RoleKey}
        for code, branch in (("a", branch_a), ("b", branch_b))
    }


def test_unknown_kind_and_anonymous_get_nothing(population: dict[str, dict[str, User]]) -> None:
    admin = population["a"][RoleKey.SYSTEM_ADMIN]
    assert visible(admin, "no-such-aggregate", User) == set()
    assert visible(AnonymousUser(), "users", User) == set()
    assert "users" in registered_scopes() and "branches" in registered_scopes()


def test_inactive_user_sees_nothing(population: dict[str, dict[str, User]]) -> None:
    manager = population["a"][RoleKey.BRANCH_MANAGER]
    manager.is_active = False
    manager.save()
    assert visible(manager, "users", User) == set()


@pytest.mark.parametrize("role", [RoleKey.SYSTEM_ADMIN, RoleKey.SALES_MANAGER])
def test_company_wide_roles_see_every_branch(population: dict[str, dict[str, User]], role: RoleKey) -> None:
    user = population["a"][role]
    everyone = set(User.objects.values_list("pk", flat=True))
    assert visible(user, "users", User) == everyone
    assert visible(user, "branches", Branch) == set(Branch.objects.values_list("pk", flat=True))


def test_branch_manager_sees_own_branch_only(population: dict[str, dict[str, User]], branch_a: Branch) -> None:
    manager = population["a"][RoleKey.BRANCH_MANAGER]
    seen = visible(manager, "users", User)
    assert seen == set(User.objects.filter(branch=branch_a).values_list("pk", flat=True))
    assert not seen & {u.pk for u in population["b"].values()}
    assert visible(manager, "branches", Branch) == {branch_a.pk}


def test_region_manager_sees_managed_branches(
    population: dict[str, dict[str, User]], branch_a: Branch, branch_b: Branch
) -> None:
    region = population["a"][RoleKey.REGION_MANAGER]
    assert visible(region, "branches", Branch) == {branch_a.pk}
    region.managed_branches.set([branch_b])
    from erp.accounts.access import ACCESS_NAMESPACE
    from erp.core.cache import bump_namespace

    bump_namespace(ACCESS_NAMESPACE)
    region = User.objects.get(pk=region.pk)
    assert visible(region, "branches", Branch) == {branch_a.pk, branch_b.pk}
    assert {u.pk for u in population["b"].values()} <= visible(region, "users", User)


@pytest.mark.parametrize(
    "role",
    [
        r
        for r in RoleKey
        if r not in {RoleKey.SYSTEM_ADMIN, RoleKey.SALES_MANAGER, RoleKey.REGION_MANAGER, RoleKey.BRANCH_MANAGER}
    ],
)
def test_other_roles_see_only_themselves(population: dict[str, dict[str, User]], role: RoleKey) -> None:
    user = population["a"][role]
    assert visible(user, "users", User) == {user.pk}


def test_user_without_roles_sees_only_self(make_user: Callable[..., User], branch_a: Branch) -> None:
    nobody = make_user(branch=branch_a)
    assert visible(nobody, "users", User) == {nobody.pk}
    assert visible(nobody, "branches", Branch) == {branch_a.pk}
