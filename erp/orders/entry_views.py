"""The order-entry screen: one page with sections (customer, order, items, curtain rooms, payment), saved as a draft
while the salesperson types, a review step, then placement through order_place. Partials (htmx): auto-save with
live totals, a structural refresh (add/remove rows, pick a customer, change the type), customer and product
suggestions. Every partial re-renders from what the form posted, so nothing typed is lost."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from erp.accounts.access import access_for, require_perm
from erp.core.filters import SEARCH_MIN_LENGTH, searchable
from erp.core.paging import paginate
from erp.core.text import normalize_code
from erp.customers.filters import search_terms
from erp.customers.models import Customer
from erp.customers.selectors import customer_list
from erp.inventory.models import Variant, Warehouse
from erp.inventory.selectors import warehouse_list
from erp.orders import drafts, selectors, services
from erp.orders.drafts import Preview
from erp.orders.models import CurtainFabric, CurtainRoom, Order, OrderDraft, Payment, Salesperson

SUGGESTIONS = 8


def _warehouses(request: HttpRequest) -> list[Warehouse]:
    return list(warehouse_list(actor=request.user).filter(is_active=True))


def _salespeople(request: HttpRequest) -> list[Salesperson]:
    qs = Salesperson.objects.filter(is_active=True).select_related("branch").order_by("name")
    branch_id = getattr(request.user, "branch_id", None)
    return list(qs.filter(branch_id=branch_id) if branch_id else qs)


def _errors_for_form(errors: dict[str, list[str]]) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """{form field name: messages} for the fields, and (where, message) pairs for the summary at the top."""
    by_field: dict[str, list[str]] = {}
    summary: list[tuple[str, str]] = []
    for key, messages_ in errors.items():
        name = drafts.form_field_name(key)
        by_field.setdefault(name, []).extend(str(m) for m in messages_)
        summary.extend((drafts.error_label(key), str(m)) for m in messages_)
    return by_field, summary


def _item_rows(payload: dict[str, Any], view: Preview, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    rows = []
    for n, row in enumerate(payload.get("items") or []):
        line = view.lines[n] if n < len(view.lines) else None
        variant = line.variant if line else None
        rows.append(
            {
                "n": n,
                "data": row,
                "variant": variant,
                "is_fabric": drafts.kind_is_fabric(variant),
                "is_service": variant is not None and variant.product.kind == "service",
                "list_price": line.list_price if line else None,
                "unit_price": line.unit_price if line else None,
                "amounts": line.amounts if line else None,
                "curtain_meters": view.fabric_meters.get(n),
                "errors": {
                    name: errors.get(f"items-{n}-{name}", [])
                    for name in ("variant", "warehouse", "quantity", "unit_price", "discount_percent")
                },
            }
        )
    return rows


def _room_rows(payload: dict[str, Any], errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    out = []
    for r, room in enumerate(payload.get("rooms") or []):
        prefix = f"rooms-{r}-"
        out.append(
            {
                "n": r,
                "data": room,
                "errors": {k[len(prefix) :]: v for k, v in errors.items() if k.startswith(prefix)},
                "fabrics": [
                    {"n": f, "data": fabric, "errors": _sub_errors(errors, f"{prefix}fabrics-{f}-")}
                    for f, fabric in enumerate(room.get("fabrics") or [])
                ],
                "accessories": [
                    {"n": a, "data": accessory, "errors": _sub_errors(errors, f"{prefix}accessories-{a}-")}
                    for a, accessory in enumerate(room.get("accessories") or [])
                ],
            }
        )
    return out


def _sub_errors(errors: dict[str, list[str]], prefix: str) -> dict[str, list[str]]:
    return {k[len(prefix) :]: v for k, v in errors.items() if k.startswith(prefix)}


def entry_context(
    request: HttpRequest,
    payload: dict[str, Any],
    draft: OrderDraft | None,
    *,
    errors: dict[str, list[str]] | None = None,
    focus: str = "",
) -> dict[str, Any]:
    """Everything the entry form renders, in a fixed number of queries whatever the number of rows."""
    access = access_for(request.user)
    conf = services.order_settings()
    salespeople = _salespeople(request)
    resolved = drafts.resolve(actor=request.user, payload=payload, salespeople=salespeople)
    view = drafts.preview(actor=request.user, payload=payload, resolved=resolved, conf=conf)
    by_field, summary = _errors_for_form(errors or {})
    customer = resolved.customer
    blocked_reason = ""
    if customer is not None and customer.status != Customer.Status.ACTIVE:
        from erp.customers.services import ensure_can_order

        try:
            ensure_can_order(customer)
        except ValidationError as exc:
            blocked_reason = " ".join(exc.messages)
    made_to_measure = payload.get("order_type") in services.MADE_TO_MEASURE
    inspections = list(selectors.inspections_for(customer_id=customer.pk)[:50]) if customer and made_to_measure else []
    invoices = list(payload.get("invoice_numbers") or [])
    invoices += [""] * (3 - len(invoices))
    return {
        "payload": payload,
        "draft": draft,
        "customer": customer,
        "blocked_reason": blocked_reason,
        "resolved": resolved,
        "preview": view,
        "items": _item_rows(payload, view, by_field),
        "rooms": _room_rows(payload, by_field) if made_to_measure else [],
        "made_to_measure": made_to_measure,
        "inspections": inspections,
        "invoices": invoices[:3],
        "warehouses": _warehouses(request),
        "salespeople": salespeople,
        "errors": by_field,
        "summary": summary,
        "focus": focus,
        "settings": conf,
        "types": Order.Type.choices,
        "priorities": Order.Priority.choices,
        "deliveries": Order.Delivery.choices,
        "methods": Payment.Method.choices,
        "installations": CurtainRoom.Installation.choices,
        "fabric_types": CurtainFabric.FabricType.choices,
        "tailoring_types": list(conf.tailoring_types or []),
        "can_manual_price": access.has_perm("orders.manual_price"),
        "can_admin_discount": access.has_perm("orders.admin_discount"),
        "can_waive": access.has_perm("orders.waive_down_payment"),
        "can_pay": access.has_perm("orders.record_payments"),
        "saved_at": None,
        "save_problem": "",
    }


def _draft_from_post(request: HttpRequest, *, fetch: bool = False) -> OrderDraft | None:
    """The draft the form names: unfetched for saving (draft_save's update is filtered by owner), fetched (404 for
    another user's) when placing it."""
    pk = drafts._int(request.POST.get("draft"))
    if not pk:
        return None
    if fetch:
        return drafts.draft_get_for_user(actor=request.user, pk=pk)
    return OrderDraft(pk=pk, user_id=int(request.user.pk or 0))


def _autosave(request: HttpRequest, context: dict[str, Any]) -> None:
    """Save the rendered payload into the user's draft (creating it on the first change) and put it in the context.
    A refusal (the per-user limit) becomes a message; the page keeps what was typed."""
    payload = context["payload"]
    draft = _draft_from_post(request)
    try:
        draft = drafts.draft_save(
            actor=request.user,
            payload=payload,
            draft=draft,
            title=drafts.draft_title(payload, context["customer"]),
        )
    except ValidationError as exc:
        context["save_problem"] = " ".join(exc.messages)
    else:
        context["saved_at"] = timezone.localtime()
    context["draft"] = draft


# ---------------------------------------------------------------------------------------------------------------
# Pages


@login_required
def entry_new(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "orders.place_orders")
    payload = drafts.empty_payload()
    customer = drafts._int(request.GET.get("customer"))
    if customer:
        payload["customer"] = str(customer)
    if request.GET.get("type") in Order.Type.values:
        payload["order_type"] = request.GET["type"]
    context = entry_context(request, payload, None, focus="customer_q")
    context["draft_count"] = OrderDraft.objects.filter(user_id=int(request.user.pk or 0)).count()
    return render(request, "orders/entry/page.html", context)


@login_required
def entry_draft(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "orders.place_orders")
    draft = drafts.draft_get_for_user(actor=request.user, pk=pk)
    payload = {**drafts.empty_payload(), **(draft.payload or {})}
    context = entry_context(request, payload, draft)
    context["draft_count"] = None
    return render(request, "orders/entry/page.html", context)


@login_required
@require_POST
def entry_save(request: HttpRequest) -> HttpResponse:
    """Auto-save (htmx, debounced on change): the draft is written and the live totals come back; the fields
    themselves are not re-rendered, so the salesperson's typing is never overwritten."""
    require_perm(request.user, "orders.place_orders")
    payload = drafts.payload_from_post(request.POST)
    context = entry_context(request, payload, None)
    _autosave(request, context)
    return render(request, "orders/entry/_saved.html", context)


def _apply_action(request: HttpRequest, payload: dict[str, Any], action: str) -> str:
    """Change the payload's structure for a button; returns the id of the field to focus afterwards."""
    verb, _sep, arg = action.partition(":")
    items: list[dict[str, Any]] = payload.setdefault("items", [])
    rooms: list[dict[str, Any]] = payload.setdefault("rooms", [])
    if verb == "pick_customer":
        payload["customer"] = arg
        payload["related_inspection"] = ""
        return "id_order_type"
    if verb == "clear_customer":
        payload["customer"] = ""
        payload["related_inspection"] = ""
        return "customer_q"
    if verb == "quick_customer":
        return _quick_customer(request, payload)
    if verb == "add_item":
        code = normalize_code(request.POST.get("add_code") or "")
        variant = _variant_for_code(code) if code else None
        if variant is None:
            request._entry_problem = (  # type: ignore[attr-defined]
                _("No active product has the code or barcode “%(code)s”.") % {"code": code}
                if code
                else _("Type or scan a product code first.")
            )
            return "add_code"
        default_wh = request.POST.get("default_warehouse") or ""
        items.append(
            {
                "variant": str(variant.pk),
                "code": variant.code,
                "name": variant.product.name + (f" - {variant.colour}" if variant.colour else ""),
                "warehouse": "" if variant.product.kind == "service" else default_wh,
                "quantity": "1",
                "unit_price": "",
                "discount_percent": "0",
            }
        )
        return f"items-{len(items) - 1}-quantity"
    if verb == "remove_item":
        index = drafts._int(arg)
        if index is not None and 0 <= index < len(items):
            items.pop(index)
            for room in rooms:
                for fabric in room.get("fabrics") or []:
                    ref = drafts._int(fabric.get("item"))
                    if ref == index:
                        fabric["item"] = ""
                    elif ref is not None and ref > index:
                        fabric["item"] = str(ref - 1)
        return "add_code"
    if verb == "add_room":
        rooms.append(
            {
                "room_name": "",
                "width_cm": "",
                "height_cm": "",
                "installation_type": CurtainRoom.Installation.WALL,
                "curtain_box": False,
                "curtain_box_size": "",
                "notes": "",
                "fabrics": [],
                "accessories": [],
            }
        )
        return f"rooms-{len(rooms) - 1}-room_name"
    index = drafts._int(arg.split(".")[0]) if arg else None
    if index is None or not 0 <= index < len(rooms):
        return ""
    room = rooms[index]
    if verb == "remove_room":
        rooms.pop(index)
        return "add-room"
    if verb == "add_fabric":
        room.setdefault("fabrics", []).append(
            {
                "fabric_type": CurtainFabric.FabricType.LIGHT,
                "item": "",
                "customer_supplied": "",
                "meters": "",
                "pieces": "1",
                "tailoring_type": "",
            }
        )
        return f"rooms-{index}-fabrics-{len(room['fabrics']) - 1}-item"
    if verb == "add_accessory":
        room.setdefault("accessories", []).append({"name": "", "quantity": "1", "size": "", "colour": ""})
        return f"rooms-{index}-accessories-{len(room['accessories']) - 1}-name"
    sub = drafts._int(arg.split(".")[1]) if "." in arg else None
    if verb == "remove_fabric" and sub is not None and 0 <= sub < len(room.get("fabrics") or []):
        room["fabrics"].pop(sub)
        return f"add-fabric-{index}"
    if verb == "remove_accessory" and sub is not None and 0 <= sub < len(room.get("accessories") or []):
        room["accessories"].pop(sub)
        return f"add-accessory-{index}"
    return ""


def _variant_for_code(code: str) -> Variant | None:
    """An active product's variant by its exact code or barcode (what a scanner types)."""
    return (
        Variant.objects.select_related("product")
        .filter(Q(code__iexact=code) | Q(barcode=code), is_active=True, product__is_active=True)
        .order_by("pk")
        .first()
    )


@login_required
@require_POST
def entry_refresh(request: HttpRequest) -> HttpResponse:
    """A structural change (htmx): apply the button's action to what was posted, save the draft, and re-render
    the form body from it (focus moves to the new row)."""
    require_perm(request.user, "orders.place_orders")
    payload = drafts.payload_from_post(request.POST)
    focus = _apply_action(request, payload, request.POST.get("action") or "")
    context = entry_context(request, payload, None, focus=focus)
    _autosave(request, context)
    problem = getattr(request, "_entry_problem", "")
    if problem:
        context["save_problem"] = problem
    return render(request, "orders/entry/_body.html", context)


def _quick_customer(request: HttpRequest, payload: dict[str, Any]) -> str:
    """Register a customer from the entry screen (name, phone, type, in the salesperson's branch) and pick them.
    Bad input (a phone that belongs to someone else, a missing name) is shown and nothing is saved."""
    from erp.customers.models import CustomerType
    from erp.customers.services import customer_create

    post = request.POST
    labels = {"name": _("Name"), "phone": _("Phone"), "customer_type": _("Customer type"), "branch": _("Branch")}
    try:
        if not access_for(request.user).has_perm("customers.manage_customers"):
            raise ValidationError(_("You may not register customers."))
        branch = getattr(request.user, "branch", None)
        if branch is None:
            raise ValidationError({"branch": _("Your account has no branch to register the customer in.")})
        ctype = CustomerType.objects.filter(pk=(post.get("quick_type") or "0"), is_active=True).first()
        if ctype is None:
            raise ValidationError({"customer_type": _("Choose the customer type.")})
        customer = customer_create(
            actor=request.user,
            branch=branch,
            name=post.get("quick_name") or "",
            customer_type=ctype,
            phone=post.get("quick_phone") or "",
        )
    except ValidationError as exc:
        parts = (
            [f"{labels.get(f, f)}: {' '.join(m)}" for f, m in exc.message_dict.items()]
            if hasattr(exc, "error_dict")
            else exc.messages
        )
        request._entry_problem = _("The customer was not registered. %(errors)s") % {  # type: ignore[attr-defined]
            "errors": " · ".join(parts)
        }
        return "customer_q"
    payload["customer"] = str(customer.pk)
    payload["related_inspection"] = ""
    return "id_order_type"


@login_required
@require_GET
def entry_customers(request: HttpRequest) -> HttpResponse:
    """Customer suggestions as the salesperson types (name, code or phone, Arabic-normalised), in their scope.
    Blocked and inactive customers are listed with the reason and cannot be picked."""
    require_perm(request.user, "orders.place_orders")
    query = (request.GET.get("customer_q") or request.GET.get("q") or "").strip()
    found: list[Customer] = []
    too_short = bool(query) and not searchable(search_terms(query))
    if query and not too_short:
        found = list(customer_list(actor=request.user, filters={"search": query}).order_by("name", "pk")[:SUGGESTIONS])
    quick: dict[str, Any] = {}
    if query and not too_short and not found and access_for(request.user).has_perm("customers.manage_customers"):
        from erp.customers.models import CustomerType

        digits = "".join(ch for ch in normalize_code(query) if ch.isdigit())
        quick = {
            "types": list(CustomerType.objects.filter(is_active=True).order_by("name")),
            "name": "" if len(digits) >= 6 else query,
            "phone": query if len(digits) >= 6 else "",
        }
    return render(
        request,
        "orders/entry/_customers.html",
        {
            "found": found,
            "query": query,
            "too_short": too_short,
            "min_length": SEARCH_MIN_LENGTH,
            "quick": quick,
            "blocked": Customer.Status.BLOCKED,
            "active": Customer.Status.ACTIVE,
        },
    )


@login_required
@require_GET
def entry_products(request: HttpRequest) -> HttpResponse:
    """Product suggestions (a <datalist>): active variants whose product name, code or barcode matches."""
    require_perm(request.user, "orders.place_orders")
    from erp.core.text import normalize_search

    query = (request.GET.get("add_code") or request.GET.get("q") or "").strip()
    term = normalize_search(query)
    found: list[Variant] = []
    if term:
        found = list(
            Variant.objects.select_related("product")
            .filter(is_active=True, product__is_active=True)
            .filter(Q(product__search_text__contains=term) | Q(code__istartswith=query) | Q(barcode=query))
            .order_by("code")[: SUGGESTIONS * 2]
        )
    return render(request, "orders/entry/_products.html", {"found": found})


def _review_or_place_errors(request: HttpRequest, payload: dict[str, Any]) -> dict[str, list[str]]:
    return drafts.order_check_payload(actor=request.user, payload=payload)


@login_required
@require_POST
def entry_review(request: HttpRequest) -> HttpResponse:
    """The review step: the order as it will be placed (every placement rule checked, nothing written but the
    draft). Errors send the salesperson back to the form with each error next to its field."""
    require_perm(request.user, "orders.place_orders")
    payload = drafts.payload_from_post(request.POST)
    errors = _review_or_place_errors(request, payload)
    context = entry_context(request, payload, None, errors=errors)
    _autosave(request, context)
    if errors:
        return render(request, "orders/entry/page.html", context, status=400)
    import json

    context["payload_json"] = json.dumps(payload, ensure_ascii=False)
    return render(request, "orders/entry/review.html", context)


@login_required
@require_POST
def entry_place(request: HttpRequest) -> HttpResponse:
    """Confirm: place the order (and delete its draft) in one transaction, then open the order."""
    require_perm(request.user, "orders.place_orders")
    import json

    try:
        payload = json.loads(request.POST.get("payload_json") or "")
        if not isinstance(payload, dict):
            raise ValueError
    except ValueError:
        payload = drafts.payload_from_post(request.POST)
    draft = _draft_from_post(request, fetch=True)
    if request.POST.get("edit"):
        return render(request, "orders/entry/page.html", entry_context(request, payload, draft))
    try:
        order = drafts.order_place_from_payload(actor=request.user, payload=payload, draft=draft)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        context = entry_context(request, payload, draft, errors=errors)
        return render(request, "orders/entry/page.html", context, status=400)
    messages.success(request, _("Order %(number)s was placed.") % {"number": order.number})
    return redirect("orders:order_detail", pk=order.pk)


# ---------------------------------------------------------------------------------------------------------------
# Drafts


@login_required
def draft_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "orders.place_orders")
    qs = OrderDraft.objects.filter(user_id=int(request.user.pk or 0)).order_by("-updated_at", "-id").defer("payload")
    page = paginate(request, qs)
    return render(
        request,
        "orders/entry/drafts.html",
        {"page": page, "limit": services.order_settings().max_drafts_per_user},
    )


@login_required
@require_POST
def draft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "orders.place_orders")
    draft = drafts.draft_get_for_user(actor=request.user, pk=pk)
    drafts.draft_delete(actor=request.user, draft=draft)
    messages.success(request, _("The draft was deleted."))
    return redirect(reverse("orders:draft_list"))


def money_or_blank(value: Decimal | None) -> str:
    return "" if value is None else str(value)


# ---------------------------------------------------------------------------------------------------------------
# Editing the items of a placed order (before work starts)

NEW_ROWS = 3


def _edit_rows(request: HttpRequest, order: Order) -> list[dict[str, Any]]:
    current = list(order.items.all())
    if request.method != "POST":
        rows = [
            {
                "id": str(i.pk),
                "code": i.code,
                "name": i.name,
                "warehouse": str(i.warehouse_id or ""),
                "quantity": str(i.quantity.normalize()),
                "unit_price": str(i.unit_price),
                "discount_percent": str(i.discount_percent.normalize()),
                "remove": False,
            }
            for i in current
        ]
        blank = {"id": "", "code": "", "name": "", "warehouse": "", "quantity": "", "unit_price": "", "remove": False}
        return rows + [{**blank, "discount_percent": "0"} for _n in range(NEW_ROWS)]
    names = {str(i.pk): i.name for i in current}
    rows = []
    for row in drafts._rows(
        request.POST, drafts._ROW, ("id", "code", "warehouse", "quantity", "unit_price", "discount_percent", "remove")
    ):
        rows.append(
            {
                **{
                    k: row.get(k, "") for k in ("id", "code", "warehouse", "quantity", "unit_price", "discount_percent")
                },
                "name": names.get(row.get("id", ""), ""),
                "remove": bool(row.get("remove")),
            }
        )
    return rows


@login_required
def order_items_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change, add or remove the items of an order awaiting approval or waiting (order_update_items)."""
    from erp.core.exceptions import ApplicationError

    require_perm(request.user, "orders.edit_orders")
    order = selectors.order_get_for_user(actor=request.user, pk=pk)
    rows = _edit_rows(request, order)
    errors: dict[int, dict[str, list[str]]] = {}
    summary: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        codes = {normalize_code(r["code"]).upper() for r in rows if r["code"] and not r["id"]}
        variants = {
            v.code.upper(): v for v in Variant.objects.select_related("product").filter(code__in=codes, is_active=True)
        }
        existing = {str(i.pk): i for i in order.items.all()}
        items: list[services.ItemEdit] = []
        form_rows: list[int] = []
        bad: dict[str, list[str]] = {}
        for n, row in enumerate(rows):
            if row["remove"]:
                continue
            if row["id"]:
                old = existing.get(row["id"])
                if old is None:
                    continue
                variant_id, warehouse_id = old.variant_id, old.warehouse_id
            else:
                if not row["code"] and not row["quantity"]:
                    continue
                variant = variants.get(normalize_code(row["code"]).upper())
                if variant is None:
                    bad.setdefault(f"items.{n}.variant", []).append(_("Choose an active product."))
                    continue
                variant_id, warehouse_id = variant.pk, drafts._int(row["warehouse"])
            quantity = drafts._dec(row["quantity"])
            if quantity is None:
                bad.setdefault(f"items.{n}.quantity", []).append(_("Enter a quantity above zero."))
                continue
            price = drafts._dec(row["unit_price"]) if access_for(request.user).has_perm("orders.manual_price") else None
            items.append(
                services.ItemEdit(
                    variant_id=variant_id,
                    quantity=quantity,
                    warehouse_id=warehouse_id,
                    unit_price=price,
                    discount_percent=drafts._dec(row["discount_percent"]) or Decimal(0),
                    item_id=int(row["id"]) if row["id"] else None,
                )
            )
            form_rows.append(n)
        problems: dict[str, list[str]] = dict(bad)
        if not bad:
            try:
                services.order_update_items(
                    actor=request.user, order=order, items=items, reason=request.POST.get("reason") or ""
                )
            except ValidationError as exc:
                for key, messages_ in exc.message_dict.items():
                    parts = key.split(".")
                    if parts[0] == "items" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(form_rows):
                        parts[1] = str(form_rows[int(parts[1])])
                    problems.setdefault(".".join(parts), []).extend(messages_)
            except ApplicationError as exc:
                problems.setdefault("__all__", []).append(str(exc.message))
            else:
                messages.success(request, _("The items were saved."))
                return redirect("orders:order_detail", pk=order.pk)
        for key, messages_ in problems.items():
            parts = key.split(".")
            if parts[0] == "items" and len(parts) == 3 and parts[1].isdigit():
                errors.setdefault(int(parts[1]), {}).setdefault(parts[2], []).extend(messages_)
            summary.extend((drafts.error_label(key), str(m)) for m in messages_)
        status = 400
    return render(
        request,
        "orders/items_edit.html",
        {
            "order": order,
            "rows": [{"n": n, **row, "errors": errors.get(n, {})} for n, row in enumerate(rows)],
            "summary": summary,
            "warehouses": _warehouses(request),
            "can_manual_price": access_for(request.user).has_perm("orders.manual_price"),
            "editable": order.status in services.ITEMS_EDITABLE,
        },
        status=status,
    )


@login_required
def payment_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """A payment's printable receipt (Arabic, print CSS): the customer, the amount, method, reference and the
    orders it was allocated to with their balance after it."""
    require_perm(request.user, "orders.view_orders")
    payment = selectors.payment_receipt_get(actor=request.user, pk=pk)
    return render(
        request, "orders/payment_receipt.html", {"payment": payment, "allocations": list(payment.allocations.all())}
    )
