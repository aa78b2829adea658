"""Inventory's declared list filters (erp/inventory/queryplans.py) on tables big enough for the planner to care:
20,000 extra products and 20,000 extra ledger rows (INSERT ... SELECT generate_series), then ANALYZE."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from erp.core import queryplans
from erp.inventory.models import Product, StockMovement
from erp.inventory.queryplans import CHECKS

pytestmark = pytest.mark.django_db

ROWS = 20_000


def _grow(
    table: str, copy_columns: str, unique_column: str, rows: int, overrides: dict[str, str] | None = None
) -> None:
    """Copies of the table's first row with a unique column suffixed by the series number (and columns given as SQL
    expressions of `n` in `overrides`, so that the copies are as varied as real rows)."""
    columns = [c.strip() for c in copy_columns.split(",")]
    overrides = overrides or {}
    select = ", ".join(overrides.get(c, f"{c} || '-' || n" if c == unique_column else c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({copy_columns}) "  # noqa: S608 - table and column names are constants here
            f"SELECT {select} FROM (SELECT * FROM {table} ORDER BY id LIMIT 1) AS src, generate_series(1, %s) AS n",
            [rows],
        )


@pytest.fixture
def big_inventory() -> None:
    call_command("demo_data", size="small", seed=1, stdout=StringIO())
    product_columns = [str(f.column) for f in Product._meta.concrete_fields if f.column != "id"]
    varied = {
        "name": "'منتج ' || n",
        "search_text": "'synthetic item ' || n",
        "kind": "(ARRAY['fabric', 'fabric', 'fabric', 'accessory', 'service'])[1 + n %% 5]",
        "updated_at": "updated_at - n * interval '1 minute'",
    }
    _grow(Product._meta.db_table, ", ".join(product_columns), "code", ROWS, varied)
    movement_columns = [str(f.column) for f in StockMovement._meta.concrete_fields if f.column != "id"]
    _grow(StockMovement._meta.db_table, ", ".join(movement_columns), "idempotency_key", ROWS)
    queryplans.analyze()
    assert Product.objects.count() > ROWS and StockMovement.objects.count() > ROWS


def test_inventory_checks_are_declared() -> None:
    names = {c.name for c in queryplans.collect_checks()}
    assert {c.name for c in CHECKS} <= names
    assert any(n.startswith("products: category") for n in names)
    assert any(n.startswith("products: kind") for n in names)
    assert any(n.startswith("movements: warehouse") for n in names)


def test_inventory_lists_use_indexes_on_big_tables(big_inventory: None) -> None:
    results = queryplans.run_checks(CHECKS, run_analyze=False)
    failing = [r for r in results if not r.ok]
    assert not failing, queryplans.render(failing, min_rows=queryplans.DEFAULT_MIN_ROWS)
    products = [r for r in results if r.check.name.startswith("products")]
    assert products and all(Product._meta.db_table in r.sql for r in products)
