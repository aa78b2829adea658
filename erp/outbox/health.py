"""The outbox's part of /readyz: queue depth, oldest pending event, failures in the last day (detail only)."""

from typing import Any


def readiness_detail() -> dict[str, Any]:
    from erp.outbox.selectors import outbox_health, queue_depths

    return {"outbox": outbox_health().as_dict(), "queues": queue_depths()}
