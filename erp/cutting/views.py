"""Cutting pages: the queue (filters, search, keyset pages, Excel), a cutting order with its items (per-item
complete / reject / reset through htmx, "complete all"), and the printable cutting sheet. Thin: every query runs in
the selectors, before rendering."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from erp.accounts.access import access_for, require_perm
from erp.accounts.models import SecurityEvent
from erp.accounts.services import security_event_record
from erp.core.exceptions import ApplicationError
from erp.core.exportjobs import export_response
from erp.core.filters import filter_form
from erp.core.keyset import keyset_page
from erp.cutting import selectors, services
from erp.cutting.filters import CuttingOrderFilter
from erp.cutting.forms import CutForm
from erp.cutting.models import CuttingItem, CuttingOrder, CuttingStatus

S = CuttingStatus


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("export", None)
    return query.urlencode()


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "cutting.view_cutting")
    try:
        qs = selectors.cutting_order_list(actor=request.user, filters=request.GET)
    except ValidationError:
        qs = CuttingOrder.objects.none()
    if request.GET.get("export") == "xlsx":
        require_perm(request.user, "cutting.export_cutting")
        security_event_record(
            kind=SecurityEvent.Kind.EXPORT, user=request.user, request=request, detail={"what": "cutting_orders"}
        )
        return export_response(request, kind="cutting_orders", queryset=qs)
    page = keyset_page(qs, order=("-id",), cursor=request.GET.get("after"))
    return render(
        request,
        "cutting/order_list.html",
        {
            "page": page,
            "filter_form": filter_form(CuttingOrderFilter, request.GET, actor=request.user),
            "query": _query(request),
            "can_export": access_for(request.user).has_perm("cutting.export_cutting"),
        },
    )


def _timeline(events: Any) -> list[dict[str, Any]]:
    labels = dict(S.choices)
    return [
        {"event": e, "from": labels.get(e.from_status, e.from_status), "to": labels.get(e.to_status, e.to_status)}
        for e in events
    ]


def _body(
    request: HttpRequest,
    co: CuttingOrder,
    *,
    error_item: int | None = None,
    error_form: CutForm | None = None,
    error: str = "",
) -> dict[str, Any]:
    """Everything the cutting order's body renders (the page, and the htmx swap after an action)."""
    items: list[CuttingItem] = list(co.items.all())
    rows = []
    for item in items:
        targets = services.allowed_targets(status=item.status, user=request.user)
        form = None
        if S.COMPLETED in targets:
            form = error_form if (error_item == item.pk and error_form) else CutForm(prefix=f"i{item.pk}")
        rows.append(
            {
                "item": item,
                "targets": [(t, S(t).label) for t in targets if t != S.COMPLETED],
                "form": form,
                "error": error if error_item == item.pk else "",
            }
        )
    order_targets = services.allowed_targets(status=co.status, user=request.user)
    all_form = None
    if S.COMPLETED in order_targets and any(i.status in (S.PENDING, S.IN_PROGRESS) for i in items):
        all_form = error_form if (error_item == 0 and error_form) else CutForm(prefix="all")
    return {
        "co": co,
        "order": co.order,
        "rows": rows,
        "all_form": all_form,
        "all_error": error if error_item == 0 else "",
        "order_actions": [(t, S(t).label) for t in order_targets if t != S.COMPLETED],
        "needs_reason": [S.REJECTED.value, S.PENDING.value],
        "events": _timeline(co.events.all()),
    }


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "cutting.view_cutting")
    co = selectors.cutting_order_get_for_user(actor=request.user, pk=pk)
    return render(request, "cutting/order_detail.html", _body(request, co))


def _respond(request: HttpRequest, pk: int, **error: Any) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        co = selectors.cutting_order_get_for_user(actor=request.user, pk=pk)
        return render(request, "cutting/_order_body.html", _body(request, co, **error))
    if error.get("error"):
        messages.error(request, error["error"])
    return redirect("cutting:order_detail", pk=pk)


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(getattr(exc, "message", exc))


def _act(request: HttpRequest, *, pk: int, item: CuttingItem | None, prefix: str) -> HttpResponse:
    to = request.POST.get("to", "")
    error_key = item.pk if item else 0
    if to not in S.values:
        return _respond(request, pk, error_item=error_key, error=_("Choose a valid action."))
    form = None
    details = None
    if to == S.COMPLETED:
        form = CutForm(request.POST, prefix=prefix)
        if not form.is_valid():
            return _respond(
                request, pk, error_item=error_key, error_form=form, error=_("Correct the fields marked below.")
            )
        details = form.details()
    reason = request.POST.get("reason", "")
    try:
        if item is not None:
            services.cut_item_transition(item=item, user=request.user, to=to, reason=reason, details=details)
        else:
            co = CuttingOrder(pk=pk)
            services.cutting_order_transition(
                cutting_order=co, user=request.user, to=to, reason=reason, details=details
            )
    except (ValidationError, ApplicationError) as exc:
        if form is not None and isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                known = field in form.fields
                form.add_error(field if known else None, errors)
                if known:
                    widget = form.fields[field].widget
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
        return _respond(request, pk, error_item=error_key, error_form=form, error=_message(exc))
    if request.headers.get("HX-Request") != "true":
        messages.success(request, _("Saved: %(status)s.") % {"status": S(to).label})
    return _respond(request, pk)


@login_required
@require_POST
def item_action(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "cutting.view_cutting")
    item = selectors.cut_item_get_for_user(actor=request.user, pk=pk)
    return _act(request, pk=item.cutting_order_id, item=item, prefix=f"i{item.pk}")


@login_required
@require_POST
def order_action(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "cutting.view_cutting")
    co = selectors.cutting_order_get_for_user(actor=request.user, pk=pk)
    return _act(request, pk=co.pk, item=None, prefix="all")


@login_required
@require_GET
def order_print(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "cutting.view_cutting")
    co = selectors.cutting_order_get_for_user(actor=request.user, pk=pk)
    return render(request, "cutting/order_print.html", {"co": co, "order": co.order, "items": list(co.items.all())})
