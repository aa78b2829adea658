"""Notifications through a real Celery worker and a real Redis broker: a business change emits in its transaction,
the worker computes the recipients once after commit, and exactly B §5.13's people get it, once."""

from typing import Any

import pytest
from django.db import transaction

from erp.accounts.models import Branch, User
from erp.customers import services as customer_services
from erp.customers.tests import factories as customer_factories
from erp.integrations.whatsapp.tests.conftest import (  # noqa: F401 - fixtures
    broker_for_tests,
    fake_graph,
    private_broker,
    start_worker,
    wait_for,
)
from erp.notifications.models import Kind, Notification, NotificationRecipient
from erp.notifications.tests.test_notifications import EXPECTED
from erp.outbox.models import OutboxEvent
from erp.outbox.services import outbox_process

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_customer_reaches_exactly_its_recipients_through_the_worker(
    staff: dict[str, User],
    branch_a: Branch,
    start_worker: Any,  # noqa: F811 - fixture
) -> None:
    start_worker()
    with transaction.atomic():
        customer = customer_services.customer_create(
            actor=staff["seller_a"],
            branch=branch_a,
            name="نادية",
            customer_type=customer_factories.customer_type(),
            phone="01012345679",
        )
        assert not Notification.objects.exists()  # only the outbox row, in the business transaction
    note = wait_for(lambda: Notification.objects.filter(event="customer_created").first(), what="the notification")
    by_id = {u.pk: name for name, u in staff.items()}
    got = {by_id[i] for i in NotificationRecipient.objects.filter(notification=note).values_list("user_id", flat=True)}
    assert got == EXPECTED[Kind.CUSTOMER]  # the creator (a salesperson of the branch) is among them
    assert note.kind == Kind.CUSTOMER and note.link.endswith(f"/{customer.code}/")

    # A re-delivered task for the same event writes nothing twice.
    event = OutboxEvent.objects.get(idempotency_key=f"notification:customer:{customer.pk}:created")
    wait_for(lambda: OutboxEvent.objects.get(pk=event.pk).status == "done", what="the event to be done")
    OutboxEvent.objects.filter(pk=event.pk).update(status="pending")
    outbox_process(event_id=event.pk)
    assert Notification.objects.count() == 1
    assert NotificationRecipient.objects.filter(notification=note).count() == len(EXPECTED[Kind.CUSTOMER])
