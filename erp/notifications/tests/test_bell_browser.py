"""The bell's polling in a real browser (system Chromium, Playwright, a fake clock): one light request when a page
opens, none when another page opens within the minute, then at most one a minute with the last ETag (answered
304), none while the tab is hidden, and one as soon as it is visible again."""

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from erp.accounts.models import User
from erp.core.testing.browser import logged_in_page

pytestmark = pytest.mark.django_db(transaction=True)
BELL = "/notifications/bell/"


@pytest.fixture
def tab(live_server: Any, make_user: Any) -> Iterator[tuple[Page, list[dict[str, Any]]]]:
    """A logged-in tab with a fake clock, and the log of its bell requests (headers and answers)."""
    user: User = make_user()
    with logged_in_page(live_server.url, user) as page:
        page.clock.install()
        log: list[dict[str, Any]] = []
        page.on(
            "response",
            lambda r: (
                log.append({"status": r.status, "etag_sent": r.request.headers.get("if-none-match")})
                if r.url.endswith(BELL)
                else None
            ),
        )
        page.goto(f"{live_server.url}/accounts/password/", wait_until="load")
        yield page, log


def _settle(page: Page, log: list[dict[str, Any]], count: int) -> None:
    """Wait (real time) until `count` bell answers arrived, then a little longer to catch any extra one."""
    for _ in range(50):
        if len(log) >= count:
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)
    assert len(log) == count, log


def _hide(page: Page, hidden: bool) -> None:
    page.evaluate(
        """(hidden) => {
            Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
            document.dispatchEvent(new Event('visibilitychange'));
        }""",
        hidden,
    )


def test_the_bell_polls_at_most_once_a_minute_and_never_while_hidden(
    tab: tuple[Page, list[dict[str, Any]]], live_server: Any
) -> None:
    page, log = tab
    _settle(page, log, 1)  # the page opened: one request, answered with the summary
    assert log[0]["status"] == 200 and log[0]["etag_sent"] is None

    page.goto(f"{live_server.url}/notifications/", wait_until="load")
    _settle(page, log, 1)  # another page within the minute: the tab's last answer is reused, no request

    page.clock.run_for(30_000)
    _settle(page, log, 1)
    page.clock.run_for(31_000)  # a minute after the last poll: one request, with the ETag, answered 304
    _settle(page, log, 2)
    assert log[1]["status"] == 304 and log[1]["etag_sent"]

    _hide(page, True)
    page.clock.run_for(5 * 60_000)  # five minutes hidden: nothing
    _settle(page, log, 2)

    _hide(page, False)  # visible again, the last poll long ago: one request at once
    page.clock.run_for(1_000)
    _settle(page, log, 3)
    assert log[2]["status"] == 304
