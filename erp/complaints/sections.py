"""The customer page's complaints section (erp/customers/sections.py): the latest complaints, two queries."""

from typing import Any

from django.utils.translation import gettext_lazy as _


def _context(actor: Any, customer: Any) -> dict[str, Any]:
    from erp.accounts.access import access_for
    from erp.complaints.selectors import customer_complaints

    return {
        "complaints": customer_complaints(actor=actor, customer=customer),
        "can_create": access_for(actor).has_perm("complaints.create_complaints"),
    }


def register_sections() -> None:
    from erp.customers.sections import CUSTOMER_SECTIONS, CustomerSection

    if any(s.key == "complaints" for s in CUSTOMER_SECTIONS):
        return
    CUSTOMER_SECTIONS.append(
        CustomerSection(
            key="complaints",
            title=_("Complaints"),
            template="complaints/_customer_section.html",
            permission="complaints.view_complaints",
            context=_context,
            order=60,
            lazy=True,  # loaded when it scrolls into view (erp/customers/sections.py)
        )
    )
