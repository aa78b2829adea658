"""The complaint number index (search matches it exactly) and a trigram index for complaint search on PostgreSQL
(SQLite, the local demo, skips it)."""

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

from erp.core.dbindexes import trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_security_event_indexes"),
        ("complaints", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0003_customer_credit_perm_contact_order"),
        ("orders", "0003_order_drafts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        trigram_index("complaints_complaint", "complaints_search_trgm"),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(django.db.models.functions.text.Upper("number"), name="complaints_number_upper"),
        ),
    ]
