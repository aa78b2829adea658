"""End to end with a real Celery worker (subprocess, embedded beat) and real Redis, against the fake Graph API.

These prove the outbox's promises: exactly one accepted send despite a timeout and a 503; nothing lost when a
worker is SIGKILLed mid-send and Redis restarts without persistence; permanent errors are not retried, show on the
failed page, and a retry from that page sends once.
"""

import json
from typing import Any

import pytest
from django.db import transaction

from erp.integrations.whatsapp.fake import Reply
from erp.integrations.whatsapp.models import WhatsAppMessage
from erp.integrations.whatsapp.services import whatsapp_queue_template
from erp.integrations.whatsapp.tests.conftest import wait_for
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _queue(key: str = "w1") -> WhatsAppMessage:
    with transaction.atomic():
        message = whatsapp_queue_template(
            event="welcome", phone="01012345678", params={"customer_name": "منى", "number": "C-1"}, idempotency_key=key
        )
    assert message is not None
    return message


def _status(message: WhatsAppMessage) -> str:
    message.refresh_from_db()
    return message.status


def test_delivered_exactly_once_after_a_timeout_and_a_503(whatsapp_on: Any, start_worker: Any) -> None:
    fake = whatsapp_on
    fake.script = [Reply.timeout(2.5), Reply(status=503), Reply(status=200)]
    start_worker()

    message = _queue()
    wait_for(lambda: _status(message) == "sent", what="the message to be sent")

    accepted = fake.accepted()
    assert len(accepted) == 1
    assert [r.status for r in fake.requests] == [504, 503, 200] or fake.received == 3
    assert message.provider_message_id == accepted[0].wamid
    assert message.attempts == 3
    body = accepted[0].body
    assert body["to"] == "201012345678" and body["template"]["name"] == "hu_welcome"
    assert [p["text"] for p in body["template"]["components"][0]["parameters"]] == ["منى", "C-1"]
    event = OutboxEvent.objects.get(idempotency_key="whatsapp:w1")
    assert event.status == "done" and event.attempts == 2
    # A re-delivered task for the same event does nothing.
    from erp.outbox.services import outbox_process

    OutboxEvent.objects.filter(pk=event.pk).update(status="pending")
    outbox_process(event_id=event.pk)
    assert len(fake.accepted()) == 1


def test_survives_a_killed_worker_and_a_redis_restart(
    whatsapp_on: Any, start_worker: Any, broker_for_tests: Any
) -> None:
    fake = whatsapp_on
    fake.script = [Reply(status=200, delay=3.0)]  # the first send hangs long enough to kill the worker mid-call
    first = start_worker(WHATSAPP_READ_TIMEOUT="10", OUTBOX_TASK_SOFT_TIME_LIMIT="12", OUTBOX_TASK_TIME_LIMIT="14")

    message = _queue("k1")
    wait_for(lambda: fake.received >= 1, what="the worker to start sending")
    first.kill()
    broker_for_tests.kill()  # Redis restarts without persistence: every queued task is gone
    late = _queue("k2")  # written while the broker is down: the on-commit kick fails fast, the row waits
    broker_for_tests.start()
    start_worker()

    wait_for(lambda: _status(message) == "sent" and _status(late) == "sent", timeout=60, what="both messages sent")
    assert WhatsAppMessage.objects.count() == 2
    # The killed call may have reached the provider (at-least-once at that boundary); what we recorded is the send
    # the surviving worker saw accepted, and the late message went out exactly once.
    wamids = {r.wamid for r in fake.accepted()}
    assert message.provider_message_id in wamids and late.provider_message_id in wamids
    assert sum(1 for r in fake.accepted() if r.body["to"] == "201012345678") == len(fake.accepted())
    assert OutboxEvent.objects.filter(status="done").count() == 2


def test_permanent_error_is_not_retried_and_a_retry_from_the_failed_page_sends_once(
    whatsapp_on: Any, start_worker: Any, client: Any, admin_user: Any
) -> None:
    fake = whatsapp_on
    fake.script = [Reply(status=400, error_code=132001)]  # template does not exist / not approved
    start_worker()

    message = _queue("p1")
    wait_for(lambda: _status(message) == "failed", what="the permanent failure")
    assert message.failure == "template" and message.error_code == "132001"
    event = OutboxEvent.objects.get(idempotency_key="whatsapp:p1")
    assert event.status == "failed" and "132001" in event.last_error
    import time

    time.sleep(2)  # several dispatcher runs later: still one request
    assert fake.received == 1

    client.force_login(admin_user)
    page = client.get("/tasks/?status=failed")
    assert page.status_code == 200
    assert b"whatsapp.send" in page.content and b"132001" in page.content

    response = client.post(f"/tasks/events/{event.pk}/retry/")
    assert response.status_code == 302
    wait_for(lambda: _status(message) == "sent", what="the retried send")
    time.sleep(1.5)
    assert fake.received == 2 and len(fake.accepted()) == 1
    event.refresh_from_db()
    assert event.status == "done"


def test_webhook_signature_idempotency_and_ordering_with_a_real_worker(
    start_worker: Any, client: Any, settings: Any
) -> None:
    """The webhook through the real worker: a bad signature stores nothing; statuses arriving out of order (read
    before delivered) end at read with both stamps; the same callback twice is queued once and applied once."""
    import time

    from erp.integrations.whatsapp.models import WhatsAppStatusReceipt
    from erp.integrations.whatsapp.tests.test_whatsapp import _post, _sign, _status_body

    message = WhatsAppMessage.objects.create(
        event="welcome",
        template_name="hu_welcome",
        language="ar",
        phone="+201012345678",
        status="sent",
        provider_message_id="wamid.RW",
        idempotency_key="rw",
    )
    start_worker()

    forged = _status_body("wamid.RW", "read")
    assert _post(client, forged, _sign(forged, "not-the-app-secret")).status_code == 403
    assert _post(client, forged, "").status_code == 403

    read = _status_body("wamid.RW", "read", ts=1_700_000_100)
    late = _status_body("wamid.RW", "delivered", ts=1_700_000_050)
    for body in (read, late, late):  # read first, then a late delivered, delivered twice
        assert _post(client, body).status_code == 200
    assert OutboxEvent.objects.filter(topic="whatsapp.webhook").count() == 2  # the repeated callback: queued once
    wait_for(
        lambda: OutboxEvent.objects.filter(topic="whatsapp.webhook", status="done").count() == 2,
        what="both callbacks applied",
    )
    # The same status in another callback body (Meta retries with new envelopes) is applied once as well.
    again = json.loads(late)
    again["entry"][0]["id"] = "WABA-2"
    assert _post(client, json.dumps(again).encode()).status_code == 200
    failed = _status_body("wamid.RW", "failed", ts=1_700_000_200)  # a failure report after read: no downgrade
    assert _post(client, failed).status_code == 200
    wait_for(
        lambda: OutboxEvent.objects.filter(topic="whatsapp.webhook", status="done").count() == 4,
        what="the later callbacks",
    )
    message.refresh_from_db()
    assert message.status == "read"
    assert message.delivered_at is not None and message.read_at is not None
    assert message.delivered_at < message.read_at  # each stamp from its own report, whatever the arrival order
    receipts = WhatsAppStatusReceipt.objects.filter(provider_message_id="wamid.RW")
    assert sorted(receipts.values_list("status", flat=True)) == ["delivered", "failed", "read"]
    time.sleep(1)
    assert not OutboxEvent.objects.exclude(status="done").exists()
