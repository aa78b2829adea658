"""`concurrent_index`: an index built with CREATE INDEX CONCURRENTLY in a non-atomic migration (erp/core/dbindexes.py),
on a scratch table made and dropped here."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from erp.core.dbindexes import concurrent_index

TABLE = "dbindexes_probe"


def indexes() -> dict[str, bool]:
    """The scratch table's indexes and whether each is valid."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass",
            [TABLE],
        )
        return dict(cursor.fetchall())


def run(operation: Any, forward: bool = True) -> None:
    with connection.schema_editor(atomic=False) as editor:
        (operation.code if forward else operation.reverse_code)(apps, editor)


@pytest.fixture
def table() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {TABLE} (a integer, b text)")
        cursor.execute("INSERT INTO dbindexes_probe SELECT g, g::text FROM generate_series(1, 1000) g")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


@pytest.mark.django_db(transaction=True)
def test_builds_concurrently_and_reverses(table: None) -> None:
    operation = concurrent_index(TABLE, "probe_a", "(a)")
    assert operation.atomic is False
    run(operation)
    assert indexes() == {"probe_a": True}
    run(operation)  # applying twice changes nothing
    assert indexes() == {"probe_a": True}
    run(operation, forward=False)
    assert indexes() == {}


@pytest.mark.django_db(transaction=True)
def test_replacing_an_index_keeps_one_of_the_two_both_ways(table: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE INDEX probe_old ON {TABLE} (a)")
    operation = concurrent_index(TABLE, "probe_new", "(a, b)", replaces=("probe_old", "(a)"))
    run(operation)
    assert indexes() == {"probe_new": True}
    run(operation, forward=False)
    assert indexes() == {"probe_old": True}
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'probe_old'")
        assert cursor.fetchone()[0].endswith(f"ON public.{TABLE} USING btree (a)")


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_build_is_built_again(table: None) -> None:
    """A concurrent build that failed half-way leaves an invalid index of that name: it is dropped and built again
    rather than kept by IF NOT EXISTS."""
    operation = concurrent_index(TABLE, "probe_a", "(a)")
    run(operation)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'probe_a'::regclass")
    assert indexes() == {"probe_a": False}
    run(operation)
    assert indexes() == {"probe_a": True}


@pytest.mark.django_db
def test_refuses_to_run_inside_a_transaction() -> None:
    operation = concurrent_index("orders_order", "probe_never", "(id)")
    with pytest.raises(RuntimeError, match="atomic = False"):
        run(operation)  # pytest-django's test transaction is open
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'probe_never'")
        assert cursor.fetchone()[0] == 0
