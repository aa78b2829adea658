"""The demo data of this issue: templates, messages in every status, notifications for the demo users."""

import io

import pytest
from django.core.management import call_command

from erp.integrations.whatsapp.models import Event, WhatsAppMessage, WhatsAppTemplate
from erp.notifications.models import Kind, NotificationRecipient
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_demo_has_templates_every_status_and_notifications() -> None:
    call_command("demo_data", size="small", seed=3, stdout=io.StringIO())
    assert set(WhatsAppTemplate.objects.values_list("event", flat=True)) == set(Event.values)
    assert set(WhatsAppMessage.objects.values_list("status", flat=True)) == set(WhatsAppMessage.Status.values)
    failed = WhatsAppMessage.objects.filter(status="failed").count()
    assert OutboxEvent.objects.filter(status="failed").count() == failed
    kinds = set(NotificationRecipient.objects.values_list("kind", flat=True))
    assert kinds == set(Kind.values)
    # The demo logins see notifications: the sales manager always, the factory manager for factory events.
    assert NotificationRecipient.objects.filter(user__username="sales_manager").exists()
    assert NotificationRecipient.objects.filter(user__username="factory_manager", kind=Kind.FACTORY).exists()
