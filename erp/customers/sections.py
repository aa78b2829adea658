"""Extra sections of the customer page, contributed by other modules (orders, payments, balance, complaints).

A module appends a `CustomerSection` to `CUSTOMER_SECTIONS` (for example in its AppConfig.ready). The page view calls
each section's `context(actor, customer)` — which must do its queries there, in a bounded number, never in the
template — and, when `permission` is held, renders its `template` in a card; the template gets `data` (that context
plus `customer`).

A `lazy` section is left out of the page's own work: the page shows a placeholder that loads it with htmx when it
scrolls into view (`customers:customer_section`), so a long history never slows the page itself down.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class CustomerSection:
    key: str
    title: StrOrPromise
    template: str
    permission: str
    context: Callable[[Any, Any], dict[str, Any]]
    order: int = 100
    lazy: bool = False


CUSTOMER_SECTIONS: list[CustomerSection] = []


def _allowed(actor: Any) -> list[CustomerSection]:
    from erp.accounts.access import access_for

    access = access_for(actor)
    return [s for s in sorted(CUSTOMER_SECTIONS, key=lambda s: (s.order, s.key)) if access.has_perm(s.permission)]


def _context(section: CustomerSection, actor: Any, customer: Any) -> dict[str, Any]:
    return {"customer": customer, **section.context(actor, customer)}


def sections_for(*, actor: Any, customer: Any) -> list[dict[str, Any]]:
    """The sections `actor` may see, in order; a lazy one has no context yet (the page loads it afterwards)."""
    return [
        {
            "section": section,
            "lazy": section.lazy,
            "context": None if section.lazy else _context(section, actor, customer),
        }
        for section in _allowed(actor)
    ]


def section_for(*, actor: Any, customer: Any, key: str) -> dict[str, Any] | None:
    """One section with its context (what a lazy section's placeholder loads); None when `actor` may not see it."""
    for section in _allowed(actor):
        if section.key == key:
            return {"section": section, "context": _context(section, actor, customer)}
    return None
