"""Versioned cache keys: services bump a namespace's version when its data changes, so stale entries are never read.

Every helper honours the caching flag and survives a cache outage (django-redis ignores connection errors).
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

from erp.core.flags import caching_enabled

T = TypeVar("T")


def _version_key(namespace: str) -> str:
    return f"v:{namespace}"


def namespace_version(namespace: str) -> int:
    version = cache.get(_version_key(namespace))
    if version is None:
        version = 1
        cache.add(_version_key(namespace), version, timeout=None)
    return int(version)


def bump_namespace(namespace: str) -> None:
    """Invalidate everything cached under `namespace` (call from the service that changed the data)."""
    if not caching_enabled():
        return
    try:
        cache.incr(_version_key(namespace))
    except ValueError:
        cache.add(_version_key(namespace), 2, timeout=None)


def cached(namespace: str, key: str, compute: Callable[[], T], *, timeout: int = 300) -> T:
    if not caching_enabled():
        return compute()
    full_key = f"{namespace}:{namespace_version(namespace)}:{key}"
    sentinel = object()
    value: Any = cache.get(full_key, sentinel)
    if value is sentinel:
        value = compute()
        cache.set(full_key, value, timeout=timeout)
    return value  # type: ignore[no-any-return]
