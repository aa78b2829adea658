"""Inventory background work: thin wrappers that load by id and call the services (imported inside the task)."""

from celery import shared_task


@shared_task(name="erp.inventory.tasks.product_image_thumbnail", acks_late=True)
def product_image_thumbnail(image_id: int) -> bool:
    from erp.inventory.images import product_image_thumbnail as make

    return make(image_id=image_id)


@shared_task(name="erp.inventory.tasks.catalogue_import_validate", acks_late=True)
def catalogue_import_validate(job_id: int) -> str:
    from erp.inventory.imports import import_job_validate

    return import_job_validate(job_id=job_id)


@shared_task(name="erp.inventory.tasks.catalogue_import_run", acks_late=True)
def catalogue_import_run(job_id: int) -> str:
    """One slice of the real run; re-enqueues itself until every row is processed (resumable after a crash)."""
    from erp.core.flags import enqueue_on_commit
    from erp.inventory.imports import import_job_run_slice

    status, more = import_job_run_slice(job_id=job_id)
    if more:
        enqueue_on_commit(catalogue_import_run, job_id)
    return status
