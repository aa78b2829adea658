"""The cutting status the order page and API show (erp/cutting/departments.py, raw SQL in the order's own query)
matches its rule for every mix of cutting order statuses: none without cutting orders, cancelled when all are,
rejected if any is, completed when all not cancelled are, in progress once any moved, else pending (the rule the
cutting room applies to a cutting order's items). The first cutting order's id is the link."""

import itertools
from typing import Any

import pytest

from erp.cutting.departments import annotate
from erp.cutting.models import CuttingOrder, CuttingStatus
from erp.cutting.services import derive_status
from erp.cutting.tests.factories import bulk_cutting
from erp.inventory.tests.factories import warehouse
from erp.orders.models import Order

pytestmark = pytest.mark.django_db
S = CuttingStatus


def expected(statuses: tuple[str, ...]) -> str | None:
    """None without cutting orders; else the rule the cutting room derives a cutting order's status from its items'
    (services.derive_status), applied to the order's cutting orders."""
    return derive_status(list(statuses)) if statuses else None


MIXES = [m for n in range(4) for m in itertools.combinations_with_replacement(S.values, n)]


def test_every_mix_of_statuses_shows_its_rule(shop: Any, seller: Any) -> None:
    orders = [co.order for co in bulk_cutting(shop, seller, len(MIXES))]
    CuttingOrder.objects.filter(order__in=orders).delete()
    rooms = [shop.warehouse, warehouse(branch=shop.warehouse.branch), warehouse(branch=shop.warehouse.branch)]
    first_ids: dict[int, int | None] = {}
    for order, mix in zip(orders, MIXES, strict=True):
        made = CuttingOrder.objects.bulk_create(
            CuttingOrder(code=f"C-{order.number}-{n}", order=order, warehouse=room, status=status)
            for n, (status, room) in enumerate(zip(mix, rooms, strict=False), start=1)
        )
        first_ids[order.pk] = min((co.pk for co in made), default=None)

    rows = annotate(Order.objects.filter(pk__in=first_ids))
    shown = {o.pk: (getattr(o, "dept_cutting_status"), getattr(o, "dept_cutting_id")) for o in rows}  # noqa: B009

    assert len(MIXES) == 56
    for order, mix in zip(orders, MIXES, strict=True):
        assert shown[order.pk] == (expected(mix), first_ids[order.pk]), mix
