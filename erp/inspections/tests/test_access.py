"""Who sees which inspections (scoping: lists, details, exports, API, files) and who may do what on the pages."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.accounts.scoping import scope_for
from erp.core.testing.exportcheck import export_job_matches_immediate
from erp.customers.tests import factories as customer_factories
from erp.inspections.models import Inspection
from erp.inspections.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    make_user: Callable[..., User], branch_a: Branch, branch_b: Branch, insp_manager: User, tech: User, tech2: User
) -> dict[str, Any]:
    cust_a = customer_factories.customer(branch=branch_a)
    cust_b = customer_factories.customer(branch=branch_b)
    a = factories.inspection(customer=cust_a, creator=insp_manager, status="scheduled", technician=tech)
    b = factories.inspection(customer=cust_b, creator=insp_manager, status="scheduled", technician=tech2)
    a_unassigned = factories.inspection(customer=cust_a, creator=insp_manager)
    region = make_user(RoleKey.REGION_MANAGER, branch=branch_b, username="region")
    region.managed_branches.set([branch_a])
    return {
        "a": a,
        "b": b,
        "a2": a_unassigned,
        "users": {
            "manager": insp_manager,
            "tech": tech,
            "tech2": tech2,
            "branch_a": make_user(RoleKey.BRANCH_MANAGER, branch=branch_a, username="bm_a"),
            "seller_b": make_user(RoleKey.SALESPERSON, branch=branch_b, username="sp_b"),
            "sales": make_user(RoleKey.SALES_MANAGER, branch=branch_a, username="sm"),
            "region": region,
            "warehouse": make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_a, username="wh"),
        },
    }


EXPECTED = {
    "manager": {"a", "b", "a2"},
    "sales": {"a", "b", "a2"},
    "tech": {"a"},
    "tech2": {"b"},
    "branch_a": {"a", "a2"},
    "seller_b": {"b"},
    "region": {"a", "a2", "b"},  # managed branch A plus their own branch B
    "warehouse": set(),
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_scope_per_role(world: dict[str, Any], who: str) -> None:
    names = {v.pk: k for k, v in world.items() if isinstance(v, Inspection)}
    seen = {
        names[pk]
        for pk in scope_for(world["users"][who], "inspections", Inspection.objects.all()).values_list("pk", flat=True)
    }
    assert seen == EXPECTED[who]


@pytest.mark.parametrize("who", ["tech", "branch_a", "seller_b", "tech2"])
def test_out_of_scope_is_404_on_every_page_and_api(world: dict[str, Any], who: str) -> None:
    user = world["users"][who]
    outside = [k for k in ("a", "b", "a2") if k not in EXPECTED[who]]
    client = Client()
    client.force_login(user)
    for key in outside:
        pk = world[key].pk
        stored = factories.stored_file(world[key], world["users"]["manager"])
        for url in (
            f"/inspections/{pk}/",
            f"/inspections/{pk}/print/",
            f"/inspections/{pk}/files/{stored.pk}/",
            f"/api/v1/inspections/{pk}/",
            f"/api/v1/inspections/{pk}/timeline/",
            f"/api/v1/inspections/{pk}/files/",
            f"/api/v1/inspections/{pk}/files/{stored.pk}/",
        ):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/api/v1/inspections/{pk}/transition/", {"to": "in_progress"}).status_code == 404
        assert client.post(f"/inspections/{pk}/transition/", {"to": "in_progress"}).status_code == 404
    listed = client.get("/api/v1/inspections/?page_size=100").json()["results"]
    assert {r["number"] for r in listed} == {world[k].number for k in EXPECTED[who]}


def test_export_holds_only_the_scope(world: dict[str, Any]) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    client = Client()
    client.force_login(world["users"]["branch_a"])
    response = client.get("/inspections/?export=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {world["a"].number, world["a2"].number}


def test_export_needs_the_permission(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["users"]["tech"])
    assert client.get("/inspections/?export=xlsx").status_code == 403


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("warehouse", "/inspections/", 403),
        ("warehouse", "/api/v1/inspections/", 403),
        ("branch_a", "/inspections/my-visits/", 403),
        ("tech", "/inspections/my-visits/", 200),
        ("tech", "/inspections/new/", 403),
        ("branch_a", "/inspections/new/", 200),
        ("tech", "/inspections/{a}/schedule/", 403),
        ("manager", "/inspections/{a}/schedule/", 200),
        ("branch_a", "/inspections/{a}/", 200),
    ],
)
def test_page_permissions(world: dict[str, Any], who: str, url: str, status: int) -> None:
    client = Client()
    client.force_login(world["users"][who])
    assert client.get(url.format(a=world["a"].pk)).status_code == status


def test_technician_sees_only_their_own_visits_today(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["users"]["tech"])
    response = client.get("/inspections/my-visits/")
    assert world["a"].number in response.content.decode()
    assert world["b"].number not in response.content.decode()


def test_a_branch_manager_cannot_move_an_inspection(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["users"]["branch_a"])
    response = client.post(
        f"/api/v1/inspections/{world['a'].pk}/transition/", {"to": "cancelled"}, content_type="application/json"
    )
    assert response.status_code == 403
    world["a"].refresh_from_db()
    assert world["a"].status == "scheduled"


def test_large_export_is_a_background_job_holding_only_the_scope(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(world["users"]["branch_a"])
    rows = export_job_matches_immediate(client, "/inspections/?export=xlsx", django_capture_on_commit_callbacks)
    assert {r[0] for r in rows[1:]} == {world["a"].number, world["a2"].number}
