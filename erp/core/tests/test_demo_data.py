import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core.demodata import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def run(size: str = "small", seed: int = 1) -> str:
    out = io.StringIO()
    call_command("demo_data", size=size, seed=seed, stdout=out)
    return out.getvalue()


def test_small_demo_has_every_role_and_prints_logins() -> None:
    output = run()
    for role in RoleKey:
        username = "admin" if role == RoleKey.SYSTEM_ADMIN else role.value
        assert username in output
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        if role != RoleKey.SYSTEM_ADMIN:
            assert list(user.roles.values_list("key", flat=True)) == [role.value]
    assert DEMO_PASSWORD in output
    assert Branch.objects.count() == 3 and Branch.objects.filter(is_main=True).count() == 1
    arabic = re.compile("[\u0600-\u06ff]")
    assert all(arabic.search(u.first_name) for u in User.objects.exclude(username="admin"))
    assert all(re.fullmatch(r"\+201[0125]\d{8}", u.phone) for u in User.objects.all())


def snapshot() -> tuple[list[Any], list[Any]]:
    from erp.inventory.models import StockBalance

    people = list(User.objects.order_by("username").values_list("username", "first_name", "last_name", "phone"))
    stock = list(
        StockBalance.objects.order_by("variant__code", "warehouse__code").values_list(
            "variant__code", "warehouse__code", "quantity"
        )
    )
    return people, stock


def test_same_seed_same_data() -> None:
    from django.db import transaction

    with transaction.atomic():
        run(seed=7)
        first = snapshot()
        transaction.set_rollback(True)
    run(seed=7)
    second = snapshot()
    for a, b in zip(first, second, strict=True):  # name the differing rows, not a truncated list
        assert sorted(set(a) - set(b)) == sorted(set(b) - set(a)) == []
    assert first[1], "the demo catalogue has stock"


def test_second_run_creates_nothing_twice() -> None:
    run()
    count = User.objects.count()
    assert "skipped" in run()
    assert User.objects.count() == count


def test_sizes_grow(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from erp.core.tests.test_demodata_copy import TINY

    for module, volume in TINY.items():  # the apps' medium volumes (20,000 orders) are for benchmarks, not tests
        monkeypatch.setitem(importlib.import_module(module).SIZES, "medium", volume)
    run(size="medium")
    assert Branch.objects.count() == 5
    assert User.objects.count() > 60


def test_demo_catalogue_is_realistic_and_consistent() -> None:
    from erp.inventory.models import Product, StockBalance, Variant
    from erp.inventory.services import stock_ledger_mismatches

    run()
    fabrics = Product.objects.filter(kind="fabric", unit="meter")
    assert fabrics.exists()
    assert Variant.objects.filter(product__kind="fabric").values("product").distinct().count() == fabrics.count()
    assert Variant.objects.filter(product__kind="fabric").count() >= 2 * fabrics.count()  # several colours each
    assert Product.objects.filter(kind="accessory").exists() and Product.objects.filter(kind="service").exists()
    assert StockBalance.objects.filter(quantity__gt=0).values("warehouse").distinct().count() >= 2
    assert stock_ledger_mismatches() == []


def test_every_table_has_planner_statistics_afterwards() -> None:
    """Small tables filled through the services (curtain rooms, complaint types) get statistics too, as autovacuum would
    give them in a running system: the benchmark's plans are the ones production gets."""
    from django.db import connection

    from erp.installations.models import VehicleMission

    run()
    assert VehicleMission.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.reltuples < 0"
        )
        never_analyzed = [name for (name,) in cursor.fetchall()]
    assert never_analyzed == []
