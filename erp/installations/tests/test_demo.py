import io

import pytest
from django.core.management import call_command

from erp.installations.models import Installation, ModificationRequest, Team, Technician, Vehicle, VehicleMission
from erp.installations.selectors import needs_scheduling
from erp.orders.models import Order
from erp.orders.services import order_totals_mismatches

pytestmark = pytest.mark.django_db


def test_demo_installations_cover_every_state() -> None:
    out = io.StringIO()
    call_command("demo_data", size="small", seed=3, stdout=out)
    assert "installations:" in out.getvalue()
    assert set(Installation.objects.values_list("status", flat=True)) == set(Installation.Status.values)
    assert Team.objects.count() >= 2 and Technician.objects.exists()
    assert set(Vehicle.objects.values_list("status", flat=True)) == set(Vehicle.Status.values)
    assert VehicleMission.objects.filter(kind="installation").exists()
    assert ModificationRequest.objects.filter(status="completed").exists()
    for inst in Installation.objects.filter(status="completed").select_related("order"):
        assert inst.order.status == Order.Status.COMPLETED
    from erp.accounts.models import User

    admin = User.objects.filter(is_superuser=True).first()
    assert needs_scheduling(actor=admin).exists()
    assert order_totals_mismatches() == []
