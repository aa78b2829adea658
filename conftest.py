"""Fixtures shared by every app's tests."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

pytest_plugins = ["erp.accounts.tests.fixtures"]

QUERY_BUDGET = 12


@pytest.fixture(autouse=True)
def _isolated_cache() -> None:
    """Tests share one Redis; each starts with an empty key space of its own (per xdist worker prefix)."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def query_budget() -> Callable[..., list[int]]:
    """Assert a page or endpoint stays within the query budget and does not grow with the data.

    `grow(n)` adds n more rows of what the page lists; `fetch()` makes the request and returns the response.
    The request is measured (after one warm-up) at `sizes` rows; counts must be equal and ≤ `limit`.
    `prepare()`, when given, runs unmeasured before each request (for example, logging in again before a logout).
    Returns the measured counts so callers can report them.
    """

    def check(
        grow: Callable[[int], Any],
        fetch: Callable[[], Any],
        *,
        sizes: tuple[int, int] = (10, 100),
        limit: int = QUERY_BUDGET,
        status: int = 200,
        prepare: Callable[[], Any] | None = None,
    ) -> list[int]:
        counts: list[int] = []
        have = 0
        captured: list[list[str]] = []
        for size in sizes:
            grow(size - have)
            have = size
            if prepare:
                prepare()
            warm = fetch()
            assert warm.status_code == status, f"warm-up answered {warm.status_code}: {warm.content[:300]!r}"
            if prepare:
                prepare()
            with CaptureQueriesContext(connection) as ctx:
                response = fetch()
            assert response.status_code == status, f"answered {response.status_code}"
            counts.append(len(ctx.captured_queries))
            captured.append([q["sql"] for q in ctx.captured_queries])
        detail = "\n".join(
            f"--- {n} rows: {c} queries\n" + "\n".join(s) for n, c, s in zip(sizes, counts, captured, strict=True)
        )
        assert max(counts) <= limit, f"over the budget of {limit}: {counts}\n{detail}"
        assert counts[0] == counts[1], f"query count grows with rows: {counts}\n{detail}"
        return counts

    return check
