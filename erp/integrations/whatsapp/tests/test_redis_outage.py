"""With Redis (cache and broker) down, the bell and the webhook keep answering and nothing is lost."""

import json
import time
from typing import Any

import pytest

from erp.core.tests.test_health import PrivateRedis, cache_and_broker_at, private_redis  # noqa: F401 - fixtures
from erp.integrations.whatsapp.tests.conftest import _reset_pools
from erp.integrations.whatsapp.tests.test_whatsapp import _post, _status_body
from erp.notifications.services import notification_deliver
from erp.outbox import services as outbox_services
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_not_eager() -> Any:
    from config.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = False
    _reset_pools(app)
    outbox_services._broker_down_until = 0.0
    yield
    app.conf.task_always_eager = old
    _reset_pools(app)
    outbox_services._broker_down_until = 0.0


def test_bell_and_webhook_answer_while_redis_is_down(
    client: Any,
    seller_a: Any,
    cache_and_broker_at: PrivateRedis,  # noqa: F811 - fixture
    broker_not_eager: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    notification_deliver(
        idempotency_key="x", payload={"kind": "system", "priority": 20, "title": "t", "user_ids": [seller_a.pk]}
    )
    client.force_login(seller_a)
    assert client.get("/notifications/bell/").status_code == 200
    cache_and_broker_at.kill()

    response = client.get("/notifications/bell/")  # no version counter: answered from the database
    assert response.status_code == 200 and json.loads(response.content)["unread"] == 1

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        webhook = _post(client, _status_body("wamid.Z", "delivered"))
    elapsed = time.monotonic() - started
    assert webhook.status_code == 200
    assert elapsed < 3.0, f"the webhook waited {elapsed:.2f}s on the dead broker"
    event = OutboxEvent.objects.get(topic="whatsapp.webhook")
    assert event.status == "pending"  # kept in PostgreSQL until the broker is back; beat dispatches it then
