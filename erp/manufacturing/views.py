"""Factory pages: dashboard, order list (filters, search, keyset pages, Excel export), approval queue, order detail
with its actions, work-order print, fabric receipt and production lines."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erp.accounts.access import access_for, require_perm
from erp.accounts.models import Branch, SecurityEvent
from erp.accounts.services import security_event_record
from erp.core.exceptions import ApplicationError
from erp.core.exportjobs import export_params, export_response
from erp.core.filters import filter_form
from erp.core.keyset import keyset_page
from erp.manufacturing import selectors, services
from erp.manufacturing.filters import FactoryOrderFilter
from erp.manufacturing.forms import LineChangeForm, ProductionLineForm, ReceiptForm, ReplyForm, TransitionForm
from erp.manufacturing.models import FactoryItem, FactoryOrder, ProductionLine

VIEW = "manufacturing.view_factory_orders"
S = FactoryOrder.Status


def _errors(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    elif isinstance(exc, ApplicationError):
        messages.error(request, str(exc.message))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, VIEW)
    return render(request, "manufacturing/dashboard.html", selectors.dashboard(actor=request.user))


def _list(request: HttpRequest, data: Any, *, template: str, title: str) -> HttpResponse:
    try:
        orders = selectors.factory_order_list(actor=request.user, filters=data)
    except ValidationError:
        orders = FactoryOrder.objects.none()
    access = access_for(request.user)
    if request.GET.get("export") == "xlsx":
        require_perm(request.user, "manufacturing.export_factory_orders")
        return _xlsx(request, orders, data)
    ordering = request.GET.get("ordering", "-id")
    page = keyset_page(
        orders, order=selectors.SORTS.get(ordering, selectors.SORTS["-id"]), cursor=request.GET.get("after")
    )
    query = request.GET.copy()
    query.pop("after", None)
    sort_query = query.copy()
    sort_query.pop("ordering", None)
    return render(
        request,
        template,
        {
            "page": page,
            "title": title,
            "ordering": ordering,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "filter_form": filter_form(FactoryOrderFilter, data, actor=request.user),
            "can_export": access.has_perm("manufacturing.export_factory_orders"),
            "today": timezone.localdate(),
        },
    )


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, VIEW)
    return _list(request, request.GET.copy(), template="manufacturing/order_list.html", title=_("Factory orders"))


@login_required
def approval_queue(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "manufacturing.approve_orders")
    data = request.GET.copy()
    data["status"] = S.PENDING_APPROVAL
    return _list(request, data, template="manufacturing/order_list.html", title=_("Awaiting factory approval"))


def _xlsx(request: HttpRequest, orders: Any, data: Any) -> HttpResponse:
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT, user=request.user, request=request, detail={"what": "factory_orders"}
    )
    return export_response(request, kind="factory_orders", queryset=orders, params=export_params(data))


def _detail(request: HttpRequest, pk: int, *, template: str = "manufacturing/order_detail.html") -> HttpResponse:
    fo = selectors.factory_order_get_for_user(actor=request.user, pk=pk)
    access = access_for(request.user)
    targets = services.factory_allowed_targets(factory_order=fo, user=request.user)
    backward = set(services.backward_targets(fo, request.user)) - set(services.factory_targets(fo))
    items = list(fo.items.all())
    return render(
        request,
        template,
        {
            "fo": fo,
            "order": fo.order,
            "items": items,
            "events": list(fo.events.all()),
            "line_changes": list(fo.line_changes.all()),
            "targets": [
                (t, S(t).label, t in services.NEEDS_REASON or t in backward, t == S.DELIVERED, t in backward)
                for t in targets
            ],
            "can_reply": fo.status == S.REJECTED and access.has_perm("manufacturing.reply_rejections"),
            "reply_form": ReplyForm(),
            "line_form": LineChangeForm(initial={"line": fo.line_id})
            if access.has_perm("manufacturing.change_line") and fo.status in services.OPEN
            else None,
            "can_receive": access.has_perm("manufacturing.receive_fabric"),
            "can_deliver": access.has_perm("manufacturing.deliver_to_line")
            and any(i.received_at and not i.delivered_to_line_at for i in items),
        },
    )


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, VIEW)
    return _detail(request, pk)


@login_required
def order_print(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, VIEW)
    return _detail(request, pk, template="manufacturing/order_print.html")


def _visible(request: HttpRequest, pk: int) -> FactoryOrder:
    return get_object_or_404(selectors.factory_order_base(actor=request.user), pk=pk)


@login_required
@require_POST
def order_transition(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, VIEW)
    fo = _visible(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
        return redirect("manufacturing:order_detail", pk=pk)
    try:
        services.factory_order_transition(factory_order=fo, user=request.user, **form.cleaned_data)
    except (ValidationError, ApplicationError) as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, _("The factory order is now “%(status)s”.") % {"status": S(form.cleaned_data["to"]).label}
        )
    return redirect("manufacturing:order_detail", pk=pk)


@login_required
@require_POST
def order_reply(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "manufacturing.reply_rejections")
    fo = _visible(request, pk)
    form = ReplyForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reply": _("Write the reply.")})
        services.factory_order_reply(factory_order=fo, user=request.user, reply=form.cleaned_data["reply"])
    except (ValidationError, ApplicationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Your reply was sent to the factory."))
    return redirect("manufacturing:order_detail", pk=pk)


@login_required
@require_POST
def order_change_line(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "manufacturing.change_line")
    fo = _visible(request, pk)
    form = LineChangeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"line": _("Choose a production line.")})
        services.factory_order_change_line(
            factory_order=fo, user=request.user, line=form.cleaned_data["line"], reason=form.cleaned_data["reason"]
        )
    except (ValidationError, ApplicationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The production line was changed."))
    return redirect("manufacturing:order_detail", pk=pk)


@login_required
@require_POST
def order_receive(request: HttpRequest, pk: int) -> HttpResponse:
    """Receive the checked items, each with the bag number typed (or scanned) next to it."""
    require_perm(request.user, "manufacturing.receive_fabric")
    fo = _visible(request, pk)
    ids = [int(i) for i in request.POST.getlist("item") if i.isdigit()]
    receipts = [(i, request.POST.get(f"bag_{i}", "")) for i in ids]
    try:
        valid = set(FactoryItem.objects.filter(factory_order=fo, pk__in=ids).values_list("pk", flat=True))
        received = services.factory_fabric_receive(user=request.user, receipts=[r for r in receipts if r[0] in valid])
    except (ValidationError, ApplicationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(n)s items received.") % {"n": len(received)})
    return redirect("manufacturing:order_detail", pk=pk)


@login_required
@require_POST
def order_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "manufacturing.deliver_to_line")
    fo = _visible(request, pk)
    try:
        n = services.factory_items_deliver(user=request.user, factory_order=fo)
    except (ValidationError, ApplicationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(n)s items delivered to the line.") % {"n": n})
    return redirect("manufacturing:order_detail", pk=pk)


@login_required
def receipt(request: HttpRequest) -> HttpResponse:
    """The receipt desk: scan a cutting order number and a bag number; the last receipts are listed."""
    require_perm(request.user, "manufacturing.receive_fabric")
    form = ReceiptForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                received = services.factory_fabric_receive_reference(
                    user=request.user, scope=selectors.factory_order_base(actor=request.user), **form.cleaned_data
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("%(n)s items received.") % {"n": len(received)})
                return redirect("manufacturing:receipt")
        status = 400
    recent = list(
        FactoryItem.objects.filter(
            received_at__isnull=False, factory_order__in=selectors.factory_order_base(actor=request.user)
        )
        .select_related("factory_order", "received_by")
        .order_by("-received_at", "-id")[:25]
    )
    waiting = list(
        FactoryItem.objects.filter(
            received_at__isnull=True, factory_order__in=selectors.factory_order_base(actor=request.user)
        )
        .exclude(factory_order__status__in=(S.CANCELLED, S.REJECTED))
        .select_related("factory_order")
        .order_by("id")[:25]
    )
    return render(
        request, "manufacturing/receipt.html", {"form": form, "recent": recent, "waiting": waiting}, status=status
    )


def _line_form(request: HttpRequest, line: ProductionLine | None) -> ProductionLineForm:
    branches = list(Branch.objects.filter(is_active=True).order_by("code"))
    initial: dict[str, Any] = {}
    if line is not None:
        initial = {
            "name": line.name,
            "capacity_per_day": line.capacity_per_day,
            "priority": line.priority,
            "is_active": line.is_active,
            "notes": line.notes,
        }
        for route in line.routes.all():
            initial.setdefault(f"branches_{route.order_type}", []).append(str(route.branch_id))
    return ProductionLineForm(request.POST or None, initial=initial, branches=branches)


def _save_line(request: HttpRequest, form: ProductionLineForm, line: ProductionLine | None) -> HttpResponse | None:
    if request.method != "POST" or not form.is_valid():
        return None
    data = {k: form.cleaned_data[k] for k in ("name", "capacity_per_day", "priority", "is_active", "notes")}
    try:
        services.production_line_save(user=request.user, line=line, routes=form.routes(), **data)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return None
    messages.success(request, _("The production line was saved."))
    return redirect("manufacturing:line_list")


@login_required
def line_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "manufacturing.manage_lines")
    form = _line_form(request, None)
    done = _save_line(request, form, None)
    if done:
        return done
    return render(
        request,
        "manufacturing/line_list.html",
        {"lines": list(selectors.line_list()), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "manufacturing.manage_lines")
    line = get_object_or_404(ProductionLine.objects.prefetch_related("routes"), pk=pk)
    form = _line_form(request, line)
    done = _save_line(request, form, line)
    if done:
        return done
    return render(
        request, "manufacturing/line_edit.html", {"line": line, "form": form}, status=400 if form.errors else 200
    )
