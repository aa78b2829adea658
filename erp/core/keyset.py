"""Keyset pagination for HTML lists: no COUNT(*), no OFFSET, stable while rows are added (performance.md §3).

The cursor is the last row's sort values, signed so a client cannot forge a position into rows it may not see
(the queryset is scoped anyway; the signature just keeps URLs tidy and tamper-evident).
"""

from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet

SALT = "erp.keyset"


@dataclass
class KeysetPage:
    rows: list[Any]
    next_cursor: str | None
    has_previous: bool


def _key(row: Any, fields: tuple[str, ...]) -> list[Any]:
    values = []
    for name in fields:
        value: Any = row
        for part in name.lstrip("-").split("__"):
            value = getattr(value, part)
        values.append(value if isinstance(value, int | str) or value is None else str(value))
    return values


def keyset_page(queryset: QuerySet[Any], *, order: tuple[str, ...], cursor: str | None, size: int = 25) -> KeysetPage:
    """`order` must end with a unique field (e.g. ("name", "id")); all fields share one direction."""
    descending = order[0].startswith("-")
    qs = queryset.order_by(*order)
    if cursor:
        try:
            last = signing.loads(cursor, salt=SALT)
        except signing.BadSignature:
            last = None
        if isinstance(last, list) and len(last) == len(order):
            qs = qs.filter(_after(order, last, descending))
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = signing.dumps(_key(rows[-1], order), salt=SALT) if more and rows else None
    return KeysetPage(rows=rows, next_cursor=next_cursor, has_previous=bool(cursor))


def _after(order: tuple[str, ...], last: list[Any], descending: bool) -> Q:
    """(a, b, c) > (x, y, z) spelled out, so each prefix can use the composite index."""
    lookup = "lt" if descending else "gt"
    condition = Q()
    for i, name in enumerate(order):
        field = name.lstrip("-")
        step = Q(**{f"{field}__{lookup}": last[i]})
        for j in range(i):
            step &= Q(**{order[j].lstrip("-"): last[j]})
        condition |= step
    return condition
