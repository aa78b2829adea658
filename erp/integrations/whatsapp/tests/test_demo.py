"""The demo data of this issue: templates, messages in every status, notifications for the demo users.

The generators are run directly on a few users (the whole `demo_data` command is covered by erp/core's test).
"""

import io
import random

import pytest

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.accounts.tests.factories import UserFactory
from erp.core.demodata import DemoContext
from erp.integrations.whatsapp import demo as whatsapp_demo
from erp.integrations.whatsapp.models import Event, WhatsAppMessage, WhatsAppSettings, WhatsAppTemplate
from erp.notifications import demo as notifications_demo
from erp.notifications.models import Kind, NotificationRecipient
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_demo_has_templates_every_status_and_notifications(branch_a: Branch) -> None:
    UserFactory.create(username="sales_manager", branch=branch_a, roles=[RoleKey.SALES_MANAGER])
    UserFactory.create(username="factory_manager", branch=branch_a, roles=[RoleKey.FACTORY_MANAGER])
    User.objects.create_superuser(username="admin", password="x-Long-Password-1", branch=branch_a)
    ctx = DemoContext(size="small", rng=random.Random(3), stdout=io.StringIO(), shared={"branches": [branch_a]})  # noqa: S311
    notifications_demo.generate(ctx)
    whatsapp_demo.generate(ctx)

    assert set(WhatsAppTemplate.objects.values_list("event", flat=True)) == set(Event.values)
    # Every event the business sends is switched on, and each template names its parameters.
    config = WhatsAppSettings.objects.get()
    assert set(config.enabled_events) == set(whatsapp_demo.SENT_EVENTS)
    scheduled = WhatsAppTemplate.objects.get(event=Event.INSPECTION_SCHEDULED)
    assert scheduled.parameters == ["customer_name", "inspection_date", "inspection_time"]
    assert set(WhatsAppMessage.objects.values_list("status", flat=True)) == set(WhatsAppMessage.Status.values)
    failed = WhatsAppMessage.objects.filter(status="failed").count()
    assert OutboxEvent.objects.filter(status="failed").count() == failed
    assert set(NotificationRecipient.objects.values_list("kind", flat=True)) == set(Kind.values)
    # The demo logins see notifications: the sales manager always, the factory manager for factory events.
    assert NotificationRecipient.objects.filter(user__username="sales_manager").exists()
    assert NotificationRecipient.objects.filter(user__username="factory_manager", kind=Kind.FACTORY).exists()
