"""Suppliers and purchase orders: every transition, who may make it, receipts moving stock exactly once."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.test import Client

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core.exceptions import InvalidTransition, PermissionDeniedError
from erp.inventory import services
from erp.inventory.models import PurchaseOrder, StockBalance, StockMovement, Supplier, Warehouse
from erp.inventory.purchasing import (
    po_allowed_targets,
    po_can_receive,
    po_create,
    po_receive,
    po_transition,
    po_update,
    supplier_create,
    supplier_update,
)
from erp.inventory.tests import factories
from erp.inventory.tests.test_pages_and_api import bearer

pytestmark = pytest.mark.django_db
S = PurchaseOrder.Status


def qty(variant_id: int, warehouse: Warehouse) -> Decimal:
    row = StockBalance.objects.filter(variant_id=variant_id, warehouse=warehouse).first()
    return row.quantity if row else Decimal(0)


@pytest.fixture
def po_setup(make_user: Callable[..., User], branch_a: Branch, branch_b: Branch) -> dict:
    return build(make_user, branch_a, branch_b)


def build(make_user: Callable[..., User], branch_a: Branch, branch_b: Branch) -> dict:
    warehouse = factories.warehouse(branch=branch_a, code="MAIN")
    other = factories.warehouse(branch=branch_b, code="FAR")
    keeper = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_a)
    warehouse.staff.add(keeper)
    far_keeper = make_user(RoleKey.WAREHOUSE_STAFF, branch=branch_b)
    other.staff.add(far_keeper)
    buyer = make_user(RoleKey.FACTORY_MANAGER, branch=branch_a)
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    supplier = supplier_create(user=buyer, data={"name": "مصنع النسيج", "phone": "٠١٠١٢٣٤٥٦٧٨"})
    product = factories.product(colours=(("BJ", "بيج"), ("GR", "رمادي")))
    beige, grey = product.variants.order_by("code")
    return {
        "wh": warehouse,
        "other": other,
        "keeper": keeper,
        "far_keeper": far_keeper,
        "buyer": buyer,
        "seller": seller,
        "supplier": supplier,
        "beige": beige,
        "grey": grey,
    }


def make_po(s: dict, approve: bool = True) -> PurchaseOrder:
    order = po_create(
        user=s["buyer"],
        supplier=s["supplier"],
        warehouse=s["wh"],
        lines=[(s["beige"], Decimal(10), Decimal("50.25")), (s["grey"], Decimal(4), Decimal(80))],
    )
    if approve:
        order = po_transition(order=order, user=s["buyer"], to=S.APPROVED)
    return order


def test_supplier_phone_is_normalised_and_bad_phone_refused(po_setup: dict) -> None:
    assert po_setup["supplier"].phone == "+201012345678"
    with pytest.raises(ValidationError) as exc:
        supplier_create(user=po_setup["buyer"], data={"name": "x", "phone": "123"})
    assert "phone" in exc.value.message_dict
    supplier_update(user=po_setup["buyer"], supplier=po_setup["supplier"], data={"is_active": False})
    assert Supplier.objects.get().is_active is False


def test_supplier_management_needs_the_purchasing_permission(po_setup: dict) -> None:
    with pytest.raises(PermissionDeniedError):
        supplier_create(user=po_setup["keeper"], data={"name": "مورد"})


def test_create_numbers_totals_and_timeline(po_setup: dict) -> None:
    first = make_po(po_setup, approve=False)
    second = make_po(po_setup, approve=False)
    assert first.number.startswith("PO-") and len(first.number) == 9
    assert int(second.number[3:]) == int(first.number[3:]) + 1
    assert first.total == Decimal("822.50")  # 10 × 50.25 + 4 × 80
    assert first.status == S.DRAFT
    assert list(first.events.values_list("to_status", flat=True)) == ["draft"]


def test_lines_are_validated(po_setup: dict) -> None:
    s = po_setup
    with pytest.raises(ValidationError):
        po_create(user=s["buyer"], supplier=s["supplier"], warehouse=s["wh"], lines=[])
    with pytest.raises(ValidationError):
        po_create(
            user=s["buyer"],
            supplier=s["supplier"],
            warehouse=s["wh"],
            lines=[(s["beige"], Decimal(1), Decimal(1)), (s["beige"], Decimal(2), Decimal(1))],
        )
    assert PurchaseOrder.objects.count() == 0


def test_only_drafts_can_be_edited(po_setup: dict) -> None:
    s = po_setup
    order = make_po(s, approve=False)
    po_update(
        user=s["buyer"],
        order=order,
        supplier=s["supplier"],
        warehouse=s["wh"],
        lines=[(s["grey"], Decimal(2), Decimal(10))],
    )
    order.refresh_from_db()
    assert order.total == Decimal(20) and order.lines.count() == 1
    po_transition(order=order, user=s["buyer"], to=S.APPROVED)
    with pytest.raises(InvalidTransition):
        po_update(
            user=s["buyer"],
            order=order,
            supplier=s["supplier"],
            warehouse=s["wh"],
            lines=[(s["grey"], Decimal(1), Decimal(1))],
        )


def test_approval_needs_the_approver(po_setup: dict) -> None:
    order = make_po(po_setup, approve=False)
    assert po_allowed_targets(order=order, user=po_setup["keeper"]) == []
    with pytest.raises(PermissionDeniedError):
        po_transition(order=order, user=po_setup["keeper"], to=S.APPROVED)
    assert po_allowed_targets(order=order, user=po_setup["buyer"]) == [S.APPROVED, S.CANCELLED]
    po_transition(order=order, user=po_setup["buyer"], to=S.APPROVED)
    assert PurchaseOrder.objects.get().status == S.APPROVED


def test_partial_then_full_receipt_moves_stock_in(po_setup: dict) -> None:
    s = po_setup
    order = make_po(s)
    beige_line, grey_line = order.lines.order_by("id")
    po_receive(order=order, user=s["keeper"], quantities={beige_line.pk: Decimal(6)}, key="r1")
    order.refresh_from_db()
    assert order.status == S.PARTIALLY_RECEIVED and qty(s["beige"].pk, s["wh"]) == 6
    with pytest.raises(InvalidTransition):
        po_transition(order=order, user=s["buyer"], to=S.CANCELLED, reason="late")  # not after a receipt
    po_receive(
        order=order, user=s["keeper"], quantities={beige_line.pk: Decimal(4), grey_line.pk: Decimal(4)}, key="r2"
    )
    order.refresh_from_db()
    assert order.status == S.RECEIVED
    assert qty(s["beige"].pk, s["wh"]) == 10 and qty(s["grey"].pk, s["wh"]) == 4
    movements = StockMovement.objects.filter(reference=order.number)
    assert movements.count() == 3 and set(movements.values_list("reason", flat=True)) == {"purchase"}
    assert list(order.events.values_list("to_status", flat=True)) == [
        "draft",
        "approved",
        "partially_received",
        "received",
    ]
    assert services.stock_ledger_mismatches() == []


def test_receipt_cannot_exceed_what_remains(po_setup: dict) -> None:
    s = po_setup
    order = make_po(s)
    line = order.lines.earliest("id")
    with pytest.raises(ValidationError):
        po_receive(order=order, user=s["keeper"], quantities={line.pk: Decimal("10.001")}, key="too-much")
    assert qty(s["beige"].pk, s["wh"]) == 0 and order.receipts.count() == 0


def test_receipt_is_refused_on_a_draft_and_outside_the_warehouse_scope(po_setup: dict) -> None:
    s = po_setup
    draft = make_po(s, approve=False)
    line = draft.lines.earliest("id")
    with pytest.raises(InvalidTransition):
        po_receive(order=draft, user=s["keeper"], quantities={line.pk: Decimal(1)}, key="k")
    order = make_po(s)
    line = order.lines.earliest("id")
    assert po_can_receive(order=order, user=s["keeper"]) is True
    assert po_can_receive(order=order, user=s["far_keeper"]) is False
    with pytest.raises(PermissionDeniedError):
        po_receive(order=order, user=s["far_keeper"], quantities={line.pk: Decimal(1)}, key="far")


def test_replayed_receipt_moves_stock_once(po_setup: dict) -> None:
    s = po_setup
    order = make_po(s)
    line = order.lines.earliest("id")
    first = po_receive(order=order, user=s["keeper"], quantities={line.pk: Decimal(3)}, key="same")
    again = po_receive(order=order, user=s["keeper"], quantities={line.pk: Decimal(3)}, key="same")
    assert first.replayed is False and again.replayed is True and again.receipt.pk == first.receipt.pk
    assert qty(s["beige"].pk, s["wh"]) == 3
    line.refresh_from_db()
    assert line.received_quantity == 3


def test_cancel_needs_a_reason_and_ends_the_order(po_setup: dict) -> None:
    s = po_setup
    order = make_po(s)
    with pytest.raises(ValidationError):
        po_transition(order=order, user=s["buyer"], to=S.CANCELLED)
    po_transition(order=order, user=s["buyer"], to=S.CANCELLED, reason="السعر تغير")
    with pytest.raises(InvalidTransition) as exc:
        po_transition(order=order, user=s["buyer"], to=S.APPROVED)
    assert exc.value.extra == {"to": []}


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submission_receives_once(
    make_user: Callable[..., User], branch_a: Branch, branch_b: Branch
) -> None:
    """Five threads post the same receipt (same key) at once: one receipt, stock moved once."""
    s = build(make_user, branch_a, branch_b)
    order = make_po(s)
    line = order.lines.earliest("id")
    start = threading.Barrier(5)

    def submit(_: int) -> bool:
        try:
            start.wait()
            return po_receive(order=order, user=s["keeper"], quantities={line.pk: Decimal(5)}, key="dbl").replayed
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=5) as pool:
        replayed = list(pool.map(submit, range(5)))
    assert replayed.count(False) == 1
    assert qty(s["beige"].pk, s["wh"]) == 5 and order.receipts.count() == 1
    assert StockMovement.objects.filter(reason="purchase").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_with_different_keys_never_over_receive(
    make_user: Callable[..., User], branch_a: Branch, branch_b: Branch
) -> None:
    """Four different receipts of the whole remaining 10 race: exactly one succeeds."""
    s = build(make_user, branch_a, branch_b)
    order = make_po(s)
    line = order.lines.earliest("id")
    start = threading.Barrier(4)

    def submit(i: int) -> str:
        try:
            start.wait()
            po_receive(order=order, user=s["keeper"], quantities={line.pk: Decimal(10)}, key=f"k{i}")
            return "ok"
        except ValidationError:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(submit, range(4)))
    assert outcomes.count("ok") == 1 and outcomes.count("refused") == 3
    assert qty(s["beige"].pk, s["wh"]) == 10


def test_pages_create_approve_and_receive(po_setup: dict) -> None:
    s = po_setup
    buyer = Client()
    buyer.force_login(s["buyer"])
    bad = buyer.post(
        "/inventory/purchase-orders/new/",
        {
            "supplier": s["supplier"].pk,
            "warehouse": s["wh"].pk,
            "code": ["NOPE", ""],
            "quantity": ["1", ""],
            "unit_cost": ["1", ""],
        },
    )
    assert bad.status_code == 200 and bad.context["rows"][0].errors and PurchaseOrder.objects.count() == 0
    response = buyer.post(
        "/inventory/purchase-orders/new/",
        {
            "supplier": s["supplier"].pk,
            "warehouse": s["wh"].pk,
            "code": [s["beige"].code.lower(), s["grey"].code],
            "quantity": ["٣", "2.5"],
            "unit_cost": ["10", "20"],
        },
    )
    order = PurchaseOrder.objects.get()
    assert response.status_code == 302 and order.total == Decimal(80)
    buyer.post(f"/inventory/purchase-orders/{order.pk}/action/", {"to": "approved"})
    order.refresh_from_db()
    assert order.status == S.APPROVED
    keeper = Client()
    keeper.force_login(s["keeper"])
    form = keeper.get(f"/inventory/purchase-orders/{order.pk}/receive/")
    key = form.context["key"]
    lines = {line.variant_id: line for line in order.lines.all()}
    data = {"key": key, f"qty_{lines[s['beige'].pk].pk}": "3"}
    assert keeper.post(f"/inventory/purchase-orders/{order.pk}/receive/", data).status_code == 302
    assert keeper.post(f"/inventory/purchase-orders/{order.pk}/receive/", data).status_code == 302  # double submit
    assert qty(s["beige"].pk, s["wh"]) == 3
    over = keeper.post(
        f"/inventory/purchase-orders/{order.pk}/receive/", {"key": "new", f"qty_{lines[s['grey'].pk].pk}": "9"}
    )
    assert over.status_code == 200 and over.context["errors"]
    seller = Client()
    seller.force_login(s["seller"])
    assert seller.get("/inventory/purchase-orders/").status_code == 403
    assert keeper.get("/inventory/purchase-orders/new/").status_code == 403


def test_api_create_transition_and_receipts(po_setup: dict) -> None:
    s = po_setup
    api = bearer(s["buyer"])
    response = api.post(
        "/api/v1/purchase-orders/",
        {
            "supplier": s["supplier"].pk,
            "warehouse": s["wh"].pk,
            "lines": [{"variant": s["beige"].pk, "quantity": "5", "unit_cost": "10"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    payload = {
        "supplier": s["supplier"].pk,
        "warehouse": s["wh"].pk,
        "lines": [{"variant": s["grey"].pk, "quantity": "1", "unit_cost": "3"}],
    }
    once = api.post("/api/v1/purchase-orders/", payload, format="json", HTTP_IDEMPOTENCY_KEY="create-1")
    twice = api.post("/api/v1/purchase-orders/", payload, format="json", HTTP_IDEMPOTENCY_KEY="create-1")
    assert once.status_code == 201 and twice.status_code == 200 and once.json()["id"] == twice.json()["id"]
    assert PurchaseOrder.objects.count() == 2
    assert body["status"] == "draft" and body["allowed_transitions"] == ["approved", "cancelled"]
    pk = body["id"]
    conflict = api.post(f"/api/v1/purchase-orders/{pk}/transition/", {"to": "received"}, format="json")
    assert conflict.status_code == 409 and conflict.json()["error"]["fields"]["to"] == ["approved", "cancelled"]
    assert api.post(f"/api/v1/purchase-orders/{pk}/transition/", {"to": "approved"}, format="json").status_code == 200
    keeper = bearer(s["keeper"])
    line_id = body["lines"][0]["id"]
    payload = {"lines": [{"line": line_id, "quantity": "2"}]}
    first = keeper.post(f"/api/v1/purchase-orders/{pk}/receipts/", payload, format="json", HTTP_IDEMPOTENCY_KEY="a1")
    replay = keeper.post(f"/api/v1/purchase-orders/{pk}/receipts/", payload, format="json", HTTP_IDEMPOTENCY_KEY="a1")
    assert first.status_code == 201 and replay.status_code == 200
    assert first.json()["id"] == replay.json()["id"]
    assert qty(s["beige"].pk, s["wh"]) == 2
    over = keeper.post(
        f"/api/v1/purchase-orders/{pk}/receipts/",
        {"lines": [{"line": line_id, "quantity": "4"}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="a2",
    )
    assert over.status_code == 400 and "quantities" in over.json()["error"]["fields"]
    assert bearer(s["seller"]).get("/api/v1/purchase-orders/").status_code == 403
    assert bearer(s["far_keeper"]).get(f"/api/v1/purchase-orders/{pk}/").status_code == 404
