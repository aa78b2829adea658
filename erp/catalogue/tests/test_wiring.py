"""Every catalogue-data write (product and colour edits, bulk prices) marks the edge outbox in its transaction."""

from decimal import Decimal

import pytest

from erp.accounts.models import User
from erp.catalogue.models import SyncEntry
from erp.inventory.catalogue import product_update, variant_update
from erp.inventory.tests import factories

pytestmark = pytest.mark.django_db


def test_product_and_variant_edits_mark_the_sync_outbox(admin_user: User) -> None:
    product = factories.product(colours=(("01", "أحمر"),))
    SyncEntry.objects.all().delete()  # creation marked it already; start from a clean outbox
    product_update(actor=admin_user, product=product, data={"retail_price": Decimal("321.00")})
    entry = SyncEntry.objects.get(code=product.code)
    first = entry.version
    variant_update(actor=admin_user, variant=product.variants.get(), data={"colour": "أحمر غامق"})
    entry.refresh_from_db()
    assert entry.version > first and SyncEntry.objects.count() == 1


def test_an_edit_that_changes_nothing_marks_nothing(admin_user: User) -> None:
    product = factories.product()
    SyncEntry.objects.all().delete()
    product_update(actor=admin_user, product=product, data={"retail_price": product.retail_price})
    assert not SyncEntry.objects.exists()
