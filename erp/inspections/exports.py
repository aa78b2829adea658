"""The inspections list's Excel export: immediate when small, a background job with a progress bar when large
(erp/core/exportjobs.py). The job rebuilds the list as the requesting user, with their filters."""

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from erp.core.exportjobs import ExportKind, register_export
from erp.inspections import selectors
from erp.inspections.models import Inspection
from erp.inspections.roles import EXPORT


def headers() -> list[str]:
    return [
        _("Inspection number"),
        _("Order number"),
        _("Customer code"),
        _("Customer"),
        _("Phone"),
        _("Branch"),
        _("Status"),
        _("Result"),
        _("Date"),
        _("Time"),
        _("Technician"),
        _("Windows"),
        _("Payment"),
        _("Created at"),
    ]


def row(i: Inspection) -> list[Any]:
    return [
        i.number,
        i.order.number if i.order else "",
        i.customer.code,
        i.customer.name,
        i.customer.phone,
        i.branch.code,
        i.get_status_display(),
        i.get_result_display() if i.result else "",
        i.scheduled_date,
        i.scheduled_time.strftime("%H:%M") if i.scheduled_time else "",
        i.technician.get_full_name() or i.technician.username if i.technician else "",
        i.windows_count,
        i.get_payment_status_display(),
        i.created_at,
    ]


def queryset(actor: Any, filters: QueryDict) -> Any:
    return selectors.inspection_list(actor=actor, filters=filters)


INSPECTIONS = register_export(
    ExportKind(
        key="inspections",
        filename="inspections",
        permission=EXPORT,
        headers=headers,
        queryset=queryset,
        row=row,
    )
)
