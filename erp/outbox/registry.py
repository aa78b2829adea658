"""Handlers per topic. Apps register theirs in `erp/<app>/handlers.py`, found like demo modules (app_modules).

A handler receives the event and must be idempotent: it may run more than once for one event (a re-delivered
task), so every side effect it writes is keyed by a unique idempotency key. It signals how a failure should be
treated by raising `RetryableError` (try again later, with backoff) or `PermanentError` (give up, show it).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from erp.core.discovery import app_modules

if TYPE_CHECKING:
    from erp.outbox.models import OutboxEvent

Handler = Callable[["OutboxEvent"], None]

_handlers: dict[str, Handler] = {}
_discovered = False


class RetryableError(Exception):
    """A temporary failure (timeout, 429, 5xx): the event is tried again after a backoff, or after `retry_after`."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(Exception):
    """Trying again cannot help (invalid number, template not approved): the event is marked failed at once."""


def register(topic: str) -> Callable[[Handler], Handler]:
    def decorator(fn: Handler) -> Handler:
        existing = _handlers.get(topic)
        if existing is not None and existing is not fn and existing.__qualname__ != fn.__qualname__:
            raise RuntimeError(f"outbox topic {topic!r} already has a handler: {existing!r}")
        _handlers[topic] = fn
        return fn

    return decorator


def discover() -> None:
    global _discovered
    if not _discovered:
        for _module in app_modules("handlers"):
            pass
        _discovered = True


def handler_for(topic: str) -> Handler | None:
    discover()
    return _handlers.get(topic)


def topics() -> list[str]:
    discover()
    return sorted(_handlers)
