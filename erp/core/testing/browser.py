"""A logged-in tab of the system Chromium (Playwright), for the browser tests.

Playwright's sync API runs an event loop in the calling thread, and Django refuses to share such a thread with
database calls: so the session is made before the browser starts, and the browser is closed before the test's
database is flushed. Never a downloaded browser: `/usr/bin/chromium` (installed with apt).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, sync_playwright

from erp.accounts.models import User

CHROMIUM = "/usr/bin/chromium"
# The flags this machine needs: no sandbox as root, and no background traffic to hosts the closed network refuses.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def session_cookie(user: User) -> str:
    """The value of a session cookie logged in as `user` (made through Django's test client)."""
    client = Client()
    client.force_login(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


@contextmanager
def logged_in_page(base_url: str, user: User, *, locale: str = "ar") -> Iterator[Page]:
    """A new tab, logged in as `user` on `base_url` (the live server's), with nothing opened yet: the caller
    installs what it needs first (a fake clock, listeners), then goes to its page."""
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": base_url}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale=locale)
            context.add_cookies([cookie])  # type: ignore[list-item]
            yield context.new_page()
        finally:
            browser.close()
