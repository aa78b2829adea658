"""Migration operations for PostgreSQL-only indexes: SQLite (the local demo) migrates without them.

`trigram_index(...)` serves `search_text__contains` (LIKE '%term%', what the lists' Arabic-normalised search runs)
with a pg_trgm GIN index; reversing drops the index (the extension stays: other apps' indexes use it).

`concurrent_index(...)` builds an index with `CREATE INDEX CONCURRENTLY`, for a table that is already big in
production: a plain `CREATE INDEX` blocks the table's writes for the whole build (35 s for the order search index at
a million orders), a concurrent build does not. PostgreSQL refuses it inside a transaction, so the migration sets
`atomic = False` and holds nothing else that needs one.
"""

from typing import Any

from django.db import migrations


def _postgresql_only(statements: list[str]) -> Any:
    def apply(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


def trigram_index(table: str, name: str, column: str = "search_text") -> migrations.RunPython:
    create = [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)",
    ]
    return migrations.RunPython(_postgresql_only(create), _postgresql_only([f"DROP INDEX IF EXISTS {name}"]))


def postgresql_sql(forward: list[str], reverse: list[str]) -> migrations.RunPython:
    """Statements run on PostgreSQL only, with the statements that undo them."""
    return migrations.RunPython(_postgresql_only(forward), _postgresql_only(reverse))


def _build_concurrently(table: str, name: str, definition: str, drop: str | None) -> Any:
    def apply(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        if connection.in_atomic_block:
            raise RuntimeError(f"{name}: a concurrent index build needs a migration with atomic = False")
        with connection.cursor() as cursor:
            # An interrupted concurrent build leaves an invalid index behind, which IF NOT EXISTS would keep.
            cursor.execute(
                "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = %s AND NOT i.indisvalid",
                [name],
            )
            if cursor.fetchone():
                schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} {definition}")
        if drop:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {drop}")

    return apply


def concurrent_index(
    table: str, name: str, definition: str, *, replaces: tuple[str, str] | None = None
) -> migrations.RunPython:
    """`CREATE INDEX CONCURRENTLY name ON table <definition>` on PostgreSQL, in a migration with `atomic = False`.

    `replaces=(old_name, old_definition)` drops an index the new one makes redundant, after the new one is built;
    reversing builds the old one again before dropping the new one, so the table is never without either."""
    forward = _build_concurrently(table, name, definition, replaces[0] if replaces else None)
    if replaces:
        backward = _build_concurrently(table, replaces[0], replaces[1], name)
    else:
        backward = _postgresql_only([f"DROP INDEX CONCURRENTLY IF EXISTS {name}"])
    return migrations.RunPython(forward, backward, atomic=False)
