"""The customer-types permission, and a trigram index for customer search on PostgreSQL (SQLite, the local demo,
has no such index and skips it)."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS customers_search_trgm ON customers_customer USING gin (search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS customers_search_trgm"]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [
        migrations.AlterModelOptions(
            name="customertype",
            options={
                "ordering": ["name"],
                "permissions": [("manage_customer_types", "Can manage customer types and categories")],
                "verbose_name": "customer type",
                "verbose_name_plural": "customer types",
            },
        ),
        migrations.RunPython(_run(CREATE), _run(DROP)),
    ]
