"""The factory orders list's Excel export: immediate when small, a background job with a progress bar when large
(erp/core/exportjobs.py). The job rebuilds the list as the requesting user, with their filters."""

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from erp.core.exportjobs import ExportKind, register_export
from erp.manufacturing import selectors
from erp.manufacturing.models import FactoryOrder


def headers() -> list[str]:
    return [
        _("Number"),
        _("Order number"),
        _("Customer"),
        _("Type"),
        _("Status"),
        _("Branch"),
        _("Production line"),
        _("Priority"),
        _("Expected date"),
        _("Created"),
        _("Delivery permit"),
        _("Recipient"),
    ]


def row(fo: FactoryOrder) -> list[Any]:
    return [
        fo.number,
        fo.order.number,
        fo.order.customer.name,
        fo.get_order_type_display(),
        fo.get_status_display(),
        fo.branch.code,
        fo.line.name if fo.line else "",
        "VIP" if fo.is_vip else "",
        fo.expected_date,
        fo.created_at,
        fo.delivery_permit,
        fo.delivery_recipient,
    ]


def queryset(actor: Any, filters: QueryDict) -> Any:
    return selectors.factory_order_list(actor=actor, filters=filters)


FACTORY_ORDERS = register_export(
    ExportKind(
        key="factory_orders",
        filename="factory-orders",
        permission="manufacturing.export_factory_orders",
        headers=headers,
        queryset=queryset,
        row=row,
    )
)
