"""A trigram index for installation search on PostgreSQL (SQLite, the local demo, skips it)."""

from django.db import migrations

from erp.core.dbindexes import trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("installations", "0001_initial"),
    ]

    operations = [
        trigram_index("installations_installation", "inst_search_trgm"),
    ]
