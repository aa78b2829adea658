"""A trigram index for inspection search on PostgreSQL (SQLite, the local demo, has no such index and skips it)."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS inspections_search_trgm ON inspections_inspection USING gin (search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS inspections_search_trgm"]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
