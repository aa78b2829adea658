from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from erp.accounts.access import access_for
from erp.accounts.roles import SECTIONS, Section


def _sections(request: HttpRequest) -> list[Section]:
    access = access_for(getattr(request, "user", None))
    return [s for s in SECTIONS if access.has_perm(s.permission)]


def _menu(request: HttpRequest) -> SafeString:
    """The top bar's menu items. The same handful of menus (by roles, language and current section) is rendered on
    every page of the day, so each is built once per process instead of in the template on every request."""
    sections = _sections(request)
    path = request.path
    keys = tuple(s.key for s in sections)
    return _menu_html(keys, tuple(s.key for s in sections if s.url in path), get_language() or "")


@lru_cache(maxsize=1024)
def _menu_html(keys: tuple[str, ...], active: tuple[str, ...], language: str) -> SafeString:
    by_key = {s.key: s for s in SECTIONS}
    return format_html_join(
        "\n",
        '<li class="nav-item"><a class="nav-link{}"{} href="{}"><svg class="icon" aria-hidden="true">'
        '<use href="#i-{}"></use></svg>{}</a></li>',
        (
            (
                " active" if key in active else "",
                mark_safe(' aria-current="page"') if key in active else "",
                by_key[key].url,
                by_key[key].icon,
                str(by_key[key].label),
            )
            for key in keys
        ),
    )


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu: only the sections the user's roles open (lazy, so pages that don't render it pay nothing)."""
    return {
        "nav_sections": SimpleLazyObject(lambda: _sections(request)),
        "nav_menu": SimpleLazyObject(lambda: _menu(request)),
    }
