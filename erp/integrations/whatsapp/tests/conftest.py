"""Fixtures for WhatsApp tests: the fake Graph API, WhatsApp switched on, and a real Celery worker."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.db import connection

from erp.integrations.whatsapp.fake import FakeGraphAPI
from erp.integrations.whatsapp.models import Event, WhatsAppSettings, WhatsAppTemplate

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture
def fake_graph() -> Iterator[FakeGraphAPI]:
    fake = FakeGraphAPI().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def whatsapp_on(settings: Any, fake_graph: FakeGraphAPI) -> FakeGraphAPI:
    """WhatsApp enabled for every event, with a template per event, talking to the fake Graph API."""
    settings.USE_WHATSAPP = True
    settings.WHATSAPP_API_BASE_URL = fake_graph.base_url
    settings.WHATSAPP_READ_TIMEOUT = 1.0
    settings.WHATSAPP_CONNECT_TIMEOUT = 1.0
    WhatsAppSettings.objects.create(
        is_enabled=True, phone_number_id="100200300", default_language="ar", enabled_events=list(Event.values)
    )
    WhatsAppTemplate.objects.bulk_create(
        WhatsAppTemplate(event=e, name=f"hu_{e.value}", parameters=["customer_name", "number"]) for e in Event
    )
    return fake_graph


def wait_for(condition: Callable[[], Any], *, timeout: float = 60.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    from erp.outbox.models import OutboxEvent

    state = list(OutboxEvent.objects.values("id", "topic", "status", "attempts", "available_at", "last_error"))
    pytest.fail(f"timed out after {timeout}s waiting for {what}; db {connection.settings_dict['NAME']}: {state}")


class RedisServer:
    """A private redis-server on a fixed loopback port that a test may kill and start again (no persistence)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        from erp.core.tests.test_health import _redis_server_binary

        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments, binary from our own environment
            [
                _redis_server_binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._ping, timeout=10, what=f"redis on {self.port}")

    def _ping(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping())
        except redis.ConnectionError:
            return False

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class Worker:
    """`celery -A config worker -B` in a subprocess (its own process group), against the test database."""

    def __init__(self, *, broker_url: str, tmp: Path, env: dict[str, str]) -> None:
        self.broker_url = broker_url
        self.tmp = tmp
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tmp / "worker.log"

    def start(self) -> "Worker":
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.django.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "OUTBOX_DISPATCH_SECONDS": "0.5",
            "OUTBOX_LEASE_SECONDS": "5",
            "OUTBOX_BACKOFF_BASE_SECONDS": "0.3",
            "OUTBOX_BACKOFF_MAX_SECONDS": "2",
            "USE_WHATSAPP": "true",
            "WHATSAPP_READ_TIMEOUT": "1",
            "WHATSAPP_CONNECT_TIMEOUT": "1",
            **self.env,
        }
        log = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-B",
                "-s",
                str(self.tmp / "beat-schedule"),
                "-Q",
                "default,messaging,imports",
                "--pool",
                "solo",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        """SIGKILL the worker and its embedded beat (the whole process group), as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def private_broker(tmp_path: Path) -> Iterator[RedisServer]:
    from erp.core.tests.test_health import _free_port

    server = RedisServer(_free_port())
    server.start()
    try:
        yield server
    finally:
        server.kill()


def _reset_pools(app: Any) -> None:
    """Forget pooled broker connections so the next publish connects to the (new) broker URL."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_for_tests(private_broker: RedisServer) -> Iterator[RedisServer]:
    """This process publishes (on-commit kicks, retries) to the private broker, not eagerly in-process."""
    from config.celery import app

    old = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.update(broker_url=private_broker.url, task_always_eager=False)
    _reset_pools(app)
    try:
        yield private_broker
    finally:
        app.conf.update(broker_url=old[0], task_always_eager=old[1])
        _reset_pools(app)


@pytest.fixture
def start_worker(
    broker_for_tests: RedisServer, fake_graph: FakeGraphAPI, tmp_path: Path
) -> Iterator[Callable[..., Worker]]:
    workers: list[Worker] = []

    def start(**env: str) -> Worker:
        env = {"WHATSAPP_API_BASE_URL": fake_graph.base_url, **env}
        worker = Worker(broker_url=broker_for_tests.url, tmp=tmp_path, env=env).start()
        workers.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()
        log = tmp_path / "worker.log"
        if log.exists():
            sys.stderr.write(log.read_text()[-4000:])
