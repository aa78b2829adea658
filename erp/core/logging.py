"""The request id travels in a context variable (not a thread-local user) so every log line can carry it."""

import contextvars
import logging
from typing import Any

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """For handlers: guarantees the attribute even for records made before the factory was installed."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


def install_record_factory() -> None:
    """Stamp every log record with the current request id, whatever handler ends up writing it."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_erp_request_id", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = request_id_var.get()
        return record

    factory._erp_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
