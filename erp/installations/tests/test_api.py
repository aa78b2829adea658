"""The installations API: lists, detail, transitions (409 with the allowed targets), payments at the door, the debt
check, resources, re-work requests, and who may do what."""

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from erp.accounts import services as account_services
from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core import hooks
from erp.installations.models import Installation, ModificationRequest, Team, Vehicle
from erp.installations.tests import factories
from erp.orders.models import Order
from erp.orders.tests import factories as order_factories

pytestmark = pytest.mark.django_db
S = Installation.Status


@pytest.fixture
def shop(branch_a: Branch) -> order_factories.Shop:
    return order_factories.shop(branch=branch_a, fabrics=2)


@pytest.fixture
def installer(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.INSTALLATION_MANAGER, branch=branch_a, username="installer")


def client_for(user: User) -> APIClient:
    client = APIClient()
    _token, key = account_services.api_token_issue(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def fake_factory() -> Iterator[None]:
    def receiver(**kwargs: Any) -> dict[str, Any]:
        return {"pk": 501, "number": f"{kwargs['order'].number}-M"}

    saved = hooks._HOOKS.get("manufacturing.modification_requested", [])
    hooks._HOOKS["manufacturing.modification_requested"] = [receiver]  # in place of the real factory
    yield
    hooks._HOOKS["manufacturing.modification_requested"] = saved


def test_list_and_detail_follow_the_scope(
    shop: order_factories.Shop, installer: User, seller_a: User, manager_b: User
) -> None:
    mine = factories.installation(shop, installer, order=factories.ready_orders(shop, seller_a, 1)[0])
    factories.installation(shop, installer)
    body = client_for(seller_a).get(reverse("api-installations:installation-list")).json()
    assert [r["id"] for r in body["results"]] == [mine.pk]
    assert body["results"][0]["number"] == mine.number
    assert client_for(installer).get(reverse("api-installations:installation-list")).json()["results"].__len__() == 2
    detail = reverse("api-installations:installation-detail", kwargs={"pk": mine.pk})
    data = client_for(seller_a).get(detail).json()
    assert data["allowed_transitions"] == []
    assert data["technicians"] and data["events"]
    assert client_for(manager_b).get(detail).status_code == 404


def test_transition_refusal_names_the_allowed_targets(shop: order_factories.Shop, installer: User) -> None:
    inst = factories.installation(shop, installer, status=S.SCHEDULED)
    url = reverse("api-installations:installation-transition", kwargs={"pk": inst.pk})
    response = client_for(installer).post(url, {"to": "completed"}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["fields"]["to"] == [S.CANCELLED, S.IN_INSTALLATION]


def test_start_and_complete_with_door_payments(shop: order_factories.Shop, installer: User) -> None:
    inst = factories.installation(shop, installer, status=S.SCHEDULED)
    url = reverse("api-installations:installation-transition", kwargs={"pk": inst.pk})
    client = client_for(installer)
    assert client.post(url, {"to": "in_installation"}, format="json").json()["status"] == S.IN_INSTALLATION
    response = client.post(
        url,
        {"to": "completed", "payments": [{"amount": "150.00", "method": "cash"}], "receipt_number": "M-1"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == S.COMPLETED
    assert response.json()["order_balance"] == "0.00"
    order = Order.objects.get(pk=inst.order_id)
    assert (order.status, order.balance) == (Order.Status.COMPLETED, Decimal("0.00"))


def test_an_overpayment_is_a_field_error_and_saves_nothing(shop: order_factories.Shop, installer: User) -> None:
    inst = factories.installation(shop, installer, status=S.IN_INSTALLATION)
    url = reverse("api-installations:installation-transition", kwargs={"pk": inst.pk})
    response = client_for(installer).post(url, {"to": "completed", "payments": [{"amount": "1000.00"}]}, format="json")
    assert response.status_code == 400
    assert "amount" in response.json()["error"]["fields"]
    inst.refresh_from_db()
    assert inst.status == S.IN_INSTALLATION


def test_cancel_needs_a_reason(shop: order_factories.Shop, installer: User) -> None:
    inst = factories.installation(shop, installer, status=S.SCHEDULED)
    url = reverse("api-installations:installation-transition", kwargs={"pk": inst.pk})
    client = client_for(installer)
    assert client.post(url, {"to": "cancelled"}, format="json").status_code == 400
    assert client.post(url, {"to": "cancelled", "reason": "x"}, format="json").json()["status"] == S.CANCELLED


def test_schedule_through_the_api_with_the_debt_check(
    shop: order_factories.Shop, installer: User, branch_a: Branch
) -> None:
    order = factories.ready_orders(shop, installer, 1)[0]
    crew = factories.crew(branch=branch_a)
    assert crew.team is not None and crew.vehicle is not None and crew.driver is not None
    payload = {
        "order": order.pk,
        "scheduled_date": "2030-02-01",
        "scheduled_time": "10:30",
        "team": crew.team.pk,
        "technicians": [t.pk for t in crew.technicians],
        "driver": crew.driver.pk,
        "vehicle": crew.vehicle.pk,
        "windows_count": 4,
    }
    client = client_for(installer)
    url = reverse("api-installations:installation-list")
    refused = client.post(url, payload, format="json")
    assert refused.status_code == 400
    assert "debt_confirmed" in refused.json()["error"]["fields"]
    created = client.post(url, {**payload, "debt_confirmed": True}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == S.SCHEDULED
    assert created.json()["number"] == f"{order.number}-T"
    again = client.post(url, {**payload, "debt_confirmed": True}, format="json")
    assert again.status_code == 400  # no longer waiting for an installation


@pytest.mark.parametrize("role", [RoleKey.SALESPERSON, RoleKey.BRANCH_MANAGER, RoleKey.TRAFFIC_MANAGER])
def test_only_managers_move_installations_through_the_api(
    shop: order_factories.Shop, installer: User, make_user: Callable[..., User], branch_a: Branch, role: str
) -> None:
    user = make_user(role, branch=branch_a)
    inst = factories.installation(shop, installer, status=S.SCHEDULED, order=factories.ready_orders(shop, user, 1)[0])
    url = reverse("api-installations:installation-transition", kwargs={"pk": inst.pk})
    response = client_for(user).post(url, {"to": "in_installation"}, format="json")
    assert response.status_code in (403, 404)
    inst.refresh_from_db()
    assert inst.status == S.SCHEDULED


def test_resources_by_role(installer: User, make_user: Callable[..., User], branch_a: Branch) -> None:
    traffic = make_user(RoleKey.TRAFFIC_MANAGER, branch=branch_a)
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    fleet = client_for(traffic)
    created = fleet.post(reverse("api-installations:vehicle-list"), {"plate": "ق ر ١٢٣", "vehicle_type": "van"})
    assert created.status_code == 201, created.content
    assert created.json()["plate"] == "قر123"
    assert (
        fleet.post(reverse("api-installations:driver-list"), {"name": "سائق", "phone": "01001234567"}).json()["phone"]
        == "+201001234567"
    )
    assert fleet.get(reverse("api-installations:vehicle-list")).json()["results"][0]["plate"] == "قر123"
    assert fleet.get(reverse("api-installations:team-list")).status_code == 403
    assert client_for(seller).get(reverse("api-installations:vehicle-list")).status_code == 403

    teams = client_for(installer)
    team = teams.post(reverse("api-installations:team-list"), {"name": "فريق أ", "branch": branch_a.pk})
    assert team.status_code == 201
    tech = teams.post(reverse("api-installations:technician-list"), {"name": "فني", "team": team.json()["id"]})
    assert tech.status_code == 201
    assert (
        teams.get(reverse("api-installations:technician-list") + "?search=فني").json()["results"][0]["team_id"]
        == (team.json()["id"])
    )
    assert Team.objects.count() == 1 and Vehicle.objects.count() == 1


def test_modification_requests_through_the_api(
    shop: order_factories.Shop, installer: User, seller_a: User, fake_factory: None
) -> None:
    inst = factories.installation(
        shop, installer, status=S.COMPLETED, order=factories.ready_orders(shop, seller_a, 1)[0]
    )
    client = client_for(installer)
    created = client.post(
        reverse("api-installations:modification-request-list"),
        {
            "installation": inst.pk,
            "fault_party": "installation",
            "description": "تركيب مائل",
            "items": [{"description": "الصالة", "new_meters": "2.5"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["allowed_transitions"] == ["approved", "cancelled", "investigating"]
    url = reverse("api-installations:modification-request-transition", kwargs={"pk": pk})
    assert client_for(seller_a).post(url, {"to": "approved"}, format="json").status_code == 403
    refused = client.post(url, {"to": "completed"}, format="json")
    assert refused.status_code == 409
    approved = client.post(url, {"to": "approved"}, format="json").json()
    assert (approved["status"], approved["factory_order_number"]) == ("manufacturing", f"{inst.order.number}-M")
    listed = client_for(seller_a).get(reverse("api-installations:modification-request-list")).json()["results"]
    assert [r["id"] for r in listed] == [pk]
    assert ModificationRequest.objects.get(pk=pk).factory_order_id == 501


def test_a_waiting_installation_is_scheduled_through_the_transition(
    shop: order_factories.Shop, installer: User, branch_a: Branch
) -> None:
    inst = factories.installation(shop, installer, status=S.NEEDS_SCHEDULING)
    url = reverse("api-installations:installation-transition", kwargs={"pk": inst.pk})
    client = client_for(installer)
    missing = client.post(url, {"to": "scheduled"}, format="json")
    assert missing.status_code == 400
    assert "scheduled_date" in missing.json()["error"]["fields"]
    crew = factories.crew(branch=branch_a)
    assert crew.team is not None
    done = client.post(
        url, {"to": "scheduled", "scheduled_date": "2030-04-01", "team": crew.team.pk}, format="json"
    ).json()
    assert (done["status"], done["scheduled_date"], done["team_id"]) == (S.SCHEDULED, "2030-04-01", crew.team.pk)
