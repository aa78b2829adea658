"""Migration operations for PostgreSQL-only indexes: SQLite (the local demo) migrates without them.

`trigram_index(...)` serves `search_text__contains` (LIKE '%term%', what the lists' Arabic-normalised search runs)
with a pg_trgm GIN index; reversing drops the index (the extension stays: other apps' indexes use it).
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
