"""Transfers: every transition, who may make it, and stock moving exactly once at the right step."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core.exceptions import InsufficientStock, InvalidTransition, PermissionDeniedError
from erp.inventory import services
from erp.inventory.models import StockBalance, StockMovement, Transfer, Warehouse
from erp.inventory.tests import factories
from erp.inventory.transfers import transfer_allowed_targets, transfer_create, transfer_transition

pytestmark = pytest.mark.django_db
S = Transfer.Status


def qty(variant_id: int, warehouse: Warehouse) -> Decimal:
    row = StockBalance.objects.filter(variant_id=variant_id, warehouse=warehouse).first()
    return row.quantity if row else Decimal(0)


@pytest.fixture
def setup(make_user: Callable[..., User], branch_a: Branch, branch_b: Branch) -> dict:
    source = factories.warehouse(branch=branch_a, code="SRC")
    destination = factories.warehouse(branch=branch_b, code="DST")
    keeper_src = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_a)
    keeper_dst = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_b)
    source.staff.add(keeper_src)
    destination.staff.add(keeper_dst)
    boss = make_user(RoleKey.FACTORY_MANAGER, branch=branch_a)
    variant = factories.product().variants.get()
    services.stock_receive(variant=variant, warehouse=source, quantity=Decimal(20), reason="purchase", key="open")
    return {
        "src": source,
        "dst": destination,
        "keeper_src": keeper_src,
        "keeper_dst": keeper_dst,
        "boss": boss,
        "v": variant,
    }


def make(setup: dict, quantity: str = "8") -> Transfer:
    return transfer_create(
        user=setup["keeper_src"], source=setup["src"], destination=setup["dst"], items=[(setup["v"], Decimal(quantity))]
    )


def test_full_path_moves_stock_at_approval_and_completion(setup: dict) -> None:
    t = make(setup)
    assert t.number.startswith("TR-") and t.status == S.DRAFT
    transfer_transition(transfer=t, user=setup["keeper_src"], to=S.PENDING)
    assert qty(setup["v"].pk, setup["src"]) == 20  # nothing moves on submit
    transfer_transition(transfer=t, user=setup["boss"], to=S.APPROVED)
    assert qty(setup["v"].pk, setup["src"]) == 12 and qty(setup["v"].pk, setup["dst"]) == 0
    item = t.items.get()
    transfer_transition(transfer=t, user=setup["keeper_dst"], to=S.COMPLETED, received={item.pk: Decimal("7.5")})
    item.refresh_from_db()
    assert item.received_quantity == Decimal("7.5") and item.shortfall == Decimal("0.5")
    assert qty(setup["v"].pk, setup["dst"]) == Decimal("7.5")
    assert list(t.events.values_list("to_status", flat=True)) == ["draft", "pending", "approved", "completed"]
    assert services.stock_ledger_mismatches() == []


def test_numbers_come_from_a_counter(setup: dict) -> None:
    first, second = make(setup), make(setup)
    assert int(second.number[3:]) == int(first.number[3:]) + 1


def test_cancelling_an_approved_transfer_returns_the_stock(setup: dict) -> None:
    t = make(setup)
    transfer_transition(transfer=t, user=setup["keeper_src"], to=S.PENDING)
    transfer_transition(transfer=t, user=setup["boss"], to=S.APPROVED)
    with pytest.raises(ValidationError):
        transfer_transition(transfer=t, user=setup["keeper_src"], to=S.CANCELLED)  # a reason is required
    transfer_transition(transfer=t, user=setup["keeper_src"], to=S.CANCELLED, reason="العميل ألغى")
    assert qty(setup["v"].pk, setup["src"]) == 20
    assert StockMovement.objects.filter(reference=t.number).count() == 2


def test_rejection_needs_an_approver_and_a_reason(setup: dict) -> None:
    t = make(setup)
    transfer_transition(transfer=t, user=setup["keeper_src"], to=S.PENDING)
    with pytest.raises(PermissionDeniedError):
        transfer_transition(transfer=t, user=setup["keeper_src"], to=S.REJECTED, reason="x")
    with pytest.raises(ValidationError):
        transfer_transition(transfer=t, user=setup["boss"], to=S.REJECTED)
    transfer_transition(transfer=t, user=setup["boss"], to=S.REJECTED, reason="الكمية غير متاحة")
    assert Transfer.objects.get(pk=t.pk).status == S.REJECTED
    assert qty(setup["v"].pk, setup["src"]) == 20


def test_invalid_moves_name_the_allowed_targets(setup: dict) -> None:
    t = make(setup)
    with pytest.raises(InvalidTransition) as exc:
        transfer_transition(transfer=t, user=setup["boss"], to=S.COMPLETED)
    assert exc.value.extra["to"] == ["cancelled", "pending"]


def test_only_the_destination_receives(setup: dict) -> None:
    t = make(setup)
    transfer_transition(transfer=t, user=setup["keeper_src"], to=S.PENDING)
    t = transfer_transition(transfer=t, user=setup["boss"], to=S.APPROVED)
    assert transfer_allowed_targets(transfer=t, user=setup["keeper_src"]) == ["cancelled"]
    with pytest.raises(PermissionDeniedError):
        transfer_transition(transfer=t, user=setup["keeper_src"], to=S.COMPLETED)
    assert transfer_allowed_targets(transfer=t, user=setup["keeper_dst"]) == ["completed"]


def test_outsiders_cannot_create_from_a_warehouse_they_do_not_hold(
    setup: dict, make_user: Callable[..., User], branch_b: Branch
) -> None:
    with pytest.raises(PermissionDeniedError):
        transfer_create(
            user=setup["keeper_dst"], source=setup["src"], destination=setup["dst"], items=[(setup["v"], Decimal(1))]
        )
    seller = make_user(RoleKey.SALESPERSON, branch=branch_b)
    with pytest.raises(PermissionDeniedError):
        transfer_create(user=seller, source=setup["dst"], destination=setup["src"], items=[(setup["v"], Decimal(1))])


def test_bad_transfers_are_refused(setup: dict) -> None:
    with pytest.raises(ValidationError) as exc:
        transfer_create(
            user=setup["keeper_src"], source=setup["src"], destination=setup["src"], items=[(setup["v"], Decimal(1))]
        )
    assert "destination" in exc.value.message_dict
    with pytest.raises(ValidationError):
        transfer_create(user=setup["keeper_src"], source=setup["src"], destination=setup["dst"], items=[])
    with pytest.raises(ValidationError):
        transfer_create(
            user=setup["keeper_src"], source=setup["src"], destination=setup["dst"], items=[(setup["v"], Decimal(0))]
        )
    assert not Transfer.objects.exists()


def test_approval_beyond_stock_is_refused_and_changes_nothing(setup: dict) -> None:
    t = make(setup, quantity="25")
    transfer_transition(transfer=t, user=setup["keeper_src"], to=S.PENDING)
    with pytest.raises(InsufficientStock):
        transfer_transition(transfer=t, user=setup["boss"], to=S.APPROVED)
    assert Transfer.objects.get(pk=t.pk).status == S.PENDING and qty(setup["v"].pk, setup["src"]) == 20


def test_a_retried_approval_step_moves_stock_once(setup: dict) -> None:
    """If the approval's stock posting is replayed (e.g. a retried request after a timeout), keys make it a no-op."""
    t = make(setup)
    transfer_transition(transfer=t, user=setup["keeper_src"], to=S.PENDING)
    transfer_transition(transfer=t, user=setup["boss"], to=S.APPROVED)
    item = t.items.get()
    from erp.inventory.services import StockLine, stock_apply

    replay = stock_apply(
        lines=[
            StockLine(
                item.variant_id,
                setup["src"].pk,
                -item.quantity,
                "transfer_out",
                "transfer",
                f"transfer:{t.pk}:{item.pk}:out",
            )
        ]
    )
    assert replay.replayed and qty(setup["v"].pk, setup["src"]) == 12


def _api(user: User):  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    from erp.accounts.services import api_token_issue

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=user)[1]}")
    return client


def test_api_create_and_walk_the_lifecycle(setup: dict) -> None:
    keeper = _api(setup["keeper_src"])
    created = keeper.post(
        "/api/v1/transfers/",
        {
            "source": setup["src"].pk,
            "destination": setup["dst"].pk,
            "items": [{"variant": setup["v"].pk, "quantity": "4"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["allowed_transitions"] == ["cancelled", "pending"]
    url = f"/api/v1/transfers/{body['id']}/transition/"
    assert keeper.post(url, {"to": "pending"}, format="json").json()["status"] == "pending"
    denied = keeper.post(url, {"to": "approved"}, format="json")
    assert denied.status_code == 403
    approved = _api(setup["boss"]).post(url, {"to": "approved"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    conflict = _api(setup["boss"]).post(url, {"to": "pending"}, format="json")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["fields"]["to"] == ["cancelled", "completed"]
    item_id = approved.json()["items"][0]["id"]
    done = _api(setup["keeper_dst"]).post(url, {"to": "completed", "received": {str(item_id): "3"}}, format="json")
    assert done.status_code == 200 and done.json()["items"][0]["received_quantity"] == "3.000"
    assert [e["to_status"] for e in done.json()["timeline"]] == ["draft", "pending", "approved", "completed"]
    assert qty(setup["v"].pk, setup["dst"]) == 3


def test_api_transfers_are_scoped(setup: dict, make_user: Callable[..., User], branch_b: Branch) -> None:
    t = make(setup)
    outsider = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_b)  # assigned to no warehouse
    api = _api(outsider)
    assert api.get("/api/v1/transfers/").json()["results"] == []
    assert api.get(f"/api/v1/transfers/{t.pk}/").status_code == 404
    assert api.post(f"/api/v1/transfers/{t.pk}/transition/", {"to": "pending"}, format="json").status_code == 404


def test_api_bad_transfer_input_names_the_field(setup: dict) -> None:
    keeper = _api(setup["keeper_src"])
    response = keeper.post(
        "/api/v1/transfers/",
        {"source": setup["src"].pk, "destination": setup["dst"].pk, "items": [{"variant": "999999", "quantity": "1"}]},
        format="json",
    )
    assert response.status_code == 400 and "items" in response.json()["error"]["fields"]
    assert not Transfer.objects.exists()
