"""The orders' beat task: promo codes past their expiry are marked expired."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from erp.accounts.models import User
from erp.orders import tasks
from erp.orders.models import PromoCode

pytestmark = pytest.mark.django_db


def _promo(code: str, *, expires_in: timedelta, status: str, user: User) -> PromoCode:
    return PromoCode.objects.create(
        code=code, discount_percent=Decimal(5), expires_at=timezone.now() + expires_in, issued_by=user, status=status
    )


def test_promo_expire_due_task_expires_only_active_codes_past_their_time(admin_user: User) -> None:
    due = _promo("DUE", expires_in=-timedelta(minutes=1), status="active", user=admin_user)
    later = _promo("LATER", expires_in=timedelta(hours=1), status="active", user=admin_user)
    used = _promo("USED", expires_in=-timedelta(days=1), status="used", user=admin_user)
    cancelled = _promo("GONE", expires_in=-timedelta(days=1), status="cancelled", user=admin_user)

    assert tasks.promo_expire_due.apply().get() == 1
    statuses = dict(PromoCode.objects.values_list("code", "status"))
    assert statuses == {due.code: "expired", later.code: "active", used.code: "used", cancelled.code: "cancelled"}
    assert tasks.promo_expire_due.apply().get() == 0  # idempotent


def test_promo_expiry_is_on_the_beat_schedule() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["orders-promo-expire-due"]
    assert entry["task"] == tasks.promo_expire_due.name
