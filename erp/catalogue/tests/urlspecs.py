"""How to open every catalogue URL for the query budget (see erp/core/testing/urlbudget.py)."""

from typing import Any

from django.utils import timezone

from erp.accounts.roles import RoleKey
from erp.catalogue.models import SyncEntry
from erp.core.testing.urlbudget import ANONYMOUS, SUPERUSER, UrlSpec, World
from erp.inventory.tests import factories

PUBLIC = (ANONYMOUS,)
LABELERS = (SUPERUSER, RoleKey.SALES_MANAGER.value, RoleKey.FACTORY_MANAGER.value, RoleKey.WAREHOUSE_STAFF.value)
DESIGNERS = (SUPERUSER, RoleKey.SALES_MANAGER.value)
SYNC_ADMINS = (SUPERUSER,)


def _product(world: World) -> Any:
    if "catalogue_product" not in world.extra:
        world.extra["catalogue_product"] = factories.product(colours=(("WH", "أبيض"), ("BJ", "بيج")))
    return world.extra["catalogue_product"]


def code(world: World) -> dict[str, str]:
    return {"code": _product(world).code}


def grow(world: World, n: int) -> None:
    factories.bulk_products(count=n)


def grow_failed(world: World, n: int) -> None:
    start = SyncEntry.objects.count()
    SyncEntry.objects.bulk_create(
        SyncEntry(
            code=f"FAILED{start + i}",
            status=SyncEntry.Status.FAILED,
            attempts=8,
            last_error="HTTP 400: bad item",
            next_attempt_at=timezone.now(),
        )
        for i in range(n)
    )


SPECS = [
    # The card links its own theme stylesheet (/p/theme.css, not a static file); its weight is checked in
    # erp/catalogue/tests/test_public.py instead of the static budget.
    UrlSpec("catalogue_public:card", PUBLIC, grow, kwargs=code, static_budget=False),
    UrlSpec("catalogue_public:qr", PUBLIC, grow, kwargs=code),
    UrlSpec("catalogue_public:theme", PUBLIC, grow),
    UrlSpec("catalogue_public:logo", PUBLIC, grow, status=404),  # no logo uploaded: served logos are tested apart
    # No image of that id: served photos are tested in erp/catalogue/tests/test_photos.py.
    UrlSpec("catalogue_public:photo", PUBLIC, grow, kwargs=lambda world: {"pk": 999_999}, status=404),
    UrlSpec("catalogue:labels", LABELERS, grow),
    UrlSpec("catalogue:labels", LABELERS, grow, query="search=blk&page=2"),
    UrlSpec("catalogue:design", DESIGNERS, grow),
    UrlSpec("catalogue:sync_status", SYNC_ADMINS, grow_failed),
    UrlSpec("catalogue:sync_retry", SYNC_ADMINS, grow_failed, method="post", status=302),
    UrlSpec("catalogue:sync_resync", SYNC_ADMINS, grow, method="post", status=302),
]
