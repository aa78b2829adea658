"""The hand-over of cut items to the factory with the real receivers: the factory order built from real cut items
shows each one's cutting order, permit, receiver, meters (quantity plus extra) and name, and a reset unlinks it."""

from decimal import Decimal
from typing import Any

import pytest

from erp.cutting.models import CuttingStatus
from erp.cutting.services import CutDetails, cut_item_transition
from erp.cutting.tests.helpers import items_of, tailoring
from erp.manufacturing.models import FactoryItem, FactoryOrder

pytestmark = pytest.mark.django_db
S = CuttingStatus


def test_factory_items_built_from_real_cut_items_carry_their_cutting_details(
    shop: Any, seller: Any, keeper: Any, boss: Any
) -> None:
    order = tailoring(shop, seller)
    fo = FactoryOrder.objects.get(order=order)
    stocked, second, external = items_of(order)
    assert external.is_external and not stocked.is_external

    cut_item_transition(
        item=stocked,
        user=keeper,
        to=S.COMPLETED,
        details=CutDetails(cutter="حسن", permit_number="p-٧٧", receiver="محمود المصنع", extra_quantity=Decimal("0.5")),
    )
    cut_item_transition(
        item=external,
        user=keeper,
        to=S.COMPLETED,
        details=CutDetails(cutter="حسن", permit_number="P-8", receiver="سيد"),
    )

    rows = {
        i.cut_item_id: (i.factory_order_id, i.cut_reference, i.cut_permit, i.cut_receiver, i.meters, i.name)
        for i in FactoryItem.objects.all()
    }
    code = stocked.cutting_order.code
    assert code == external.cutting_order.code
    assert rows == {
        stocked.pk: (fo.pk, code, "P-77", "محمود المصنع", Decimal("3.500"), stocked.name),
        external.pk: (fo.pk, code, "P-8", "سيد", Decimal("4.500"), external.name),
    }
    assert FactoryItem.objects.get(cut_item_id=stocked.pk).order_item_id == stocked.order_item_id
    assert FactoryItem.objects.get(cut_item_id=external.pk).order_item_id is None
    assert second.pk not in rows  # not cut yet

    cut_item_transition(item=stocked, user=boss, to=S.PENDING, reason="قص خطأ")  # the reset unlinks it
    assert set(FactoryItem.objects.values_list("cut_item_id", flat=True)) == {external.pk}
