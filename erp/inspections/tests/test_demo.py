import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from erp.inspections.models import Inspection
from erp.orders.models import Order

pytestmark = pytest.mark.django_db


def test_demo_inspections_cover_every_state_and_technicians_have_visits_today() -> None:
    out = io.StringIO()
    call_command("demo_data", size="small", seed=3, stdout=out)
    assert "inspections:" in out.getvalue()
    assert set(Inspection.objects.values_list("status", flat=True)) == set(Inspection.Status.values)
    assert set(Inspection.objects.exclude(result="").values_list("result", flat=True)) == set(Inspection.Result.values)
    # Every demo inspection order has exactly one inspection, numbered after it.
    orders = Order.objects.filter(order_type=Order.Type.INSPECTION)
    assert Inspection.objects.filter(order__in=orders, parent=None).count() == orders.count()
    assert not Inspection.objects.exclude(number__endswith="-I").filter(parent=None, order__isnull=False).exists()
    today = Inspection.objects.filter(scheduled_date=timezone.localdate(), status__in=["scheduled", "in_progress"])
    assert today.filter(technician__username="inspection_technician").exists()
    # States agree with the orders: a completed order's inspection passed, a rejected one's failed.
    assert not Inspection.objects.filter(order__status="completed").exclude(result="passed").exists()
    assert not Inspection.objects.filter(order__status="rejected").exclude(result="failed").exists()
