"""The customer page's timeline loads after the page, in a real browser (the system Chromium driven by Playwright):
it appears when it scrolls into view, and says so when it cannot be loaded instead of spinning forever."""

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, Route

from erp.accounts.models import User
from erp.core.testing.browser import logged_in_page
from erp.customers.models import CustomerNote
from erp.orders.tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

TIMELINE = "#section-timeline"


@pytest.fixture
def visit(live_server: Any, shop: factories.Shop, admin_user: User) -> Iterator[tuple[Page, str, list[str]]]:
    """A logged-in tab, the customer page's address, and the numbers of the customer's orders."""
    orders = factories.bulk_orders(shop, admin_user, 2)
    CustomerNote.objects.create(customer=shop.customer, text="يفضل الاتصال مساءً", created_by=admin_user)
    with logged_in_page(live_server.url, admin_user) as tab:
        yield tab, f"{live_server.url}/customers/{shop.customer.code}/", [o.number for o in orders]


def test_the_timeline_appears_once_scrolled_into_view(visit: tuple[Page, str, list[str]]) -> None:
    page, url, numbers = visit
    loads: list[str] = []
    page.on("request", lambda r: loads.append(r.url) if "/sections/timeline/" in r.url else None)
    page.goto(url, wait_until="load")
    page.locator(TIMELINE).scroll_into_view_if_needed()
    page.locator(f"{TIMELINE} ol li").first.wait_for(timeout=10_000)

    text = page.locator(TIMELINE).inner_text()
    assert "يفضل الاتصال مساءً" in text
    for number in numbers:
        assert number in text
    assert page.locator(f"{TIMELINE} [aria-busy]").count() == 0
    assert len(loads) == 1  # loaded once, not polled


def test_a_timeline_that_fails_to_load_says_so(visit: tuple[Page, str, list[str]]) -> None:
    page, url, _ = visit

    def fail(route: Route) -> None:
        route.fulfill(status=500, body="boom")

    page.route("**/sections/timeline/", fail)
    page.goto(url, wait_until="load")
    page.locator(TIMELINE).scroll_into_view_if_needed()
    message = page.locator(f"{TIMELINE} .text-danger")
    message.wait_for(timeout=10_000)

    assert "تعذّر تحميل هذا الجزء من الصفحة" in message.inner_text()
    assert page.locator(f"{TIMELINE} [aria-busy]").count() == 0
    assert page.locator(f"{TIMELINE} .spinner-border").count() == 0
