"""Complaint periodic jobs (the one beat schedule in config/settings/celery.py): thin wrappers over the services."""

from celery import shared_task


@shared_task(name="erp.complaints.tasks.complaints_mark_overdue", acks_late=True)
def complaints_mark_overdue() -> dict[str, int]:
    """Hourly: flag complaints past their deadlines (and escalate those past the threshold); idempotent."""
    from erp.complaints.services import complaints_mark_overdue as run

    return run()


@shared_task(name="erp.complaints.tasks.complaints_create_delay_complaints", acks_late=True)
def complaints_create_delay_complaints() -> int:
    """Daily: one automatic complaint per late order or installation, never two open for the same delay."""
    from erp.complaints.services import complaints_create_delay_complaints as run

    return len(run())
