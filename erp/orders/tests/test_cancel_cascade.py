"""The order page's cancel action cascades to the departments with their real receivers (``order.cancelled``), and
shows a department's refusal without saving anything."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from erp.cutting.models import CuttingItem, CuttingOrder
from erp.cutting.services import CutDetails, cut_item_transition
from erp.inventory.models import StockBalance
from erp.manufacturing.models import FactoryOrder
from erp.manufacturing.services import factory_order_transition
from erp.orders.models import Order, OrderEvent
from erp.orders.tests import factories

pytestmark = pytest.mark.django_db
S = Order.Status
CUT = CutDetails(cutter="حسن", permit_number="P-9", receiver="المصنع")


def balance(shop: factories.Shop) -> Decimal:
    return StockBalance.objects.get(variant=shop.fabrics[0], warehouse=shop.warehouse).quantity


def post_cancel(client: Client, order: Order) -> Any:
    with translation.override("en"):
        return client.post(
            reverse("orders:order_transition", kwargs={"pk": order.pk}),
            {"to": S.CANCELLED, "reason": "العميل ألغى"},
            follow=True,
        )


def test_the_cancel_button_cascades_to_cutting_and_the_factory(
    shop: factories.Shop, manager_a: Any, admin_user: Any
) -> None:
    before = balance(shop)
    order = factories.place(shop, manager_a, order_type=Order.Type.TAILORING)
    fo = FactoryOrder.objects.get(order=order)
    factory_order_transition(factory_order=fo, user=admin_user, to="pending")
    item = CuttingItem.objects.filter(cutting_order__order=order).order_by("id").first()
    assert item is not None
    cut_item_transition(item=item, user=admin_user, to="completed", details=CUT)
    assert balance(shop) == before - Decimal(2)
    client = Client()
    client.force_login(manager_a)

    response = post_cancel(client, order)

    assert response.status_code == 200
    assert Order.objects.get(pk=order.pk).status == S.CANCELLED
    assert FactoryOrder.objects.get(pk=fo.pk).status == "cancelled"
    assert set(CuttingOrder.objects.filter(order=order).values_list("status", flat=True)) == {"cancelled"}
    assert balance(shop) == before
    kinds = [e.details.get("handoff") for e in OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.HANDOFF)]
    assert kinds.count("cutting_cancelled") == 1 and kinds.count("factory_cancelled") == 1
    page = response.content.decode()
    assert "cutting_cancelled" in page and "factory_cancelled" in page  # on the timeline


def test_a_refusal_is_shown_and_nothing_is_saved(shop: factories.Shop, manager_a: Any, admin_user: Any) -> None:
    order = factories.place(shop, manager_a, order_type=Order.Type.INSTALLATION)
    fo = FactoryOrder.objects.get(order=order)
    for step in ("pending", "in_progress", "ready_install"):
        fo = factory_order_transition(factory_order=fo, user=admin_user, to=step)
    client = Client()
    client.force_login(manager_a)

    response = post_cancel(client, order)

    assert response.status_code == 200
    assert fo.number in response.content.decode()  # the reason, as a message
    assert Order.objects.get(pk=order.pk).status == S.READY_INSTALL
    assert not CuttingOrder.objects.filter(order=order, status="cancelled").exists()
    assert FactoryOrder.objects.get(pk=fo.pk).status == "ready_install"
