import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from erp.catalogue import sync
from erp.catalogue.tests.fakeedge import FakeEdge, fake_edge  # noqa: F401 - the fixture
from erp.inventory.models import Product, Variant
from erp.inventory.tests import factories

JITTER_SEED = 20260101


@pytest.fixture
def sync_on(settings: Any, fake_edge: FakeEdge) -> Iterator[FakeEdge]:  # noqa: F811
    """The sync switched on against the local fake endpoint, with short timeouts and a seeded jitter."""
    settings.CATALOGUE_SYNC_URL = fake_edge.url
    settings.CATALOGUE_SYNC_API_KEY = "test-sync-key"
    settings.CATALOGUE_SYNC_CONNECT_TIMEOUT = 1.0
    settings.CATALOGUE_SYNC_READ_TIMEOUT = 1.0
    saved = sync._rng
    sync._rng = random.Random(JITTER_SEED)  # noqa: S311 - test jitter
    try:
        yield fake_edge
    finally:
        sync._rng = saved


def many_products(count: int) -> list[Product]:
    """Products in bulk (one default variant each), queued in the outbox like the product services do."""
    category = factories.category()
    start = next(factories._counter)
    products = Product.objects.bulk_create(
        Product(
            code=f"SYN{start}-{i:03d}",
            name=f"قماش {i}",
            category=category,
            retail_price=Decimal(100),
            wholesale_price=Decimal(80),
        )
        for i in range(count)
    )
    Variant.objects.bulk_create(Variant(product=p, code=p.code, is_default=True) for p in products)
    sync.catalogue_mark_changed(product_ids=[p.pk for p in products])
    return products
