"""Liveness and readiness probes, including a real Redis outage.

The readiness test starts a private redis-server (binary from ERP_REDIS_SERVER, which bin/test exports, or PATH),
points the cache and the Celery broker at it, kills it, and checks that /readyz reports the outage quickly while
the pages people use keep working (sessions are cached_db, so they fall back to PostgreSQL).
"""

import copy
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings
from django.test import override_settings

from config.celery import app as celery_app
from erp.accounts.models import User

PASSWORD = "Correct-Horse-42"
SLOW_LIMIT_SECONDS = 3.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _redis_server_binary() -> str:
    binary = os.environ.get("ERP_REDIS_SERVER") or shutil.which("redis-server")
    if not binary:
        pytest.fail("redis-server not found: run the suite with bin/test (it installs and exports ERP_REDIS_SERVER)")
    return binary


class PrivateRedis:
    """A redis-server of this test's own, on a free loopback port, that the test may kill."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
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
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.kill()
                    pytest.fail(f"private redis-server did not start on port {self.port}")
                time.sleep(0.05)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def cache_and_broker_at(private_redis: PrivateRedis) -> Iterator[PrivateRedis]:
    """Point the Django cache and the Celery broker at the private Redis for the duration of the test."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = private_redis.url
    # The Celery app reads its configuration once; override it as well and restore it afterwards.
    old_broker_url = celery_app.conf.broker_url
    # override_settings(CACHES=...) resets django.core.cache.caches, so the next access builds a new client.
    with override_settings(CACHES=caches, CELERY_BROKER_URL=private_redis.url):
        celery_app.conf.update(broker_url=private_redis.url)
        try:
            yield private_redis
        finally:
            celery_app.conf.update(broker_url=old_broker_url)


def _get_readyz(client: Any) -> tuple[Any, dict[str, Any], float]:
    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started
    assert response["Content-Type"].startswith("application/json")
    return response, json.loads(response.content), elapsed


def _assert_no_secrets(body: bytes, *, redis_port: int | None = None) -> None:
    text = body.decode()
    for needle in ("redis://", "postgres://", "postgresql://", "password", settings.SECRET_KEY):
        assert needle not in text, f"readyz leaks {needle!r}: {text}"
    db = settings.DATABASES["default"]
    if db.get("PASSWORD"):
        assert str(db["PASSWORD"]) not in text
    if redis_port is not None:
        assert f":{redis_port}" not in text, f"readyz leaks the Redis address: {text}"


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ready_when_postgres_and_redis_are_up(client: Any) -> None:
    response, body, elapsed = _get_readyz(client)

    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "broker": True,
    }
    assert elapsed < SLOW_LIMIT_SECONDS
    _assert_no_secrets(response.content)


@pytest.mark.django_db
def test_readyz_reports_a_redis_outage_while_pages_keep_working(client: Any, cache_and_broker_at: PrivateRedis) -> None:
    user = User.objects.create_user(username="outage", password=PASSWORD)

    response, body, _ = _get_readyz(client)
    assert response.status_code == 200, body

    cache_and_broker_at.kill()

    response, body, elapsed = _get_readyz(client)
    assert response.status_code == 503, body
    assert body["status"] == "down"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["broker"]["ok"] is False
    assert elapsed < SLOW_LIMIT_SECONDS, f"readyz took {elapsed:.2f}s with Redis down: {body}"
    _assert_no_secrets(response.content, redis_port=cache_and_broker_at.port)

    # People can still sign in and work: sessions fall back to the database, the cache is skipped.
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user == user
