"""The order search's GIN index holds the search text's trigrams, the status and the branch (migration 0005): a
search by status or branch is answered inside the index instead of by reading every matching order."""

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction

from erp.accounts.models import User
from erp.orders import selectors
from erp.orders.tests.factories import Shop

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("erp.orders.migrations.0005_search_status_branch_gin")


def index_definitions() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'orders_order'")
        return dict(cursor.fetchall())


def test_one_gin_index_holds_the_trigrams_the_status_and_the_branch() -> None:
    indexes = index_definitions()
    assert "orders_search_trgm" not in indexes
    definition = indexes["orders_search_status_branch"]
    assert "USING gin (search_text gin_trgm_ops, status, branch_id)" in definition


def test_search_and_status_are_answered_inside_the_index(shop: Shop, admin_user: User) -> None:
    """(Whether the branch is worth an index condition too is the planner's call, from the branch's share of orders.)"""
    filters: dict[str, Any] = {"search": "محمد", "status": "pending_approval", "branch": shop.branch.pk}
    qs = selectors.order_list(actor=admin_user, filters=filters)
    sql, params = qs.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # A handful of test rows: leave the planner only this index to show what it can answer (rolled back).
        for name, definition in index_definitions().items():
            if name != "orders_search_status_branch" and "UNIQUE" not in definition:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # nor the primary key walked backwards (GIN: bitmaps)
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    assert "orders_search_status_branch" in plan, plan
    condition = next(line for line in plan.splitlines() if "Index Cond" in line and "search_text" in line)
    assert "status" in condition, plan


def test_the_migration_reverses_to_the_search_only_index() -> None:
    operation = MIGRATION.Migration.operations[0]
    with transaction.atomic():
        with connection.schema_editor(atomic=False) as editor:
            operation.reverse_code(apps, editor)
        reversed_ = index_definitions()
        with connection.schema_editor(atomic=False) as editor:
            operation.code(apps, editor)
        again = index_definitions()
        transaction.set_rollback(True)
    assert "orders_search_status_branch" not in reversed_
    assert "USING gin (search_text gin_trgm_ops)" in reversed_["orders_search_trgm"]
    assert "orders_search_status_branch" in again and "orders_search_trgm" not in again
