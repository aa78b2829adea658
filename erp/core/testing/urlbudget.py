"""The query budget over every URL: each app declares how to open each of its URL names (as whom, with which
objects, and how to grow the data it lists); one test visits them all at two data sizes.

A URL name that no app declares fails the test with its name, so a new page cannot escape the budget. Apps declare
their specs in `erp/<app>/tests/urlspecs.py` as `SPECS: list[UrlSpec]`.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from erp.core.discovery import app_modules

# Roles a spec may name, besides RoleKey values: "superuser" and "anonymous".
SUPERUSER = "superuser"
ANONYMOUS = "anonymous"


@dataclass
class World:
    """Objects every spec can use: two branches and a user per role in branch A, built by the test."""

    branch_a: Any
    branch_b: Any
    users: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class UrlSpec:
    name: str  # fully namespaced URL name, e.g. "accounts:user_detail"
    roles: tuple[str, ...]  # who may open it (each is measured)
    grow: Callable[[World, int], None]  # add n rows of what the page lists or renders
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    query: str = ""
    status: int = 200
    api: bool = False  # use a bearer token instead of the session
    relogin: bool = False  # the request ends the session (logout): log in again before each call
    static_budget: bool = True  # HTML pages are held to the first-load budget (not the vendored API docs page)


@dataclass
class Exempt:
    """A URL name left out of the budget, with the reason (admin, static tooling)."""

    name: str
    reason: str


def iter_url_names() -> Iterator[str]:
    def walk(patterns: list[Any], namespace: str | None) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"<unnamed {pattern.pattern}>"
                yield f"{namespace}:{name}" if namespace else name

    yield from walk(get_resolver().url_patterns, None)


def collect_specs() -> tuple[list[UrlSpec], list[Exempt]]:
    specs: list[UrlSpec] = []
    exempt: list[Exempt] = []
    for module in app_modules("tests.urlspecs"):
        specs.extend(getattr(module, "SPECS", []))
        exempt.extend(getattr(module, "EXEMPT", []))
    return specs, exempt
