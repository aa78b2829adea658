"""Creating a customer notifies the branch and queues the WhatsApp welcome, in the same transaction."""

from typing import Any

import pytest

from erp.accounts.models import Branch, User
from erp.customers import services
from erp.customers.tests import factories
from erp.integrations.whatsapp.models import WhatsAppMessage, WhatsAppSettings, WhatsAppTemplate
from erp.notifications.models import Notification
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_creation_notifies_and_welcomes(seller_a: User, branch_a: Branch, settings: Any) -> None:
    settings.USE_WHATSAPP = True
    WhatsAppSettings.objects.update_or_create(pk=1, defaults={"is_enabled": True, "enabled_events": ["welcome"]})
    WhatsAppTemplate.objects.create(event="welcome", name="welcome_ar", language="ar", parameters=["customer_name"])
    customer = services.customer_create(
        actor=seller_a, branch=branch_a, name="سارة", customer_type=factories.customer_type(), phone="01012345678"
    )
    assert OutboxEvent.objects.filter(idempotency_key=f"notification:customer:{customer.pk}:created").exists()
    message = WhatsAppMessage.objects.get()
    assert (message.phone, message.params, message.event) == ("+201012345678", ["سارة"], "welcome")


def test_a_refused_customer_leaves_no_side_effect(seller_a: User, branch_a: Branch) -> None:
    with pytest.raises(Exception):  # noqa: B017,PT011 - the invalid phone's ValidationError
        services.customer_create(
            actor=seller_a, branch=branch_a, name="x", customer_type=factories.customer_type(), phone="123"
        )
    assert not OutboxEvent.objects.exists() and not Notification.objects.exists()
