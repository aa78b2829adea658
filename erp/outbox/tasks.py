"""Thin tasks: the dispatcher (beat, every few seconds, and kicked on commit) and the per-event processor.

Their time limits (CELERY_TASK_ANNOTATIONS in config/settings/outbox.py) are below the broker's visibility timeout
and below the outbox lease, so a running task is never handed out twice by either.
"""

from celery import shared_task


@shared_task(name="erp.outbox.tasks.outbox_dispatch", ignore_result=True)
def outbox_dispatch() -> int:
    from erp.outbox.services import outbox_dispatch as dispatch

    return dispatch()


@shared_task(name="erp.outbox.tasks.outbox_process", ignore_result=True)
def outbox_process(event_id: int) -> str:
    from erp.outbox.services import outbox_process as process

    return process(event_id=event_id)


@shared_task(name="erp.outbox.tasks.outbox_purge_done", ignore_result=True)
def outbox_purge_done() -> int:
    from erp.outbox.services import outbox_purge_done as purge

    return purge()
