"""Stock-operation pages: transfers, suppliers, purchase orders (with receipts), counts, adjustments and alerts.

Thin views: parse input, authorise, call one selector or service, render. Everything a template shows is fetched
here (keyset pages, prefetched lines and timelines), so templates run no query.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from erp.accounts.access import access_for, require_perm
from erp.accounts.models import SecurityEvent
from erp.accounts.services import security_event_record
from erp.core.exceptions import ApplicationError
from erp.core.exports import xlsx_response
from erp.core.filters import filter_form
from erp.core.keyset import KeysetPage, keyset_page
from erp.inventory import counts, purchasing, selectors, transfers
from erp.inventory.filters import (
    AdjustmentFilter,
    PurchaseOrderFilter,
    StockAlertFilter,
    StockCountFilter,
    SupplierFilter,
    TransferFilter,
)
from erp.inventory.models import PurchaseOrder, StockBalance, StockCount, StockMovement, Supplier, Transfer
from erp.inventory.ops_forms import (
    AdjustmentForm,
    LineRow,
    PurchaseOrderForm,
    StockCountForm,
    SupplierForm,
    TransferForm,
    line_values,
    parse_lines,
)
from erp.inventory.ops_forms import _decimal as to_decimal


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("export", None)
    return query.urlencode()


def _list(request: HttpRequest, make: Any, empty: Any) -> Any:
    try:
        return make()
    except ValidationError:
        return empty


@dataclass(frozen=True)
class _Export:
    """An Excel export of a list: `what` names it in the security log, `make` builds the response from the
    filtered queryset."""

    what: str
    make: Callable[[Any], HttpResponse]


def _keyset_list(
    request: HttpRequest,
    *,
    perm: str,
    select: Callable[..., Any],
    empty: Any,
    filterset: Any,
    template: str,
    order: tuple[str, ...] = ("-id",),
    size: int = 25,
    flags: dict[str, str] | None = None,
    export: _Export | None = None,
    extra: Callable[[KeysetPage], dict[str, Any]] | None = None,
) -> HttpResponse:
    """A filtered list page with keyset pages: `select(actor=, filters=)` gives the rows (an invalid filter gives
    `empty`), `flags` maps context names to the permissions they show, `extra` adds what the page's rows need."""
    require_perm(request.user, perm)
    qs = _list(request, lambda: select(actor=request.user, filters=request.GET), empty)
    if export is not None and request.GET.get("export") == "xlsx":
        security_event_record(
            kind=SecurityEvent.Kind.EXPORT, user=request.user, request=request, detail={"what": export.what}
        )
        return export.make(qs)
    page = keyset_page(qs, order=order, cursor=request.GET.get("after"), size=size)
    context = {
        "page": page,
        "filter_form": filter_form(filterset, request.GET, actor=request.user),
        "query": _query(request),
        **{name: access_for(request.user).has_perm(shown_by) for name, shown_by in (flags or {}).items()},
        **(extra(page) if extra is not None else {}),
    }
    return render(request, template, context)


def _service_error(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(getattr(exc, "message", exc)))


def _stockers(request: HttpRequest) -> Any:
    return selectors.warehouse_list(actor=request.user).filter(is_active=True)


# ---------------------------------------------------------------------------------------------------------------
# Transfers


@login_required
@require_GET
def transfer_list(request: HttpRequest) -> HttpResponse:
    return _keyset_list(
        request,
        perm="inventory.view_stock",
        select=selectors.transfer_list_filtered,
        empty=Transfer.objects.none(),
        filterset=TransferFilter,
        template="inventory/transfer_list.html",
        flags={"can_create": "inventory.manage_stock"},
    )


@login_required
@require_GET
def line_row(request: HttpRequest) -> HttpResponse:
    """One empty line row for a document form (htmx appends it)."""
    require_perm(request.user, "inventory.view_stock")
    return render(request, "inventory/_line_row.html", {"row": LineRow(), "with_cost": request.GET.get("cost") == "1"})


@login_required
@require_http_methods(["GET", "POST"])
def transfer_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "inventory.manage_stock")
    form = TransferForm(request.POST or None, sources=_stockers(request))
    rows = [LineRow()]
    lines_error = ""
    if request.method == "POST":
        parsed = parse_lines(request.POST, with_cost=False)
        rows, lines_error = parsed.rows or [LineRow()], parsed.error
        if form.is_valid() and parsed.valid:
            try:
                transfer = transfers.transfer_create(
                    user=request.user,
                    source=form.cleaned_data["source"],
                    destination=form.cleaned_data["destination"],
                    items=line_values(parsed, with_cost=False),
                    note=form.cleaned_data["note"],
                )
            except (ValidationError, ApplicationError) as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Transfer %(n)s was created.") % {"n": transfer.number})
                return redirect("inventory:transfer_detail", pk=transfer.pk)
    return render(
        request,
        "inventory/transfer_form.html",
        {"form": form, "rows": rows, "lines_error": lines_error, "with_cost": False},
    )


def _form_error(form: Any, exc: Exception) -> None:
    from erp.accounts.forms import apply_service_errors

    if isinstance(exc, ValidationError):
        apply_service_errors(form, exc)
    else:
        form.add_error(None, str(getattr(exc, "message", exc)))


@login_required
@require_GET
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.view_stock")
    transfer = selectors.transfer_get_for_user(actor=request.user, pk=pk)
    allowed = transfers.transfer_allowed_targets(transfer=transfer, user=request.user)
    items = list(transfer.items.all())
    return render(
        request,
        "inventory/transfer_detail.html",
        {
            "transfer": transfer,
            "items": items,
            "events": _timeline(transfer.events.all(), Transfer.Status.choices),
            "actions": [(t, Transfer.Status(t).label) for t in allowed if t != Transfer.Status.COMPLETED],
            "can_complete": Transfer.Status.COMPLETED in allowed,
            "needs_reason": [Transfer.Status.REJECTED, Transfer.Status.CANCELLED],
        },
    )


@login_required
@require_POST
def transfer_action(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.view_stock")
    transfer = selectors.transfer_get_for_user(actor=request.user, pk=pk)
    to = request.POST.get("to", "")
    received: dict[int, Decimal] = {}
    if to == Transfer.Status.COMPLETED:
        for item in transfer.items.all():
            value = to_decimal(request.POST.get(f"received_{item.pk}", ""))
            if value is None:
                messages.error(request, _("Enter every received quantity."))
                return redirect("inventory:transfer_detail", pk=pk)
            received[item.pk] = value
    try:
        transfers.transfer_transition(
            transfer=transfer, user=request.user, to=to, reason=request.POST.get("reason", ""), received=received
        )
    except (ValidationError, ApplicationError, KeyError) as exc:
        _service_error(request, exc)
    else:
        messages.success(request, _("Transfer %(n)s is now %(s)s.") % {"n": transfer.number, "s": _status(to)})
    return redirect("inventory:transfer_detail", pk=pk)


def _timeline(events: Any, choices: Any) -> list[dict[str, Any]]:
    labels = dict(choices)
    return [
        {"event": e, "from": labels.get(e.from_status, e.from_status), "to": labels.get(e.to_status, e.to_status)}
        for e in events
    ]


def _status(to: str) -> str:
    for choices in (Transfer.Status, PurchaseOrder.Status):
        if to in choices.values:
            return str(choices(to).label)
    return to


@login_required
@require_GET
def transfer_print(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.view_stock")
    transfer = selectors.transfer_get_for_user(actor=request.user, pk=pk)
    return render(
        request,
        "inventory/transfer_print.html",
        {"transfer": transfer, "items": list(transfer.items.all()), "events": list(transfer.events.all())},
    )


# ---------------------------------------------------------------------------------------------------------------
# Suppliers


@login_required
@require_GET
def supplier_list(request: HttpRequest) -> HttpResponse:
    return _keyset_list(
        request,
        perm="inventory.view_purchasing",
        select=selectors.supplier_list,
        empty=Supplier.objects.none(),
        filterset=SupplierFilter,
        template="inventory/supplier_list.html",
        order=("name", "id"),
        flags={"can_manage": "inventory.manage_purchasing"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def supplier_create(request: HttpRequest) -> HttpResponse:
    return _supplier_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def supplier_update(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.manage_purchasing")
    return _supplier_form(request, selectors.supplier_get(pk=pk))


def _supplier_form(request: HttpRequest, supplier: Supplier | None) -> HttpResponse:
    require_perm(request.user, "inventory.manage_purchasing")
    form = SupplierForm(request.POST or None, instance=supplier)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if supplier is None:
                saved = purchasing.supplier_create(user=request.user, data=data)
            else:
                saved = purchasing.supplier_update(user=request.user, supplier=supplier, data=data)
        except (ValidationError, ApplicationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Supplier “%(name)s” was saved.") % {"name": saved.name})
            return redirect("inventory:supplier_list")
    return render(request, "inventory/supplier_form.html", {"form": form, "object": supplier})


# ---------------------------------------------------------------------------------------------------------------
# Purchase orders


@login_required
@require_GET
def po_list(request: HttpRequest) -> HttpResponse:
    def export(qs: Any) -> HttpResponse:
        return xlsx_response(
            filename="purchase-orders",
            headers=[_("Number"), _("Supplier"), _("Warehouse"), _("Status"), _("Expected date"), _("Total")],
            rows=(
                [o.number, o.supplier.name, o.warehouse.name, o.get_status_display(), o.expected_date, o.total]
                for o in qs.order_by("-id").iterator(chunk_size=1000)
            ),
        )

    return _keyset_list(
        request,
        perm="inventory.view_purchasing",
        select=selectors.po_list,
        empty=PurchaseOrder.objects.none(),
        filterset=PurchaseOrderFilter,
        template="inventory/po_list.html",
        flags={"can_create": "inventory.manage_purchasing"},
        export=_Export("purchase_orders", export),
    )


@login_required
@require_http_methods(["GET", "POST"])
def po_create(request: HttpRequest) -> HttpResponse:
    return _po_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def po_update(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.manage_purchasing")
    order = selectors.po_get_for_user(actor=request.user, pk=pk)
    if order.status != PurchaseOrder.Status.DRAFT:
        messages.error(request, _("Only a draft purchase order can be edited."))
        return redirect("inventory:po_detail", pk=pk)
    return _po_form(request, order)


def _po_form(request: HttpRequest, order: PurchaseOrder | None) -> HttpResponse:
    require_perm(request.user, "inventory.manage_purchasing")
    initial = {}
    rows = [LineRow()]
    if order is not None:
        initial = {
            "supplier": order.supplier_id,
            "warehouse": order.warehouse_id,
            "expected_date": order.expected_date,
            "note": order.note,
        }
        rows = [
            LineRow(line.variant.code, f"{line.quantity.normalize():f}", f"{line.unit_cost:f}")
            for line in order.lines.all()
        ] or rows
    form = PurchaseOrderForm(request.POST or None, initial=initial, warehouses=_stockers(request))
    lines_error = ""
    if request.method == "POST":
        parsed = parse_lines(request.POST, with_cost=True)
        rows, lines_error = parsed.rows or [LineRow()], parsed.error
        if form.is_valid() and parsed.valid:
            values = {
                "user": request.user,
                "supplier": form.cleaned_data["supplier"],
                "warehouse": form.cleaned_data["warehouse"],
                "lines": line_values(parsed, with_cost=True),
                "expected_date": form.cleaned_data["expected_date"],
                "note": form.cleaned_data["note"],
            }
            try:
                saved = purchasing.po_create(**values) if order is None else purchasing.po_update(order=order, **values)
            except (ValidationError, ApplicationError) as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Purchase order %(n)s was saved.") % {"n": saved.number})
                return redirect("inventory:po_detail", pk=saved.pk)
    return render(
        request,
        "inventory/po_form.html",
        {"form": form, "rows": rows, "lines_error": lines_error, "with_cost": True, "object": order},
    )


@login_required
@require_GET
def po_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.view_purchasing")
    user = request.user
    order = selectors.po_get_for_user(actor=user, pk=pk)
    access = access_for(user)
    return render(
        request,
        "inventory/po_detail.html",
        {
            "order": order,
            "lines": list(order.lines.all()),
            "events": _timeline(order.events.all(), PurchaseOrder.Status.choices),
            "receipts": list(order.receipts.all()),
            "actions": [
                (t, PurchaseOrder.Status(t).label)
                for t in purchasing.po_allowed_targets(order=order, user=request.user)
            ],
            "can_receive": purchasing.po_can_receive(order=order, user=request.user),
            "can_edit": order.status == PurchaseOrder.Status.DRAFT and access.has_perm("inventory.manage_purchasing"),
        },
    )


@login_required
@require_POST
def po_action(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.view_purchasing")
    order = selectors.po_get_for_user(actor=request.user, pk=pk)
    to = request.POST.get("to", "")
    try:
        purchasing.po_transition(order=order, user=request.user, to=to, reason=request.POST.get("reason", ""))
    except (ValidationError, ApplicationError) as exc:
        _service_error(request, exc)
    else:
        messages.success(request, _("Purchase order %(n)s is now %(s)s.") % {"n": order.number, "s": _status(to)})
    return redirect("inventory:po_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def po_receive(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.manage_stock")
    order = selectors.po_get_for_user(actor=request.user, pk=pk)
    lines = list(order.lines.all())
    errors: list[str] = []
    values: dict[int, str] = {}
    key = request.POST.get("key") or uuid.uuid4().hex
    if request.method == "POST":
        quantities: dict[int, Decimal] = {}
        for line in lines:
            raw = request.POST.get(f"qty_{line.pk}", "").strip()
            values[line.pk] = raw
            if raw:
                value = to_decimal(raw)
                if value is None:
                    errors.append(_("%(code)s: enter a number.") % {"code": line.variant.code})
                else:
                    quantities[line.pk] = value
        if not errors:
            try:
                result = purchasing.po_receive(
                    order=order, user=request.user, quantities=quantities, key=key, note=request.POST.get("note", "")
                )
            except (ValidationError, ApplicationError) as exc:
                errors = list(exc.messages) if isinstance(exc, ValidationError) else [str(exc.message)]
            else:
                if result.replayed:
                    messages.info(request, _("This receipt was already recorded; nothing was received twice."))
                else:
                    messages.success(request, _("Receipt %(n)s was recorded.") % {"n": result.receipt.pk})
                return redirect("inventory:po_detail", pk=pk)
    elif not purchasing.po_can_receive(order=order, user=request.user):
        raise PermissionDenied
    return render(
        request,
        "inventory/po_receive.html",
        {
            "order": order,
            "rows": [{"line": line, "value": values.get(line.pk, "")} for line in lines],
            "errors": errors,
            "key": key,
        },
    )


@login_required
@require_GET
def po_print(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.view_purchasing")
    order = selectors.po_get_for_user(actor=request.user, pk=pk)
    return render(request, "inventory/po_print.html", {"order": order, "lines": list(order.lines.all())})


# ---------------------------------------------------------------------------------------------------------------
# Stock counts and adjustments


@login_required
@require_GET
def count_list(request: HttpRequest) -> HttpResponse:
    return _keyset_list(
        request,
        perm="inventory.view_stock",
        select=selectors.count_list,
        empty=StockCount.objects.none(),
        filterset=StockCountFilter,
        template="inventory/count_list.html",
        flags={"can_create": "inventory.adjust_stock"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def count_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "inventory.adjust_stock")
    form = StockCountForm(request.POST or None, warehouses=_stockers(request))
    if request.method == "POST" and form.is_valid():
        try:
            count = counts.count_create(
                user=request.user,
                warehouse=form.cleaned_data["warehouse"],
                category=form.cleaned_data["category"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, ApplicationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Count sheet %(n)s was opened.") % {"n": count.number})
            return redirect("inventory:count_detail", pk=count.pk)
    return render(request, "inventory/count_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def count_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The sheet; an open sheet takes counted quantities (POST saves them)."""
    require_perm(request.user, "inventory.view_stock")
    count = selectors.count_get_for_user(actor=request.user, pk=pk)
    lines = list(count.lines.all())
    errors: list[str] = []
    if request.method == "POST":
        entered: dict[int, Decimal | None] = {}
        for line in lines:
            raw = request.POST.get(f"counted_{line.pk}")
            if raw is None:
                continue
            value = to_decimal(raw) if raw.strip() else None
            if raw.strip() and value is None:
                errors.append(_("%(code)s: enter a number.") % {"code": line.variant.code})
            entered[line.pk] = value
        if not errors:
            try:
                counts.count_enter(user=request.user, count=count, counted=entered)
            except (ValidationError, ApplicationError) as exc:
                errors = list(exc.messages) if isinstance(exc, ValidationError) else [str(exc.message)]
            else:
                messages.success(request, _("The counted quantities were saved."))
                return redirect("inventory:count_detail", pk=pk)
    return render(
        request,
        "inventory/count_detail.html",
        {
            "count": count,
            "lines": lines,
            "errors": errors,
            "can_enter": counts.count_can(request.user, "enter", count),
            "can_post": counts.count_can(request.user, "post", count),
            "differences": sum(1 for line in lines if line.difference),
        },
    )


@login_required
@require_POST
def count_action(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.adjust_stock")
    count = selectors.count_get_for_user(actor=request.user, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "post":
            result = counts.count_post(user=request.user, count=count)
            messages.success(request, _("The count was posted: %(n)s adjustments.") % {"n": len(result.movements)})
        elif action == "cancel":
            counts.count_cancel(user=request.user, count=count)
            messages.success(request, _("The count was cancelled."))
    except (ValidationError, ApplicationError) as exc:
        _service_error(request, exc)
    return redirect("inventory:count_detail", pk=pk)


@login_required
@require_GET
def adjustment_list(request: HttpRequest) -> HttpResponse:
    return _keyset_list(
        request,
        perm="inventory.view_stock",
        select=selectors.adjustment_list,
        empty=StockMovement.objects.none(),
        filterset=AdjustmentFilter,
        template="inventory/adjustment_list.html",
        size=50,
        flags={"can_create": "inventory.adjust_stock"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def adjustment_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "inventory.adjust_stock")
    form = AdjustmentForm(request.POST or None, initial={"key": uuid.uuid4().hex}, warehouses=_stockers(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = counts.stock_adjust(
                user=request.user,
                warehouse=data["warehouse"],
                variant=data["code"],
                quantity=data["quantity"],
                reason=data["reason"],
                note=data["note"],
                key=data["key"],
            )
        except (ValidationError, ApplicationError) as exc:
            _form_error(form, exc)
        else:
            if result.replayed:
                messages.info(request, _("This adjustment was already recorded."))
            else:
                messages.success(request, _("The adjustment was recorded."))
            return redirect("inventory:adjustment_list")
    return render(request, "inventory/adjustment_form.html", {"form": form})


# ---------------------------------------------------------------------------------------------------------------
# Alerts


@login_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    labels = {"low": _("Low"), "out": _("Out of stock"), "negative": _("Negative")}

    def export(qs: Any) -> HttpResponse:
        return xlsx_response(
            filename="stock-alerts",
            headers=[_("Product"), _("Variant"), _("Warehouse"), _("Balance"), _("Minimum"), _("State")],
            rows=(
                [
                    b.variant.product.name,
                    b.variant.code,
                    b.warehouse.name,
                    b.quantity,
                    b.variant.product.minimum_stock,
                    labels[b.state],
                ]
                for b in qs.order_by("id").iterator(chunk_size=1000)
            ),
        )

    return _keyset_list(
        request,
        perm="inventory.view_stock",
        select=selectors.alert_list,
        empty=StockBalance.objects.none(),
        filterset=StockAlertFilter,
        template="inventory/alert_list.html",
        order=("id",),
        size=50,
        export=_Export("stock_alerts", export),
        extra=lambda page: {"rows": [(b, labels[b.state]) for b in page.rows]},
    )
