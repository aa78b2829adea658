"""The customer list's "name" ordering."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_security_event_indexes"),
        ("customers", "0003_customer_credit_perm_contact_order"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["name", "id"], name="customers_name_id_idx"),
        ),
    ]
