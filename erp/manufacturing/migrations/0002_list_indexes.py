"""Indexes for the factory list (status + due date), the dashboard's urgent list and the receipt desk, and a trigram
index for factory-order search on PostgreSQL (SQLite, the local demo, skips it)."""

from django.conf import settings
from django.db import migrations, models

from erp.core.dbindexes import trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_security_event_indexes"),
        ("manufacturing", "0001_initial"),
        ("orders", "0003_order_drafts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        trigram_index("manufacturing_factoryorder", "mfg_search_trgm"),
        migrations.AddIndex(
            model_name="factoryitem",
            index=models.Index(
                condition=models.Q(("received_at__isnull", False)),
                fields=["-received_at", "-id"],
                name="mfg_item_received",
            ),
        ),
        migrations.AddIndex(
            model_name="factoryorder",
            index=models.Index(fields=["status", "expected_date", "id"], name="mfg_status_expected"),
        ),
        migrations.AddIndex(
            model_name="factoryorder",
            index=models.Index(
                condition=models.Q(("status__in", ["pending_approval", "pending", "in_progress", "rejected"])),
                fields=["-is_vip", "expected_date", "id"],
                name="mfg_open_urgent",
            ),
        ),
    ]
