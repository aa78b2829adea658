"""Orders' periodic and background tasks: thin, by id."""

from celery import shared_task


@shared_task(name="erp.orders.tasks.promo_expire_due")
def promo_expire_due() -> int:
    """Mark promo codes past their expiry as expired (the beat runs it every hour)."""
    from erp.orders.services import promo_expire_due as expire

    return expire()
