from datetime import timedelta

import pytest
from django.utils import timezone

from erp.accounts import tasks
from erp.accounts.models import SecurityEvent

pytestmark = pytest.mark.django_db


def test_security_events_prune_keeps_recent_ones() -> None:
    old = SecurityEvent.objects.create(kind="login", username="a")
    SecurityEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    recent = SecurityEvent.objects.create(kind="login", username="b")
    assert tasks.security_events_prune.delay().get() == 1
    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_api_tokens_purge_task_runs() -> None:
    assert tasks.api_tokens_purge.delay().get() == 0
