"""Editing the items of a placed order before work starts (order_update_items, its page and PUT/PATCH
/api/v1/orders/{id}/items/): totals, stock differences with keys, the timeline, refusals; the payment receipt."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.test import APIClient

from erp.accounts import services as api_services
from erp.accounts.models import User
from erp.core.exceptions import ConflictError
from erp.inventory.models import StockBalance, StockMovement
from erp.orders import services
from erp.orders.models import CurtainFabric, CurtainRoom, Order, OrderEvent
from erp.orders.services import ItemEdit
from erp.orders.tests.factories import Shop, item, place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cutting_room(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests edit items before any department holds them: as if the cutting room had not taken the order
    (the refusal once it has is tested below)."""
    from erp.core import hooks

    monkeypatch.setitem(hooks._HOOKS, "handoff.cutting_needed", [])
    monkeypatch.setitem(hooks._HOOKS, "orders.items_changed", [])


def test_items_the_cutting_room_already_cut_are_changed_there_not_on_the_order(
    shop: Shop, seller_a: User, admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Uncut lines follow the edit into the cutting room (erp/cutting/tests/test_items_changed.py); a cut one
    refuses it."""
    from erp.core import hooks
    from erp.core.exceptions import ConflictError
    from erp.cutting.models import CuttingItem
    from erp.cutting.services import CutDetails, cut_item_transition, cutting_items_changed, cutting_orders_create

    monkeypatch.setitem(hooks._HOOKS, "handoff.cutting_needed", [cutting_orders_create])
    monkeypatch.setitem(hooks._HOOKS, "orders.items_changed", [cutting_items_changed])
    order = place(shop, seller_a)
    rows = edits(order)
    rows[1] = ItemEdit(**{**rows[1].__dict__, "quantity": rows[1].quantity + 1})
    services.order_update_items(actor=seller_a, order=order, items=rows)  # nothing cut yet: fine
    cut = CuttingItem.objects.filter(cutting_order__order=order).order_by("id").first()
    assert cut is not None
    cut_item_transition(
        item=cut, user=admin_user, to="completed", details=CutDetails(cutter="أ", permit_number="P1", receiver="ب")
    )
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING  # the other line is not cut yet
    before = (order.total, stock(shop))
    rows = edits(order)
    rows[0] = ItemEdit(**{**rows[0].__dict__, "quantity": rows[0].quantity + 1})
    with pytest.raises(ConflictError):
        services.order_update_items(actor=seller_a, order=order, items=rows)
    order.refresh_from_db()
    assert (order.total, stock(shop)) == before  # nothing changed


def stock(shop: Shop, n: int = 0) -> Decimal:
    return StockBalance.objects.get(variant=shop.fabrics[n], warehouse=shop.warehouse).quantity


def edits(order: Order) -> list[ItemEdit]:
    return [
        ItemEdit(
            variant_id=i.variant_id,
            quantity=i.quantity,
            warehouse_id=i.warehouse_id,
            discount_percent=i.discount_percent,
            item_id=i.pk,
        )
        for i in order.items.order_by("position")
    ]


def api_for(user: User) -> APIClient:
    client = APIClient()
    _token, key = api_services.api_token_issue(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_changing_quantities_moves_the_stock_difference_and_keeps_totals(
    shop: Shop, seller_a: User, manager_a: User
) -> None:
    order = place(shop, seller_a, pay="200")  # products: 2 m of fabric 0 and 1.5 m of fabric 1 taken at sale
    assert stock(shop, 0) == Decimal(98) and stock(shop, 1) == Decimal("98.5")
    rows = edits(order)
    rows[0] = ItemEdit(**{**rows[0].__dict__, "quantity": Decimal(5)})  # 3 m more
    del rows[1]  # removed: 1.5 m back
    rows.append(services.ItemEdit(**item(shop.fabrics[2], "4", warehouse=shop.warehouse).__dict__))
    order = services.order_update_items(actor=seller_a, order=order, items=rows, reason="العميل غير رأيه")
    assert stock(shop, 0) == Decimal(95) and stock(shop, 1) == Decimal(100) and stock(shop, 2) == Decimal(96)
    assert order.subtotal == Decimal("5") * 100 + Decimal("4") * 102 and order.total == order.subtotal
    assert order.balance == order.total - Decimal(200)
    assert services.order_totals_mismatches() == []
    event = order.events.filter(kind=OrderEvent.Kind.EDIT).get()
    assert event.reason == "العميل غير رأيه" and event.details["items"]["removed"][0][0] == shop.fabrics[1].code
    # Cancelling gives back exactly what the order holds now.
    from erp.orders.transitions import order_transition

    order_transition(order=order, user=manager_a, to=Order.Status.CANCELLED, reason="x")
    assert stock(shop, 0) == Decimal(100) and stock(shop, 2) == Decimal(100)


def test_stock_keys_are_unique_per_edit(shop: Shop, seller_a: User) -> None:
    order = place(shop, seller_a, pay="200")
    for quantity in ("3", "4"):
        rows = edits(order)
        rows[0] = ItemEdit(**{**rows[0].__dict__, "quantity": Decimal(quantity)})
        order = services.order_update_items(actor=seller_a, order=order, items=rows)
    keys = list(StockMovement.objects.filter(reference=order.number).values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys)) and stock(shop, 0) == Decimal(96)


def test_refused_once_work_started(shop: Shop, seller_a: User) -> None:
    order = place(shop, seller_a, pay="200")
    Order.objects.filter(pk=order.pk).update(status=Order.Status.IN_PROGRESS)
    with pytest.raises(ConflictError):
        services.order_update_items(actor=seller_a, order=order, items=edits(order))


def test_needs_the_edit_permission(shop: Shop, seller_a: User, factory_boss: User) -> None:
    order = place(shop, seller_a, pay="200")
    with pytest.raises(PermissionDenied):
        services.order_update_items(actor=factory_boss, order=order, items=edits(order))


def test_errors_name_the_row_and_nothing_changes(shop: Shop, seller_a: User) -> None:
    order = place(shop, seller_a, pay="200")
    rows = edits(order)
    rows[1] = ItemEdit(**{**rows[1].__dict__, "quantity": Decimal(0)})
    rows.append(ItemEdit(variant_id=shop.fabrics[2].pk, quantity=Decimal(1), warehouse_id=None))
    with pytest.raises(ValidationError) as exc:
        services.order_update_items(actor=seller_a, order=order, items=rows)
    assert {"items.1.quantity", "items.2.warehouse"} <= set(exc.value.message_dict)
    assert order.items.count() == 2 and stock(shop, 1) == Decimal("98.5")


def test_the_total_cannot_fall_below_what_was_paid(shop: Shop, seller_a: User) -> None:
    order = place(shop, seller_a)  # paid in full
    rows = edits(order)[:1]
    with pytest.raises(ValidationError):
        services.order_update_items(actor=seller_a, order=order, items=rows)
    assert order.items.count() == 2 and stock(shop, 1) == Decimal("98.5")


def test_rows_the_curtain_contract_uses_are_protected(shop: Shop, seller_a: User) -> None:
    order = place(shop, seller_a, order_type="tailoring", pay="300")
    first = order.items.order_by("position").first()
    room = CurtainRoom.objects.create(order=order, room_name="غرفة", width_cm=200, height_cm=250)
    CurtainFabric.objects.create(room=room, fabric_type="light", order_item=first, meters=Decimal("1.8"))
    rows = edits(order)
    with pytest.raises(ValidationError) as exc:
        services.order_update_items(actor=seller_a, order=order, items=rows[1:])
    assert "items" in exc.value.message_dict
    rows[0] = ItemEdit(**{**rows[0].__dict__, "quantity": Decimal(1)})
    with pytest.raises(ValidationError) as exc:
        services.order_update_items(actor=seller_a, order=order, items=rows)
    assert "items.0.quantity" in exc.value.message_dict


def test_a_kept_manual_price_needs_no_permission(shop: Shop, seller_a: User, manager_a: User) -> None:
    order = place(
        shop,
        manager_a,
        items=[item(shop.fabrics[0], "2", warehouse=shop.warehouse, unit_price=Decimal("90"))],
        pay="180",
    )
    rows = edits(order)
    rows[0] = ItemEdit(**{**rows[0].__dict__, "quantity": Decimal(3)})
    order = services.order_update_items(actor=seller_a, order=order, items=rows)
    line = order.items.get()
    assert line.unit_price == Decimal("90.00") and line.is_manual_price and order.total == Decimal("270.00")
    rows = edits(order)
    rows[0] = ItemEdit(**{**rows[0].__dict__, "unit_price": Decimal("50")})
    with pytest.raises(ValidationError):
        services.order_update_items(actor=seller_a, order=order, items=rows)


# ---------------------------------------------------------------------------------------------------------------
# Page and API


def test_items_page_edits_and_shows_row_errors(shop: Shop, seller_a: User, seller_b: User) -> None:
    order = place(shop, seller_a, pay="200")
    client = Client()
    client.force_login(seller_a)
    page = client.get(f"/orders/{order.pk}/items/")
    assert page.status_code == 200 and 'name="items-0-id"' in page.content.decode()
    ids = list(order.items.order_by("position").values_list("pk", flat=True))
    data: dict[str, Any] = {
        "items-0-id": ids[0],
        "items-0-quantity": "3",
        "items-0-discount_percent": "0",
        "items-1-id": ids[1],
        "items-1-quantity": "1.5",
        "items-1-discount_percent": "10",
        "items-1-remove": "1",
        "items-2-code": "NOPE",
        "items-2-quantity": "1",
    }
    refused = client.post(f"/orders/{order.pk}/items/", data)
    assert refused.status_code == 400
    with translation.override("ar"):
        assert _("Item %(n)s") % {"n": 3} in refused.content.decode()
    assert order.items.count() == 2
    data["items-2-code"] = shop.fabrics[2].code
    data["items-2-warehouse"] = shop.warehouse.pk
    data["items-2-discount_percent"] = "0"
    saved = client.post(f"/orders/{order.pk}/items/", data)
    assert saved.status_code == 302
    order.refresh_from_db()
    assert sorted(order.items.values_list("variant_id", "quantity")) == sorted(
        [(shop.fabrics[0].pk, Decimal("3.000")), (shop.fabrics[2].pk, Decimal("1.000"))]
    )
    other = Client()
    other.force_login(seller_b)
    assert other.get(f"/orders/{order.pk}/items/").status_code == 404


def test_api_put_and_patch_items(shop: Shop, seller_a: User, factory_boss: User) -> None:
    order = place(shop, seller_a, pay="200")
    ids = list(order.items.order_by("position").values_list("pk", flat=True))
    url = f"/api/v1/orders/{order.pk}/items/"
    body = {
        "items": [
            {"id": ids[0], "variant": shop.fabrics[0].pk, "warehouse": shop.warehouse.pk, "quantity": "4"},
            {"variant": shop.accessory.pk, "warehouse": shop.warehouse.pk, "quantity": "2"},
        ],
        "reason": "api",
    }
    response = api_for(seller_a).put(url, body, format="json")
    assert response.status_code == 200, response.content
    assert Decimal(response.json()["total"]) == Decimal("400.00") + Decimal("71.00")
    assert len(response.json()["items"]) == 2
    change = {"id": ids[0], "variant": shop.fabrics[0].pk, "warehouse": shop.warehouse.pk, "quantity": "3"}
    patch = api_for(seller_a).patch(url, {"items": [change]}, format="json")
    assert patch.status_code == 200 and len(patch.json()["items"]) == 2
    assert Decimal(patch.json()["total"]) == Decimal("371.00")
    bad = api_for(seller_a).patch(url, {"remove": [999999]}, format="json")
    assert bad.status_code == 400 and "items" in bad.json()["error"]["fields"]
    assert api_for(factory_boss).put(url, body, format="json").status_code == 403
    Order.objects.filter(pk=order.pk).update(status=Order.Status.IN_PROGRESS)
    conflict = api_for(seller_a).put(url, body, format="json")
    assert conflict.status_code == 409


def test_payment_receipt(shop: Shop, seller_a: User, seller_b: User) -> None:
    order = place(shop, seller_a, pay="180")
    payment = order.payments.get()
    client = Client()
    client.force_login(seller_a)
    page = client.get(f"/orders/payments/{payment.pk}/receipt/")
    assert page.status_code == 200
    text = page.content.decode()
    assert order.number in text and "print-document" in text and shop.customer.name in text
    assert f"/orders/payments/{payment.pk}/receipt/" in client.get(f"/orders/{order.pk}/").content.decode()
    other = Client()
    other.force_login(seller_b)
    assert other.get(f"/orders/payments/{payment.pk}/receipt/").status_code == 404
