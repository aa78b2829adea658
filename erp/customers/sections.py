"""Extra sections of the customer page, contributed by other modules (orders, payments, balance, complaints).

A module appends a `CustomerSection` to `CUSTOMER_SECTIONS` (for example in its AppConfig.ready). The page view calls
each section's `context(actor, customer)` — which must do its queries there, in a bounded number, never in the
template — and, when `permission` is held, renders its `template` in a card; the template gets `data` (that context
plus `customer`).
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


CUSTOMER_SECTIONS: list[CustomerSection] = []


def sections_for(*, actor: Any, customer: Any) -> list[dict[str, Any]]:
    from erp.accounts.access import access_for

    access = access_for(actor)
    return [
        {"section": section, "context": {"customer": customer, **section.context(actor, customer)}}
        for section in sorted(CUSTOMER_SECTIONS, key=lambda s: (s.order, s.key))
        if access.has_perm(section.permission)
    ]
