"""Order pages: lists (all and per type) with filters, search, sorting, keyset pages and Excel export; the order
detail with its transitions and payments; printable invoice and contract; promo codes."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erp.accounts.access import access_for, require_perm
from erp.accounts.models import SecurityEvent
from erp.accounts.services import security_event_record
from erp.core.exceptions import ApplicationError
from erp.core.filters import filter_form
from erp.core.keyset import keyset_page
from erp.core.paging import paginate
from erp.orders import selectors, services
from erp.orders.departments import department_rows, derived_stage
from erp.orders.filters import OrderFilter, PromoCodeFilter
from erp.orders.forms import PaymentForm, PromoIssueForm, TransitionForm
from erp.orders.models import Order, PromoCode
from erp.orders.transitions import NEEDS_REASON, order_allowed_targets, order_transition


def _list_context(request: HttpRequest, order_type: str | None) -> tuple[Any, dict[str, Any]]:
    data = request.GET.copy()
    if order_type:
        if order_type not in Order.Type.values:
            raise Http404
        data["order_type"] = order_type
    try:
        orders = selectors.order_list(actor=request.user, filters=data)
    except ValidationError:
        orders = Order.objects.none()
    return orders, {"filter_form": filter_form(OrderFilter, data, actor=request.user), "order_type": order_type}


@login_required
def order_list(request: HttpRequest, order_type: str | None = None) -> HttpResponse:
    require_perm(request.user, "orders.view_orders")
    orders, context = _list_context(request, order_type)
    if request.GET.get("export") == "xlsx":
        require_perm(request.user, "orders.export_orders")
        return _orders_xlsx(request, orders)
    ordering = request.GET.get("ordering", "-id")
    order = selectors.SORTS.get(ordering, selectors.SORTS["-id"])
    page = keyset_page(orders, order=order, cursor=request.GET.get("after"))
    query = request.GET.copy()
    query.pop("after", None)
    sort_query = query.copy()
    sort_query.pop("ordering", None)
    access = access_for(request.user)
    context.update(
        {
            "page": page,
            "ordering": ordering,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "types": Order.Type.choices,
            "can_export": access.has_perm("orders.export_orders"),
            "can_place": access.has_perm("orders.place_orders"),
        }
    )
    return render(request, "orders/order_list.html", context)


def _orders_xlsx(request: HttpRequest, orders: Any) -> HttpResponse:
    from erp.orders.exports import orders_export  # immediate when small, a background job when large

    security_event_record(kind=SecurityEvent.Kind.EXPORT, user=request.user, request=request, detail={"what": "orders"})
    return orders_export(request, orders)


def _detail(request: HttpRequest, pk: int, *, payment_form: PaymentForm | None = None, status: int = 200) -> Any:
    order = selectors.order_get_for_user(actor=request.user, pk=pk)
    access = access_for(request.user)
    targets = order_allowed_targets(order=order, user=request.user)
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "items": list(order.items.all()),
            "rooms": list(order.rooms.all()),
            "events": [(e, list(e.details.items()) if isinstance(e.details, dict) else []) for e in order.events.all()],
            "allocations": list(order.allocations.all()),
            "handoffs": list(order.handoffs.all()),
            "departments": department_rows(order),
            "stage": derived_stage(order),
            "targets": [(t, Order.Status(t).label, t in NEEDS_REASON) for t in targets],
            "can_edit_items": access.has_perm("orders.edit_orders") and order.status in services.ITEMS_EDITABLE,
            "payment_form": payment_form
            or (PaymentForm(initial={"amount": order.balance}) if access.has_perm("orders.record_payments") else None),
        },
        status=status,
    )


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "orders.view_orders")
    return _detail(request, pk)  # type: ignore[no-any-return]


@login_required
@require_POST
def order_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "orders.view_orders")
    order = get_object_or_404(selectors.order_base(actor=request.user), pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
        return redirect("orders:order_detail", pk=pk)
    try:
        order_transition(order=order, user=request.user, to=form.cleaned_data["to"], reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("The order is now “%(status)s”.") % {"status": Order.Status(form.cleaned_data["to"]).label}
        )
    return redirect("orders:order_detail", pk=pk)


@login_required
@require_POST
def payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "orders.record_payments")
    order = get_object_or_404(selectors.order_base(actor=request.user).select_related("customer"), pk=pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.payment_record(actor=request.user, customer=order.customer, order=order, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("The payment was recorded."))
            return redirect("orders:order_detail", pk=pk)
    return _detail(request, pk, payment_form=form, status=400)  # type: ignore[no-any-return]


@login_required
def order_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "orders.view_orders")
    order = selectors.order_get_for_user(actor=request.user, pk=pk)
    return render(
        request,
        "orders/order_invoice.html",
        {"order": order, "items": list(order.items.all()), "allocations": list(order.allocations.all())},
    )


@login_required
def order_contract(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "orders.view_orders")
    order = selectors.order_get_for_user(actor=request.user, pk=pk)
    if not order.is_made_to_measure:
        raise Http404
    return render(
        request,
        "orders/order_contract.html",
        {"order": order, "items": list(order.items.all()), "rooms": list(order.rooms.all())},
    )


@login_required
def promo_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "orders.issue_promo_codes")
    form = PromoIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            promo = services.promo_issue(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        else:
            messages.success(request, _("Promo code %(code)s was issued.") % {"code": promo.code})
            return redirect("orders:promo_list")
    try:
        promos = selectors.promo_list(actor=request.user, filters=request.GET)
    except ValidationError:
        promos = PromoCode.objects.none()
    page = paginate(request, promos.order_by("-id"))
    return render(
        request,
        "orders/promo_list.html",
        {"page": page, "form": form, "filter_form": filter_form(PromoCodeFilter, request.GET, actor=request.user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def promo_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "orders.issue_promo_codes")
    promo = get_object_or_404(PromoCode, pk=pk)
    try:
        services.promo_cancel(actor=request.user, promo=promo)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Promo code %(code)s was cancelled.") % {"code": promo.code})
    return redirect("orders:promo_list")
