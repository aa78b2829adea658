from django.db import transaction
from django.db.models import F

from erp.core.models import Counter


def counter_next(key: str) -> int:
    """The next number of `key`, under a row lock: concurrent callers get distinct, gap-free numbers
    (a rolled-back transaction gives its number back)."""
    with transaction.atomic():
        Counter.objects.get_or_create(key=key)
        Counter.objects.filter(key=key).update(value=F("value") + 1)
        return Counter.objects.select_for_update().values_list("value", flat=True).get(key=key)
