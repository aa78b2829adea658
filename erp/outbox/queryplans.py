"""The task-health page's event list, for the query-plan check (erp/core/queryplans.py).

The page reads keyset pages of 50 + 1 outbox events by -id, filtered by status (failed by default, or all) and
optionally by topic; the health figures are one aggregate served by the partial indexes.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from erp.core.queryplans import PlanCheck
from erp.outbox import selectors
from erp.outbox.models import OutboxEvent

PAGE = 50  # views.task_health


def _topic() -> str:
    return OutboxEvent.objects.order_by("-id").values_list("topic", flat=True).first() or "whatsapp.send"


def _events(status: str, *, topic: bool = False) -> Callable[[Any], QuerySet[OutboxEvent]]:
    return lambda actor: selectors.event_list(status=status, topic=_topic() if topic else "").order_by("-id")[
        : PAGE + 1
    ]


S = OutboxEvent.Status

CHECKS: list[PlanCheck] = [
    PlanCheck("task health: failed events (default)", _events(S.FAILED)),
    PlanCheck("task health: pending events", _events(S.PENDING)),
    PlanCheck("task health: done events", _events(S.DONE)),
    PlanCheck("task health: all events", _events("")),
    PlanCheck("task health: all events of a topic", _events("", topic=True)),
    PlanCheck("task health: failed events of a topic", _events(S.FAILED, topic=True)),
]
