"""Feature flags of the roadmap's rollback plan, read at call time so tests can flip them."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction


def caching_enabled() -> bool:
    return bool(settings.FEATURE_CACHING)


def rate_limits_enabled() -> bool:
    return bool(settings.FEATURE_RATE_LIMITS)


def async_side_effects_enabled() -> bool:
    return bool(settings.FEATURE_ASYNC_SIDE_EFFECTS)


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Schedule `task` after the current transaction commits.

    With asynchronous side effects on, the task goes to the broker; switched off, it runs in-process after commit
    (never inside the transaction), which is the rollback plan if the broker misbehaves. `robust`: a broker that is
    down when the transaction has already committed is logged, not raised into the finished request.
    """
    call: Callable[[], Any]
    if async_side_effects_enabled():
        call = lambda: task.delay(*args, **kwargs)  # noqa: E731
    else:
        call = lambda: task.apply(args=args, kwargs=kwargs)  # noqa: E731
    transaction.on_commit(call, robust=True)
