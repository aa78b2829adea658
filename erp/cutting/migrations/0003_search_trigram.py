"""A trigram index for cutting-order search on PostgreSQL (SQLite, the local demo, skips it)."""

from django.db import migrations

from erp.core.dbindexes import trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("cutting", "0002_cancelled_status"),
    ]

    operations = [
        trigram_index("cutting_cuttingorder", "cutting_search_trgm"),
    ]
