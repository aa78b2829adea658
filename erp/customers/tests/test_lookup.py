"""Cross-branch lookup (B §6.2): exact code for any customer, phone for wholesale or own customers; logged."""

from collections.abc import Callable

import pytest
from django.test import Client

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.customers.models import CustomerAccessLog
from erp.customers.tests import factories

pytestmark = pytest.mark.django_db


def lookup(user: User, q: str) -> object:
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(user)
    response = client.get("/customers/lookup/", {"q": q})
    assert response.status_code == 200
    return response.context["customer"]


def test_exact_code_finds_any_customer_and_is_logged(seller_a: User, branch_b: Branch, branch_a: Branch) -> None:
    far = factories.customer(branch=branch_b, type_code="retail")
    assert lookup(seller_a, f" {far.code.lower()} ") == far  # case and spaces forgiven, still exact
    log = CustomerAccessLog.objects.get()
    assert (log.user, log.customer, log.user_branch, log.customer_branch) == (seller_a, far, branch_a, branch_b)
    assert log.is_cross_branch and log.via == CustomerAccessLog.Via.CODE and log.ip_address == "10.1.2.3"


def test_partial_code_is_not_a_lookup(seller_a: User, branch_b: Branch) -> None:
    far = factories.customer(branch=branch_b)
    assert lookup(seller_a, far.code[:-1]) is None
    assert not CustomerAccessLog.objects.exists()


def test_phone_finds_wholesale_customers_of_other_branches(seller_a: User, branch_b: Branch) -> None:
    trader = factories.customer(branch=branch_b, type_code="wholesale", phone="+201511112222")
    assert lookup(seller_a, "01511112222") == trader
    log = CustomerAccessLog.objects.get()
    assert log.via == CustomerAccessLog.Via.PHONE and log.is_cross_branch


def test_phone_finds_own_customers_in_another_branch(
    seller_a: User, branch_b: Branch, make_user: Callable[..., User]
) -> None:
    mine = factories.customer(branch=branch_b, created_by=seller_a, type_code="retail", phone="+201511113333")
    assert lookup(seller_a, "+20 151 111 3333") == mine


def test_phone_of_someone_elses_retail_customer_is_refused_and_not_logged(
    seller_a: User, seller_b: User, branch_b: Branch
) -> None:
    factories.customer(branch=branch_b, created_by=seller_b, type_code="retail", phone="+201511114444")
    assert lookup(seller_a, "01511114444") is None
    assert not CustomerAccessLog.objects.exists()


def test_lookup_within_own_branch_is_not_cross_branch(manager_a: User, branch_a: Branch) -> None:
    ours = factories.customer(branch=branch_a)
    assert lookup(manager_a, ours.code) == ours
    assert not CustomerAccessLog.objects.get().is_cross_branch


def test_lookup_leaves_the_scoped_list_unchanged(seller_a: User, branch_b: Branch, branch_a: Branch) -> None:
    mine = factories.customer(branch=branch_a, created_by=seller_a)
    far = factories.customer(branch=branch_b, type_code="wholesale")
    client = Client()
    client.force_login(seller_a)
    page = client.get("/customers/lookup/", {"q": far.code})
    assert page.context["customer"] == far and page.context["in_scope"] is False
    assert f"/customers/{far.code}/" not in page.content.decode()  # no link to a page they cannot open
    assert [c.code for c in client.get("/customers/").context["page"].rows] == [mine.code]
    assert client.get(f"/customers/{far.code}/").status_code == 404


def test_lookup_needs_the_view_permission(make_user: Callable[..., User], branch_a: Branch, branch_b: Branch) -> None:
    far = factories.customer(branch=branch_b)
    client = Client()
    client.force_login(make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_a))
    assert client.get("/customers/lookup/", {"q": far.code}).status_code == 403
    assert not CustomerAccessLog.objects.exists()
