"""balance = total - paid as a database check on PostgreSQL (exact NUMERIC arithmetic).

SQLite, the one-command demo's database, stores decimals with float affinity, so the same check refuses exact
values there (101.50 - 0 read back as 101.49999…); the services keep the invariant and `check_order_totals` verifies
it on every database.
"""

from django.db import migrations

ADD = "ALTER TABLE orders_order ADD CONSTRAINT orders_balance CHECK (balance = total - paid)"
DROP = "ALTER TABLE orders_order DROP CONSTRAINT IF EXISTS orders_balance"


def _run(sql: str):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]
    operations = [migrations.RunPython(_run(ADD), _run(DROP))]
