"""The installations list's Excel export: immediate when small, a background job with a progress bar when large
(erp/core/exportjobs.py). The job rebuilds the list as the requesting user, with their filters."""

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from erp.core.exportjobs import ExportKind, register_export
from erp.installations import selectors
from erp.installations.models import Installation


def headers() -> list[str]:
    return [
        _("Installation number"),
        _("Order number"),
        _("Customer"),
        _("Phone"),
        _("Branch"),
        _("Status"),
        _("Date"),
        _("Time"),
        _("Team"),
        _("Driver"),
        _("Vehicle"),
        _("Address"),
        _("Location type"),
        _("Windows"),
        _("Balance"),
    ]


def row(i: Installation) -> list[Any]:
    return [
        i.number,
        i.order.number,
        i.order.customer.name,
        i.order.customer.phone,
        i.order.branch.code,
        i.get_status_display(),
        i.scheduled_date,
        i.scheduled_time.strftime("%H:%M") if i.scheduled_time else "",
        i.team.name if i.team else "",
        i.driver.name if i.driver else "",
        i.vehicle.plate if i.vehicle else "",
        i.address,
        i.get_location_type_display(),
        i.windows_count,
        i.order.balance,
    ]


def queryset(actor: Any, filters: QueryDict) -> Any:
    return selectors.installation_list(actor=actor, filters=filters)


INSTALLATIONS = register_export(
    ExportKind(
        key="installations",
        filename="installations",
        permission="installations.export_installations",
        headers=headers,
        queryset=queryset,
        row=row,
    )
)
