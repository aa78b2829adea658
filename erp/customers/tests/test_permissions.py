"""Allowed and denied, per role, on the customer page and its actions (the list, lookup, forms and API are covered
role by role in test_api.test_read_and_write_by_role)."""

from collections.abc import Callable

import pytest
from django.test import Client

from erp.accounts.access import ACCESS_NAMESPACE
from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core.cache import bump_namespace
from erp.customers.models import Customer
from erp.customers.tests import factories

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_warehouse_staff_are_denied_everywhere(make_user: Callable[..., User], branch_a: Branch) -> None:
    customer = factories.customer(branch=branch_a)
    client = client_for(make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_a))
    for url in (f"/customers/{customer.code}/", f"/customers/{customer.code}/edit/", "/customers/check-phone/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/customers/{customer.code}/notes/", {"text": "x"}).status_code == 403
    assert client.post(f"/customers/{customer.code}/status/", {"status": "inactive"}).status_code == 403


def test_decorator_staff_see_designer_customers_read_only(
    make_user: Callable[..., User], branch_a: Branch, branch_b: Branch
) -> None:
    designer = factories.customer(branch=branch_b, type_code="designer")
    retail = factories.customer(branch=branch_a, type_code="retail")
    client = client_for(make_user(RoleKey.DECORATOR_DEPT_STAFF, branch=branch_a))
    assert client.get(f"/customers/{designer.code}/").status_code == 200
    assert client.get(f"/customers/{retail.code}/").status_code == 404  # own branch, but not a designer customer
    assert client.get(f"/customers/{designer.code}/edit/").status_code == 403
    assert client.post(f"/customers/{designer.code}/status/", {"status": "inactive"}).status_code == 403
    assert client.post(f"/customers/{designer.code}/notes/", {"text": "متابعة"}).status_code == 302  # notes allowed
    designer.refresh_from_db()
    assert designer.status == Customer.Status.ACTIVE


def test_external_sales_director_sees_wholesale_and_designer(
    make_user: Callable[..., User], branch_a: Branch, branch_b: Branch
) -> None:
    trader = factories.customer(branch=branch_b, type_code="wholesale")
    retail = factories.customer(branch=branch_b, type_code="retail")
    client = client_for(make_user(RoleKey.EXTERNAL_SALES_DIRECTOR, branch=branch_a))
    assert client.get(f"/customers/{trader.code}/").status_code == 200
    assert client.get(f"/customers/{retail.code}/").status_code == 404


def test_region_manager_sees_managed_branches_only(
    make_user: Callable[..., User], branch_a: Branch, branch_b: Branch
) -> None:
    far = factories.customer(branch=branch_b)
    regional = make_user(RoleKey.REGION_MANAGER, branch=branch_a)
    client = client_for(regional)
    assert client.get(f"/customers/{far.code}/").status_code == 404
    regional.managed_branches.set([branch_b])
    bump_namespace(ACCESS_NAMESPACE)  # access profiles are cached; role changes through services do this
    assert client_for(User.objects.get(pk=regional.pk)).get(f"/customers/{far.code}/edit/").status_code == 200


def test_branch_manager_edits_branch_customers_but_cannot_block(
    manager_a: User, branch_a: Branch, branch_b: Branch
) -> None:
    ours = factories.customer(branch=branch_a)
    theirs = factories.customer(branch=branch_b)
    client = client_for(manager_a)
    assert client.get(f"/customers/{ours.code}/edit/").status_code == 200
    assert client.get(f"/customers/{theirs.code}/edit/").status_code == 404
    assert client.post(f"/customers/{ours.code}/status/", {"status": "blocked"}).status_code == 403
    assert client.post(f"/customers/{ours.code}/status/", {"status": "inactive"}).status_code == 302


def test_sales_manager_blocks_and_unblocks_any_customer(
    make_user: Callable[..., User], branch_a: Branch, branch_b: Branch
) -> None:
    far = factories.customer(branch=branch_b)
    client = client_for(make_user(RoleKey.SALES_MANAGER, branch=branch_a))
    client.post(f"/customers/{far.code}/status/", {"status": "blocked"})
    far.refresh_from_db()
    assert far.status == Customer.Status.BLOCKED
    client.post(f"/customers/{far.code}/status/", {"status": "active"})
    far.refresh_from_db()
    assert far.status == Customer.Status.ACTIVE


def test_anonymous_is_sent_to_login(branch_a: Branch) -> None:
    customer = factories.customer(branch=branch_a)
    response = Client().get(f"/customers/{customer.code}/")
    assert response.status_code == 302 and "login" in response["Location"]
