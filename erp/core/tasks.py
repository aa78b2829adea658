from celery import shared_task


@shared_task(name="erp.core.tasks.export_job_run")
def export_job_run(job_id: int) -> str:
    """Build a background Excel export (erp/core/exportjobs.py); returns the job's final status."""
    from erp.core.exportjobs import export_job_run as run

    return run(job_id=job_id).status
