from celery import shared_task


@shared_task(name="erp.api.tasks.idempotency_records_prune")
def idempotency_records_prune() -> int:
    from erp.api.idempotency import idempotency_records_prune as prune

    return prune()
