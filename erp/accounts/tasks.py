from celery import shared_task


@shared_task(name="erp.accounts.tasks.api_tokens_purge")
def api_tokens_purge() -> int:
    from erp.accounts.services import api_tokens_purge as purge

    return purge()


@shared_task(name="erp.accounts.tasks.security_events_prune")
def security_events_prune() -> int:
    from erp.accounts.services import security_events_prune as prune

    return prune()
