"""The cutting orders list's Excel export: immediate when small, a background job with a progress bar when large
(erp/core/exportjobs.py). The job rebuilds the list as the requesting user, with their filters."""

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from erp.core.exportjobs import ExportKind, register_export
from erp.cutting import selectors
from erp.cutting.models import CuttingOrder


def headers() -> list[str]:
    return [
        _("Code"),
        _("Order"),
        _("Customer"),
        _("Order type"),
        _("Warehouse"),
        _("Status"),
        _("Items"),
        _("Cut"),
        _("Created"),
        _("Completed"),
    ]


def row(co: CuttingOrder) -> list[Any]:
    return [
        co.code,
        co.order.number,
        co.order.customer.name,
        co.order.get_order_type_display(),
        co.warehouse.name,
        co.get_status_display(),
        co.item_count,  # type: ignore[attr-defined]
        co.cut_count,  # type: ignore[attr-defined]
        co.created_at,
        co.completed_at,
    ]


def queryset(actor: Any, filters: QueryDict) -> Any:
    return selectors.cutting_order_list(actor=actor, filters=filters)


CUTTING_ORDERS = register_export(
    ExportKind(
        key="cutting_orders",
        filename="cutting-orders",
        permission="cutting.export_cutting",
        headers=headers,
        queryset=queryset,
        row=row,
    )
)
