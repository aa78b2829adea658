"""Prepared statements (config/django/base.py postgres_options, erp/core/db.py): a query shape run twice on a
connection is prepared, so PostgreSQL plans it once per connection; a text search (LIKE) never is, so it is always
planned with its own values."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from erp.accounts.models import Branch
from erp.core.db import PlannedWithValuesCursor

pytestmark = pytest.mark.django_db


def prepared(marker: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall() if marker in row[0]]


def run_three_times(query: Callable[[], Any]) -> None:
    for _ in range(3):
        list(query())


def test_connections_bind_on_the_server_and_keep_500_statements() -> None:
    connection.ensure_connection()
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    assert connection.connection.prepare_threshold == 2
    assert connection.connection.prepared_max == 500
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, PlannedWithValuesCursor)


def test_a_repeated_query_is_prepared() -> None:
    run_three_times(lambda: Branch.objects.filter(code="ALX").values_list("id", "code"))
    statements = prepared('FROM "accounts_branch" WHERE "accounts_branch"."code" = $1')
    assert len(statements) == 1


def test_a_text_search_is_never_prepared_but_still_answers() -> None:
    Branch.objects.create(code="ZQX", name="فرع الاختبار")
    run_three_times(lambda: Branch.objects.filter(name__contains="الاختبار").values_list("id", "code"))

    assert prepared('FROM "accounts_branch"') == []  # detected like the repeated query above: not there
    assert prepared(" LIKE ") == []
    assert list(Branch.objects.filter(name__contains="الاختبار").values_list("code", flat=True)) == ["ZQX"]
    assert list(Branch.objects.filter(name__contains="لا يوجد").values_list("code", flat=True)) == []


def test_connections_get_the_planner_settings_the_benchmarks_measured() -> None:
    """config/django/base.py postgres_options: random reads priced for memory and SSD, a bounded join search."""
    with connection.cursor() as cursor:
        settings = {}
        for name in ("random_page_cost", "join_collapse_limit", "from_collapse_limit"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    assert settings == {"random_page_cost": "1.1", "join_collapse_limit": "6", "from_collapse_limit": "6"}
