"""The orders list's export: immediate when small; above the threshold a background job holding only the orders
the user may see, with their filters and the per-type list's type."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core.models import ExportJob
from erp.core.testing.exportcheck import download, sheet_rows
from erp.orders.models import Order
from erp.orders.tests import factories

pytestmark = pytest.mark.django_db


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def orders_in_two_branches(
    shop: factories.Shop, admin_user: User, branch_b: Branch
) -> tuple[list[Order], list[Order], list[Order]]:
    tailoring = factories.bulk_orders(shop, admin_user, 4)
    products = factories.bulk_orders(shop, admin_user, 3, order_type=Order.Type.PRODUCTS)
    elsewhere = factories.bulk_orders(factories.shop(branch=branch_b, fabrics=2), admin_user, 5)
    return tailoring, products, elsewhere


def test_small_orders_export_is_immediate(manager_a: User, orders_in_two_branches: Any) -> None:
    tailoring, products, _elsewhere = orders_in_two_branches
    response = login(manager_a).get("/orders/?export=xlsx")
    assert response.status_code == 200
    numbers = {r[0] for r in sheet_rows(response.content)[1:]}
    assert numbers == {o.number for o in tailoring + products}


def test_large_orders_export_is_a_scoped_job_keeping_the_type(
    manager_a: User, orders_in_two_branches: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EXPORT_BACKGROUND_THRESHOLD = 2
    tailoring, _products, elsewhere = orders_in_two_branches
    client = login(manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/orders/type/tailoring/?export=xlsx&has_balance=true")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert job.params == {"has_balance": ["true"], "order_type": ["tailoring"]}
    job.refresh_from_db()
    assert job.status == "done" and job.total == 4
    rows = download(client, job)
    assert rows[0][0] and len(rows) == 5
    assert [r[0] for r in rows[1:]] == [o.number for o in reversed(tailoring)]
    assert not {o.number for o in elsewhere} & {r[0] for r in rows}


def test_orders_export_needs_the_permission(
    make_user: Callable[..., User], branch_a: Branch, orders_in_two_branches: Any
) -> None:
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    assert login(seller).get("/orders/?export=xlsx").status_code == 403
