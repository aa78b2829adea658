"""The orders list's Excel export: immediate when small, a background job with a progress bar when large
(erp/core/exportjobs.py). The job rebuilds the list as the requesting user, with their filters."""

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from erp.core.exportjobs import ExportKind, export_params, export_response, register_export
from erp.orders import selectors
from erp.orders.models import Order


def headers() -> list[str]:
    return [
        _("Order number"),
        _("Date"),
        _("Customer code"),
        _("Customer"),
        _("Phone"),
        _("Type"),
        _("Priority"),
        _("Status"),
        _("Branch"),
        pgettext("person who sold", "Salesperson"),
        _("Invoice numbers"),
        _("Contract number"),
        _("Total"),
        _("Paid"),
        _("Balance"),
        _("Expected delivery"),
    ]


def row(o: Order) -> list[Any]:
    return [
        o.number,
        o.order_date,
        o.customer.code,
        o.customer.name,
        o.customer.phone,
        o.get_order_type_display(),
        o.get_priority_display(),
        o.get_status_display(),
        o.branch.code,
        o.salesperson.name if o.salesperson else "",
        o.invoice_numbers,
        o.contract_number,
        o.total,
        o.paid,
        o.balance,
        o.expected_delivery_date,
    ]


def queryset(actor: Any, filters: QueryDict) -> Any:
    return selectors.order_list(actor=actor, filters=filters)


ORDERS = register_export(
    ExportKind(
        key="orders",
        filename="orders",
        permission="orders.export_orders",
        headers=headers,
        queryset=queryset,
        row=row,
        order_by=("-id",),
    )
)


def orders_export(request: HttpRequest, orders: Any) -> HttpResponse:
    """The list's export: `orders` is the filtered list; a per-type list's type is kept for the background job."""
    params = export_params(request.GET)
    order_type = (request.resolver_match.kwargs if request.resolver_match else {}).get("order_type")
    if order_type:
        params["order_type"] = [order_type]
    return export_response(request, kind="orders", queryset=orders, params=params)
