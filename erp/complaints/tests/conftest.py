from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _private_media(tmp_path: Any, settings: Any) -> None:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def delay_receiver() -> Iterator[list[Any]]:
    """A fake receiver of ``complaints.delay_candidates`` (installations' role), removed after the test."""
    from erp.core import hooks

    returned: list[Any] = []

    def receiver(*, today: Any, **_: Any) -> list[Any]:
        return list(returned)

    hooks.register("complaints.delay_candidates", receiver)
    yield returned
    hooks._HOOKS["complaints.delay_candidates"].remove(receiver)
