from celery import shared_task


@shared_task(name="erp.catalogue.tasks.catalogue_sync_run", soft_time_limit=300, time_limit=330)
def catalogue_sync_run() -> int:
    """Push due catalogue changes to the edge; re-enqueues itself while a backlog remains."""
    from erp.catalogue.sync import catalogue_sync_run as run

    result = run()
    if result.more:
        catalogue_sync_run.apply_async(countdown=1)
    return result.delivered


@shared_task(name="erp.catalogue.tasks.catalogue_resync")
def catalogue_resync() -> int:
    """Queue the whole catalogue for the edge (the status page's re-sync button)."""
    from erp.catalogue.sync import catalogue_resync as resync

    return resync()
