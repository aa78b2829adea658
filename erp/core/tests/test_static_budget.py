"""First-load budget (docs/performance.md §3) and CSP hygiene of the templates.

Budget: HTML + every asset the page pulls in, compressed as it goes over the wire, ≤ 100 KB, in ≤ 6 requests.
Assets are measured as WhiteNoise serves them (brotli, quality 11, made at collectstatic). The HTML is measured
as the larger of brotli and gzip: Django's GZipMiddleware sends gzip, a proxy in front may send brotli.
The assets are the built files in erp/static/dist/: run `npm ci && npm run build` first.
"""

import gzip
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

import brotli
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from erp.accounts.models import User

BUDGET_BYTES = 100 * 1024
BUDGET_REQUESTS = 6
PASSWORD = "Budget-Check-2024!"
BUILD_HINT = "run `npm ci && npm run build` to build the front end"

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "erp" / "templates", *Path(settings.BASE_DIR, "erp").glob("*/templates")]


class _Assets(HTMLParser):
    """Collects every URL the browser fetches while loading the page (stylesheets, scripts, images, icons)."""

    FETCHING_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "manifest", "preload", "modulepreload"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.has_icon_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link":
            rels = set(a.get("rel", "").lower().split())
            if "icon" in rels:
                self.has_icon_link = True
            if rels & self.FETCHING_RELS and a.get("href"):
                self._add(a["href"])
        elif tag == "img" and a.get("loading") == "lazy":
            return  # content images (product thumbnails) load lazily: not part of the HTML + CSS + JS + fonts budget
        elif tag in {"script", "img", "iframe", "source", "video", "audio"} and a.get("src"):
            self._add(a["src"])
        elif tag == "use" and a.get("href") and not a["href"].startswith("#"):
            self._add(a["href"])

    def _add(self, url: str) -> None:
        if not url.startswith("data:") and url not in self.urls:
            self.urls.append(url)


class Measurement(NamedTuple):
    total: int  # bytes over the wire
    requests: int
    report: str


Record = Callable[[str, object], None]


def _br(data: bytes) -> int:
    return len(brotli.compress(data, quality=11))


def _measure(html: bytes) -> Measurement:
    parser = _Assets()
    parser.feed(html.decode())
    rows: list[tuple[str, int, int]] = []  # (what, raw bytes, compressed bytes)
    html_wire = max(_br(html), len(gzip.compress(html, compresslevel=6)))
    rows.append(("HTML", len(html), html_wire))
    for url in parser.urls:
        assert not re.match(r"^(https?:)?//", url), f"{url}: no CDN or third-party assets (performance.md §3)"
        assert url.startswith(settings.STATIC_URL), f"{url}: every asset must be a static file"
        path = url[len(settings.STATIC_URL) :].split("?")[0]
        found = finders.find(path)
        assert found, f"{path} is missing from the static files: {BUILD_HINT}"
        data = Path(found).read_bytes()
        rows.append((path, len(data), _br(data)))
    requests = len(rows) + (0 if parser.has_icon_link else 1)  # no <link rel=icon>: the browser asks /favicon.ico
    total = sum(r[2] for r in rows)
    report = ", ".join(f"{what} {raw / 1024:.1f} KB → {wire / 1024:.1f} KB" for what, raw, wire in rows)
    return Measurement(total, requests, f"{total / 1024:.1f} KB in {requests} requests ({report})")


def _assert_within_budget(html: bytes, page: str, record_property: Record) -> None:
    m = _measure(html)
    # Kept in the JUnit XML (pytest --junitxml) so CI shows the numbers of a passing run too.
    record_property("first_load", f"{page}: {m.report}")
    assert m.total <= BUDGET_BYTES, f"{page}: first load over {BUDGET_BYTES // 1024} KB: {m.report}"
    assert m.requests <= BUDGET_REQUESTS, f"{page}: more than {BUDGET_REQUESTS} requests: {m.report}"


@pytest.fixture
def built_assets() -> None:
    missing = [name for name in ("dist/app.css", "dist/app.rtl.css", "dist/app.js") if not finders.find(name)]
    if missing:
        pytest.fail(f"built front-end files missing ({', '.join(missing)}): {BUILD_HINT}")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "en"])
def test_login_page_first_load_is_within_budget(
    client: Client, built_assets: None, record_property: Record, language: str
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    _assert_within_budget(response.content, f"login ({language})", record_property)


@pytest.mark.django_db
def test_home_page_first_load_is_within_budget(client: Client, built_assets: None, record_property: Record) -> None:
    user = User.objects.create_user(username="budget", password=PASSWORD, first_name="منى", last_name="السيد")
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 200
    _assert_within_budget(response.content, "home", record_property)


@pytest.mark.django_db
def test_user_list_first_load_is_within_budget(client: Client, built_assets: None, record_property: Record) -> None:
    admin = User.objects.create_superuser(username="budget-admin", password=PASSWORD)
    for i in range(30):  # more than a page of rows
        User.objects.create_user(username=f"staff{i:02}", password=PASSWORD, first_name="محمد", last_name=f"أحمد {i}")
    client.force_login(admin)

    response = client.get("/accounts/users/")

    assert response.status_code == 200
    _assert_within_budget(response.content, "user list (superuser)", record_property)


# ---------------------------------------------------------------------------------------------------------------
# CSP hygiene: script-src 'self' + nonce and style-src 'self' forbid inline code and inline styles.

_COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)
_TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.S)
_RULES = [
    (re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.I), "inline <script> without src"),
    (re.compile(r"<style\b", re.I), "<style> element"),
]
_TAG_RULES = [
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler (on…=)"),
    (re.compile(r"\s(data-)?hx-on\b", re.I), "hx-on (needs eval, switched off)"),
    (re.compile(r"=\s*[\"']?\s*javascript:", re.I), "javascript: URL"),
]


def _templates() -> list[Path]:
    return sorted({p for d in TEMPLATE_DIRS if d.is_dir() for p in d.rglob("*.html")})


def test_templates_have_no_inline_scripts_styles_or_handlers() -> None:
    templates = _templates()
    assert templates, "no templates found"
    problems: list[str] = []
    for path in templates:
        text = _COMMENTS.sub("", path.read_text(encoding="utf-8"))
        name = path.relative_to(settings.BASE_DIR)
        for pattern, what in _RULES:
            problems += [f"{name}: {what}: {m.group(0)[:80]}" for m in pattern.finditer(text)]
        for tag in _TAG.finditer(text):
            for pattern, what in _TAG_RULES:
                if pattern.search(tag.group(0)):
                    problems.append(f"{name}: {what}: {tag.group(0)[:80]}")
    assert not problems, "CSP forbids these (use classes and frontend/js instead):\n" + "\n".join(problems)
