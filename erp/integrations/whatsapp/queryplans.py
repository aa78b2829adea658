"""The WhatsApp message log's filters, for the query-plan check (erp/core/queryplans.py).

The log page reads keyset pages of 50 + 1 messages by -id, filtered by status, event and phone (exact, E.164).
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from erp.core.queryplans import PlanCheck
from erp.integrations.whatsapp import selectors
from erp.integrations.whatsapp.models import Event, WhatsAppMessage

PAGE = 50  # views.message_list


def _phone() -> str:
    return WhatsAppMessage.objects.order_by("-id").values_list("phone", flat=True).first() or "+201000000000"


def _messages(filters: Callable[[], dict[str, str]]) -> Callable[[Any], QuerySet[WhatsAppMessage]]:
    return lambda actor: selectors.message_list(**filters()).order_by("-id")[: PAGE + 1]


S = WhatsAppMessage.Status

CHECKS: list[PlanCheck] = [
    PlanCheck("whatsapp log: no filter", _messages(dict)),
    PlanCheck("whatsapp log: status", _messages(lambda: {"status": S.FAILED.value})),
    PlanCheck("whatsapp log: event", _messages(lambda: {"event": Event.ORDER_CREATED.value})),
    PlanCheck("whatsapp log: phone", _messages(lambda: {"phone": _phone()})),
    PlanCheck(
        "whatsapp log: status + event", _messages(lambda: {"status": S.SENT.value, "event": Event.WELCOME.value})
    ),
    PlanCheck("whatsapp log: status + phone", _messages(lambda: {"status": S.DELIVERED.value, "phone": _phone()})),
]
