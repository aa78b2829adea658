"""The Celery contract of the foundation issue, checked against the live app configuration."""

from config.celery import app


def test_limits_and_serialisation() -> None:
    conf = app.conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_acks_late is True and conf.task_reject_on_worker_lost is True
    assert (conf.task_soft_time_limit, conf.task_time_limit) == (600, 660)
    assert conf.worker_max_memory_per_child == 256 * 1024
    assert conf.worker_max_tasks_per_child == 100
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


def test_beat_schedule_names_registered_tasks_on_consumed_queues() -> None:
    app.loader.import_default_modules()
    queues = {q.name for q in app.conf.task_queues}
    assert queues == {"default", "messaging", "imports"}
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_documented_worker_command_consumes_every_queue() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    line = next(ln for ln in readme.splitlines() if "celery -A config worker" in ln)
    consumed = set(line.split("-Q", 1)[1].split()[0].split(","))
    assert consumed == {q.name for q in app.conf.task_queues}


def test_routes_send_each_task_to_its_queue() -> None:
    """Queues come from CELERY_TASK_ROUTES alone (the `queue` task attribute is deprecated in Celery 6)."""
    app.loader.import_default_modules()
    router = app.amqp.router

    def queue_of(name: str) -> str:
        route = router.route({}, name)
        return str(route["queue"].name)

    assert queue_of("erp.inventory.tasks.catalogue_import_validate") == "imports"
    assert queue_of("erp.inventory.tasks.catalogue_import_run") == "imports"
    assert queue_of("erp.outbox.tasks.outbox_process") == "messaging"
    assert queue_of("erp.outbox.tasks.outbox_dispatch") == "messaging"
    assert queue_of("erp.accounts.tasks.api_tokens_purge") == "default"
    assert not [name for name, task in app.tasks.items() if name.startswith("erp.") and getattr(task, "queue", None)]
