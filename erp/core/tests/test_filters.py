from datetime import datetime

import pytest
from django.utils import timezone

from erp.accounts.filters import SecurityEventFilter
from erp.accounts.models import SecurityEvent

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))  # Africa/Cairo, the project's time zone


def test_day_range_uses_local_days_and_includes_the_whole_last_day() -> None:
    for name, moment in [
        ("before", "2026-03-09 23:59"),
        ("first", "2026-03-10 00:00"),
        ("last", "2026-03-12 23:59"),
        ("after", "2026-03-13 00:00"),
    ]:
        event = SecurityEvent.objects.create(kind="login", username=name)
        SecurityEvent.objects.filter(pk=event.pk).update(created_at=at(moment))
    fs = SecurityEventFilter(
        data={"created_after": "2026-03-10", "created_before": "2026-03-12"}, queryset=SecurityEvent.objects.all()
    )
    assert fs.is_valid()
    assert sorted(fs.qs.values_list("username", flat=True)) == ["first", "last"]
    assert "::date" not in str(fs.qs.query) and "AT TIME ZONE" not in str(fs.qs.query)
