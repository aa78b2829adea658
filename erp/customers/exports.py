"""The customers list's Excel export: immediate when small, a background job with a progress bar when large
(erp/core/exportjobs.py). The job rebuilds the list as the requesting user, with their filters."""

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from erp.core.exportjobs import ExportKind, register_export
from erp.customers import selectors
from erp.customers.models import Customer


def headers() -> list[str]:
    return [
        _("Code"),
        _("Name"),
        _("Branch"),
        _("Type"),
        _("Category"),
        _("Phone"),
        _("Second phone"),
        _("Email"),
        _("Address"),
        _("Location type"),
        _("Status"),
        _("Credit limit"),
        _("Balance"),
        _("Payment terms (days)"),
        _("Created by"),
        _("Created"),
    ]


def row(c: Customer) -> list[Any]:
    return [
        c.code,
        c.name,
        c.branch.name,
        c.customer_type.name,
        c.category.name if c.category else "",
        c.phone,
        c.phone2,
        c.email,
        c.address,
        c.get_location_type_display(),
        c.get_status_display(),
        c.credit_limit,
        c.balance_due,  # type: ignore[attr-defined]
        c.payment_terms_days,
        c.created_by.get_full_name() if c.created_by else "",
        c.created_at,
    ]


def queryset(actor: Any, filters: QueryDict) -> Any:
    return selectors.customer_list(actor=actor, filters=filters)


CUSTOMERS = register_export(
    ExportKind(
        key="customers",
        filename="customers",
        permission="customers.export_customers",
        headers=headers,
        queryset=queryset,
        row=row,
        order_by=("code",),
    )
)
