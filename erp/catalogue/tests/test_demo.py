import io
import random

import pytest

from erp.catalogue import demo
from erp.catalogue.models import DesignSettings, SyncEntry
from erp.catalogue.sync import sync_enabled
from erp.core.demodata import DemoContext
from erp.inventory.tests import factories

pytestmark = pytest.mark.django_db


def test_demo_fills_the_design_in_arabic_and_leaves_the_sync_off() -> None:
    factories.product(code="DEMO1")
    ctx = DemoContext(size="small", rng=random.Random(1), stdout=io.StringIO())  # noqa: S311

    demo.generate(ctx)
    demo.generate(ctx)  # idempotent

    row = DesignSettings.objects.get()
    assert "هوم أبديت" in row.company_name and row.phone.startswith("+20") and row.whatsapp.startswith("+201")
    assert row.address and row.footer_text
    assert not sync_enabled()
    assert SyncEntry.objects.get(code="DEMO1").status == "pending"  # queued, waiting for the sync to be switched on
