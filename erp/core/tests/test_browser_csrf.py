"""T12 (reliability.md): CSRF with htmx, in a real browser (the system Chromium driven by Playwright).

An htmx POST made from a rendered page carries Django's CSRF token (app.js adds X-CSRFToken from <body data-csrf>)
and succeeds; the same POST with that header stripped on the wire is refused with 403. This guards the htmx
configuration against a change that would silently drop the header (or a view that would stop checking it).
"""

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, Route

from erp.accounts.models import User
from erp.core.testing.browser import logged_in_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(live_server: Any, make_user: Any) -> Iterator[Page]:
    """A logged-in tab on the password page."""
    user: User = make_user()
    with logged_in_page(live_server.url, user) as tab:
        # "load": the bundled app.js (htmx and the CSRF hook) has run. (A wait_for_function predicate would be
        # refused by our own CSP, which allows no eval.)
        tab.goto(f"{live_server.url}/accounts/password/", wait_until="load")
        assert tab.evaluate("() => typeof window.htmx") == "object"
        yield tab


def htmx_post(page: Page) -> int:
    """Click an htmx button (outside any form, like a "mark as read" or "approve" button: its only CSRF proof is
    the header) that posts to the password page; with no fields the form comes back with errors, 200."""
    page.evaluate(
        """() => {
            const button = document.createElement('button');
            button.id = 'htmx-probe';
            button.setAttribute('hx-post', window.location.pathname);
            button.setAttribute('hx-target', 'main');
            document.querySelector('main').prepend(button);
            htmx.process(button);
        }"""
    )
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        page.click("#htmx-probe")
    return info.value.status


def test_htmx_post_from_a_rendered_page_passes_csrf(page: Page) -> None:
    sent: list[dict[str, str]] = []
    page.on("request", lambda r: sent.append(r.headers) if r.method == "POST" else None)
    assert htmx_post(page) == 200
    assert sent and sent[0].get("x-csrftoken") and sent[0].get("hx-request") == "true"


def test_the_same_post_without_the_header_is_refused(page: Page) -> None:
    def strip(route: Route) -> None:
        headers = {k: v for k, v in route.request.headers.items() if k.lower() != "x-csrftoken"}
        route.continue_(headers=headers)

    page.route("**/accounts/password/", strip)
    assert htmx_post(page) == 403
