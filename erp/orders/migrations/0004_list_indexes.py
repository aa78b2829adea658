"""Indexes for the order list's orderings and combined filters, the payments' method filter, and a trigram index for
order search on PostgreSQL (SQLite, the local demo, skips it)."""

from django.conf import settings
from django.db import migrations, models

from erp.core.dbindexes import trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_security_event_indexes"),
        ("customers", "0004_list_indexes"),
        ("orders", "0003_order_drafts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        trigram_index("orders_order", "orders_search_trgm"),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["expected_delivery_date", "id"], name="orders_expected_id"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["total", "id"], name="orders_total_id"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["balance", "id"], name="orders_balance_id"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["status", "order_date", "id"], name="orders_status_date"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["branch", "order_date", "id"], name="orders_branch_date"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["customer", "order_date", "id"], name="orders_customer_date"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["salesperson", "status", "id"], name="orders_salesperson_status"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["created_by", "status", "id"], name="orders_creator_status"),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(fields=["method", "-id"], name="orders_payment_method"),
        ),
    ]
