"""Last seen and idle timeout, written at most once per interval: an ordinary request writes nothing."""

import time
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from erp.accounts.models import User

pytestmark = pytest.mark.django_db


def writes(ctx: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]


def test_last_seen_written_once_per_interval(client: Client, seller_a: User) -> None:
    client.force_login(seller_a)
    client.get("/")
    seller_a.refresh_from_db()
    first = seller_a.last_seen
    assert first is not None
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(3):
            assert client.get("/").status_code == 200
    assert writes(ctx) == []  # no session write, no last-seen write
    later = time.time() + 301
    with (
        mock.patch("erp.accounts.middleware.time.time", return_value=later),
        mock.patch(
            "erp.accounts.middleware.timezone.now", return_value=first.__class__.fromtimestamp(later, tz=first.tzinfo)
        ),
    ):
        client.get("/")
    seller_a.refresh_from_db()
    assert seller_a.last_seen is not None and seller_a.last_seen > first


def test_idle_session_is_ended(client: Client, seller_a: User, settings: object) -> None:
    client.force_login(seller_a)
    assert client.get("/").status_code == 200
    later = time.time() + 60 * 60 * 9
    with mock.patch("erp.accounts.middleware.time.time", return_value=later):
        response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
