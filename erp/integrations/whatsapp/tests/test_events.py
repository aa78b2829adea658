"""The business events that send WhatsApp messages (B §7.1), through the real services: each switchable in the
settings, queued in the business transaction and sent only after commit; "inspection scheduled" once per scheduling
(a new day or time, or a scheduling after a postponement, sends again; saving the same slot does not)."""

from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.customers import services as customer_services
from erp.customers.tests import factories as customer_factories
from erp.inspections import services as inspections
from erp.inspections.models import Inspection
from erp.inspections.tests import factories as inspection_factories
from erp.installations.tests import factories as installation_factories
from erp.integrations.whatsapp.fake import FakeGraphAPI
from erp.integrations.whatsapp.models import Event, WhatsAppMessage, WhatsAppSettings, WhatsAppTemplate
from erp.orders.models import Order
from erp.orders.tests import factories as order_factories
from erp.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db
TOMORROW = timezone.localdate() + timedelta(days=1)
INSPECTION_PARAMS = ["customer_name", "inspection_number", "inspection_date", "inspection_time"]


@pytest.fixture
def shop(branch_a: Branch) -> order_factories.Shop:
    return order_factories.shop(branch=branch_a, fabrics=2)


@pytest.fixture
def insp_manager(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.INSPECTION_MANAGER, branch=branch_a, username="wa_insp_manager")


@pytest.fixture
def tech(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.INSPECTION_TECHNICIAN, branch=branch_a, username="wa_tech")


@pytest.fixture
def tech2(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.INSPECTION_TECHNICIAN, branch=branch_a, username="wa_tech2")


@pytest.fixture
def installer(make_user: Callable[..., User], branch_a: Branch) -> User:
    return make_user(RoleKey.INSTALLATION_MANAGER, branch=branch_a, username="wa_installer")


@pytest.fixture
def inspection_templates(whatsapp_on: FakeGraphAPI) -> FakeGraphAPI:
    WhatsAppTemplate.objects.filter(event=Event.INSPECTION_SCHEDULED).update(parameters=INSPECTION_PARAMS)
    WhatsAppTemplate.objects.filter(event=Event.INSPECTION_COMPLETED).update(
        parameters=["customer_name", "inspection_number"]
    )
    return whatsapp_on


def _schedule(
    inspection: Inspection, actor: User, technician: User, *, day: Any = None, at: time = time(11, 30)
) -> Any:
    return inspections.inspection_schedule(
        inspection=inspection, actor=actor, scheduled_date=day or TOMORROW, scheduled_time=at, technician=technician
    )


def _sent(event: str) -> list[WhatsAppMessage]:
    return list(WhatsAppMessage.objects.filter(event=event).order_by("pk"))


def test_inspection_scheduled_is_queued_once_per_scheduling(
    inspection_templates: FakeGraphAPI, shop: Any, insp_manager: User, tech: User, tech2: User
) -> None:
    inspection = inspection_factories.inspection(customer=shop.customer, creator=insp_manager)
    _schedule(inspection, insp_manager, tech)
    (first,) = _sent(Event.INSPECTION_SCHEDULED)
    customer = shop.customer
    assert first.phone == customer.phone and first.status == "pending"
    assert first.params == [customer.name, inspection.number, TOMORROW.isoformat(), "11:30"]
    assert (first.related_type, first.related_id) == ("inspections.inspection", inspection.pk)
    assert OutboxEvent.objects.filter(topic="whatsapp.send", payload={"message_id": first.pk}).count() == 1

    # Saving the same slot again (another technician, a reason) is not a new scheduling: nothing more is queued.
    inspections.inspection_schedule(
        inspection=inspection,
        actor=insp_manager,
        scheduled_date=TOMORROW,
        scheduled_time=time(11, 30),
        technician=tech2,
        reason="تغيير الفني",
    )
    assert len(_sent(Event.INSPECTION_SCHEDULED)) == 1

    # A new time, then a new day, then back to the first slot: each is a new scheduling the customer must hear of.
    _schedule(inspection, insp_manager, tech2, at=time(14, 0))
    _schedule(inspection, insp_manager, tech2, day=TOMORROW + timedelta(days=2), at=time(14, 0))
    _schedule(inspection, insp_manager, tech2)
    slots = [(m.params[2], m.params[3]) for m in _sent(Event.INSPECTION_SCHEDULED)]
    day2 = (TOMORROW + timedelta(days=2)).isoformat()
    assert slots == [
        (TOMORROW.isoformat(), "11:30"),
        (TOMORROW.isoformat(), "14:00"),
        (day2, "14:00"),
        (TOMORROW.isoformat(), "11:30"),
    ]

    # Postponed by the customer, then scheduled again (even to the same slot): a new scheduling.
    inspections.inspection_postpone(inspection=inspection, actor=insp_manager, reason="العميل مسافر")
    _schedule(inspection, insp_manager, tech2)
    assert len(_sent(Event.INSPECTION_SCHEDULED)) == 5
    keys = [m.idempotency_key for m in _sent(Event.INSPECTION_SCHEDULED)]
    assert len(set(keys)) == 5 and all(k.startswith(f"inspection:{inspection.pk}:whatsapp-scheduled:") for k in keys)


def test_inspection_completed_is_queued_once(
    inspection_templates: FakeGraphAPI, shop: Any, seller_a: User, insp_manager: User, tech: User
) -> None:
    order = order_factories.place(
        shop, seller_a, order_type=Order.Type.INSPECTION, items=[order_factories.item(shop.service, "1")]
    )
    inspection = Inspection.objects.get(order=order)
    _schedule(inspection, insp_manager, tech)
    inspections.inspection_start(inspection=inspection, actor=tech)
    assert _sent(Event.INSPECTION_COMPLETED) == []
    inspections.inspection_complete(
        inspection=inspection, actor=tech, result="passed", windows_count=4, payment_status="paid"
    )
    (message,) = _sent(Event.INSPECTION_COMPLETED)
    assert message.params == [shop.customer.name, inspection.number]  # the template's parameters, in order
    assert message.idempotency_key == f"inspection:{inspection.pk}:whatsapp-completed"
    # The same completion queued again (a re-run of the side effect) is the same message: the key is unique.
    inspection.refresh_from_db()
    inspections._whatsapp(inspection, "completed", key="whatsapp-completed")
    assert len(_sent(Event.INSPECTION_COMPLETED)) == 1
    assert OutboxEvent.objects.filter(idempotency_key=f"whatsapp:{message.idempotency_key}").count() == 1


def test_installation_scheduled_is_queued_once_per_scheduled_day(
    whatsapp_on: FakeGraphAPI, shop: Any, installer: User, branch_a: Branch
) -> None:
    from erp.installations import services as installations

    installation = installation_factories.installation(shop, installer)  # scheduled for tomorrow
    assert len(_sent(Event.INSTALLATION_SCHEDULED)) == 1
    same_day = installation_factories.crew(branch=branch_a, day=installation.scheduled_date)
    installations.installation_reschedule(actor=installer, installation=installation, crew=same_day)
    assert len(_sent(Event.INSTALLATION_SCHEDULED)) == 1  # another team on the same day: the customer knows
    for day in (TOMORROW + timedelta(days=3), TOMORROW):  # another day, then back to the first one
        crew = installation_factories.crew(branch=branch_a, day=day)
        installations.installation_reschedule(actor=installer, installation=installation, crew=crew)
    assert len(_sent(Event.INSTALLATION_SCHEDULED)) == 3
    assert len({m.idempotency_key for m in _sent(Event.INSTALLATION_SCHEDULED)}) == 3


# ---------------------------------------------------------------------------------------------------------------
# Every event of B §7.1 is switchable


def _customer_created(ctx: dict[str, Any]) -> None:
    customer_services.customer_create(
        actor=ctx["seller"],
        branch=ctx["branch"],
        name="سارة",
        customer_type=customer_factories.customer_type(),
        phone="01012345678",
    )


def _order_placed(ctx: dict[str, Any]) -> None:
    order_factories.place(ctx["shop"], ctx["seller"])


def _inspection_scheduled(ctx: dict[str, Any]) -> None:
    inspection = inspection_factories.inspection(customer=ctx["shop"].customer, creator=ctx["insp_manager"])
    _schedule(inspection, ctx["insp_manager"], ctx["tech"])


def _inspection_completed(ctx: dict[str, Any]) -> None:
    inspection = inspection_factories.inspection(
        customer=ctx["shop"].customer, creator=ctx["insp_manager"], status="in_progress", technician=ctx["tech"]
    )
    inspections.inspection_complete(
        inspection=inspection, actor=ctx["tech"], result="failed", windows_count=2, payment_status="paid", reason="x"
    )


def _installation_scheduled(ctx: dict[str, Any]) -> None:
    installation_factories.installation(ctx["shop"], ctx["installer"])


def _installation_completed(ctx: dict[str, Any]) -> None:
    installation_factories.installation(ctx["shop"], ctx["installer"], status="completed")


TRIGGERS: dict[str, Callable[[dict[str, Any]], None]] = {
    Event.WELCOME: _customer_created,
    Event.ORDER_CREATED: _order_placed,
    Event.INSPECTION_SCHEDULED: _inspection_scheduled,
    Event.INSPECTION_COMPLETED: _inspection_completed,
    Event.INSTALLATION_SCHEDULED: _installation_scheduled,
    Event.INSTALLATION_COMPLETED: _installation_completed,
}


@pytest.fixture
def ctx(shop: Any, seller_a: User, branch_a: Branch, insp_manager: User, tech: User, installer: User) -> dict[str, Any]:
    return {
        "shop": shop,
        "seller": seller_a,
        "branch": branch_a,
        "insp_manager": insp_manager,
        "tech": tech,
        "installer": installer,
    }


@pytest.mark.parametrize("event", list(TRIGGERS))
def test_each_event_sends_when_switched_on(whatsapp_on: FakeGraphAPI, ctx: dict[str, Any], event: str) -> None:
    WhatsAppSettings.objects.update(enabled_events=[event])
    TRIGGERS[event](ctx)
    assert set(WhatsAppMessage.objects.values_list("event", flat=True)) == {event}
    assert WhatsAppMessage.objects.filter(event=event).count() == 1


@pytest.mark.parametrize("event", list(TRIGGERS))
def test_each_event_switched_off_sends_nothing(whatsapp_on: FakeGraphAPI, ctx: dict[str, Any], event: str) -> None:
    WhatsAppSettings.objects.update(enabled_events=[e for e in Event.values if e != event])
    TRIGGERS[event](ctx)
    assert not WhatsAppMessage.objects.filter(event=event).exists()
    # Every send queued is one of the other (enabled) events' messages: nothing was queued for this one.
    sends = sorted(e.payload["message_id"] for e in OutboxEvent.objects.filter(topic="whatsapp.send"))
    assert sends == sorted(WhatsAppMessage.objects.values_list("pk", flat=True))


def test_a_switched_off_template_or_whatsapp_sends_nothing(whatsapp_on: FakeGraphAPI, ctx: dict[str, Any]) -> None:
    WhatsAppTemplate.objects.filter(event=Event.INSPECTION_SCHEDULED).update(is_active=False)
    _inspection_scheduled(ctx)
    WhatsAppTemplate.objects.update(is_active=True)
    WhatsAppSettings.objects.update(is_enabled=False)
    _inspection_scheduled(ctx)
    assert not WhatsAppMessage.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# Nothing is sent inside the business transaction


@pytest.mark.django_db(transaction=True)
def test_inspection_messages_go_out_only_after_commit(
    inspection_templates: FakeGraphAPI, shop: Any, insp_manager: User, tech: User
) -> None:
    fake = inspection_templates
    inspection = inspection_factories.inspection(customer=shop.customer, creator=insp_manager)
    with transaction.atomic():
        _schedule(inspection, insp_manager, tech)
        (queued,) = _sent(Event.INSPECTION_SCHEDULED)
        assert queued.status == "pending" and fake.received == 0  # queued with the change, not sent
    # After commit the outbox sends it (in-process here: the test settings run tasks eagerly; test_worker.py
    # proves the same with a real worker).
    queued.refresh_from_db()
    assert queued.status == "sent" and fake.received == 1
    body = fake.accepted()[0].body
    assert body["template"]["name"] == "hu_inspection_scheduled"
    assert [p["text"] for p in body["template"]["components"][0]["parameters"]][2:] == [TOMORROW.isoformat(), "11:30"]

    with transaction.atomic():
        inspections.inspection_start(inspection=inspection, actor=tech)
        inspections.inspection_complete(
            inspection=inspection, actor=tech, result="passed", windows_count=3, payment_status="paid"
        )
        assert fake.received == 1
    (done,) = _sent(Event.INSPECTION_COMPLETED)
    assert done.status == "sent" and fake.received == 2


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_once_per_scheduling_and_only_after_commit(
    inspection_templates: FakeGraphAPI, start_worker: Any, shop: Any, insp_manager: User, tech: User, tech2: User
) -> None:
    import time as clock

    from erp.integrations.whatsapp.tests.conftest import wait_for

    fake = inspection_templates
    start_worker()
    inspection = inspection_factories.inspection(customer=shop.customer, creator=insp_manager)
    with transaction.atomic():
        _schedule(inspection, insp_manager, tech)
        clock.sleep(1.5)  # three dispatcher runs: the uncommitted message is invisible to the worker
        assert fake.received == 0
    wait_for(lambda: len(fake.accepted()) == 1, what="the scheduled message")

    _schedule(inspection, insp_manager, tech2)  # the same slot saved again: not a new scheduling
    _schedule(inspection, insp_manager, tech2, at=time(16, 45))  # a new time: a new scheduling
    wait_for(lambda: len(fake.accepted()) == 2, what="the rescheduled message")
    clock.sleep(1.5)
    assert fake.received == 2
    times = [r.body["template"]["components"][0]["parameters"][3]["text"] for r in fake.accepted()]
    assert times == ["11:30", "16:45"]
    assert set(WhatsAppMessage.objects.values_list("status", flat=True)) == {"sent"}
