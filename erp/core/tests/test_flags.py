"""The roadmap's rollback flags: caching, rate limits (see accounts API tests) and async side effects."""

from unittest import mock

import pytest
from django.db import transaction
from django.test import override_settings

from erp.core.cache import bump_namespace, cached
from erp.core.flags import enqueue_on_commit


@pytest.mark.parametrize("enabled", [True, False])
def test_caching_flag(enabled: bool) -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    with override_settings(FEATURE_CACHING=enabled):
        first = cached("flagtest", "k", compute)
        second = cached("flagtest", "k", compute)
    if enabled:
        assert (first, second, len(calls)) == (1, 1, 1)
    else:
        assert (first, second, len(calls)) == (1, 2, 2)


def test_bumping_a_namespace_invalidates_it() -> None:
    values = iter([1, 2])
    assert cached("bumptest", "k", lambda: next(values)) == 1
    assert cached("bumptest", "k", lambda: 99) == 1
    bump_namespace("bumptest")
    assert cached("bumptest", "k", lambda: next(values)) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("enabled", [True, False])
def test_async_side_effects_flag(enabled: bool) -> None:
    task = mock.Mock()
    with override_settings(FEATURE_ASYNC_SIDE_EFFECTS=enabled), transaction.atomic():
        enqueue_on_commit(task, 7, reason="x")
        task.delay.assert_not_called()  # never inside the transaction
        task.apply.assert_not_called()
    if enabled:
        task.delay.assert_called_once_with(7, reason="x")
        task.apply.assert_not_called()
    else:
        task.apply.assert_called_once_with(args=(7,), kwargs={"reason": "x"})
        task.delay.assert_not_called()


@pytest.mark.django_db(transaction=True)
def test_rolled_back_work_sends_nothing() -> None:
    task = mock.Mock()
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(task, 1)
        raise RuntimeError("rollback")
    task.delay.assert_not_called()


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_after_commit_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    task = mock.Mock()
    task.delay.side_effect = ConnectionError("redis down")
    with override_settings(FEATURE_ASYNC_SIDE_EFFECTS=True), transaction.atomic():
        enqueue_on_commit(task, 3)
    task.delay.assert_called_once_with(3)  # tried once after commit; the committed work stands
    assert "redis down" in caplog.text
