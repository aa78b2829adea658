from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from erp.accounts.access import access_for
from erp.accounts.roles import SECTIONS, Section


def _sections(request: HttpRequest) -> list[Section]:
    access = access_for(getattr(request, "user", None))
    return [s for s in SECTIONS if access.has_perm(s.permission)]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu: only the sections the user's roles open (lazy, so pages that don't render it pay nothing)."""
    return {"nav_sections": SimpleLazyObject(lambda: _sections(request))}
