"""Order drafts and the entry screen's server side: the payload the entry form posts (kept exactly as typed, so
nothing is lost), the draft services (per-user limit, auto-save, placing a draft in one transaction), the live
preview (prices and totals through the same functions placement uses) and field-error labels naming the row.

The payload (JSON, all values as typed):
    customer, order_type, priority, salesperson, delivery_type, delivery_address, related_inspection,
    invoice_numbers [3], promo_code, financial_addition, admin_discount, notes, waive_down_payment,
    payment {amount, method, reference},
    items [{variant, code, name, warehouse, quantity, unit_price, discount_percent}],
    rooms [{room_name, width_cm, height_cm, installation_type, curtain_box, curtain_box_size, notes,
            fabrics [{fabric_type, item, customer_supplied, meters, pieces, tailoring_type}],
            accessories [{name, quantity, size, colour}]}]
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.accounts.access import access_for, require_perm
from erp.accounts.models import User
from erp.core.text import normalize_code
from erp.customers.models import Customer
from erp.inventory.models import Variant
from erp.orders import services
from erp.orders.models import CurtainFabric, CurtainRoom, Order, OrderDraft, OrderItem, Payment, PromoCode, Salesperson

HEADER_FIELDS = (
    "customer",
    "order_type",
    "priority",
    "salesperson",
    "delivery_type",
    "delivery_address",
    "related_inspection",
    "promo_code",
    "financial_addition",
    "admin_discount",
    "notes",
    "default_warehouse",
)
ITEM_FIELDS = ("variant", "code", "name", "warehouse", "quantity", "unit_price", "discount_percent")
ROOM_FIELDS = ("room_name", "width_cm", "height_cm", "installation_type", "curtain_box_size", "notes")
FABRIC_FIELDS = ("fabric_type", "item", "customer_supplied", "meters", "pieces", "tailoring_type")
ACCESSORY_FIELDS = ("name", "quantity", "size", "colour")
MAX_ROWS = 200
MAX_TEXT = 1000
_ROW = re.compile(r"^items-(\d+)-(\w+)$")
_ROOM = re.compile(r"^rooms-(\d+)-(\w+)$")
_SUB = re.compile(r"^rooms-(\d+)-(fabrics|accessories)-(\d+)-(\w+)$")


# ---------------------------------------------------------------------------------------------------------------
# The payload: from the posted form, and back to field names


def _text(value: Any) -> str:
    return str(value or "").strip()[:MAX_TEXT]


def empty_payload() -> dict[str, Any]:
    return {
        "order_type": Order.Type.PRODUCTS,
        "priority": Order.Priority.NORMAL,
        "delivery_type": Order.Delivery.BRANCH,
        "invoice_numbers": ["", "", ""],
        "payment": {"amount": "", "method": Payment.Method.CASH, "reference": ""},
        "items": [],
        "rooms": [],
    }


def _rows(data: Any, pattern: re.Pattern[str], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for key in data:
        match = pattern.match(key)
        if match and match.group(2) in fields and int(match.group(1)) < MAX_ROWS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = _text(data.get(key))
    return [rows[n] for n in sorted(rows)]


def payload_from_post(data: Any) -> dict[str, Any]:
    """The entry form's fields (a QueryDict) as a draft payload. No validation: everything typed is kept."""
    payload: dict[str, Any] = {name: _text(data.get(name)) for name in HEADER_FIELDS}
    payload["invoice_numbers"] = [_text(data.get(f"invoice_{n}")) for n in (1, 2, 3)]
    payload["waive_down_payment"] = bool(data.get("waive_down_payment"))
    payload["payment"] = {
        "amount": _text(data.get("payment_amount")),
        "method": _text(data.get("payment_method")) or Payment.Method.CASH,
        "reference": _text(data.get("payment_reference")),
    }
    payload["items"] = [{name: row.get(name, "") for name in ITEM_FIELDS} for row in _rows(data, _ROW, ITEM_FIELDS)]
    rooms: dict[int, dict[str, Any]] = {}
    for key in data:
        match = _ROOM.match(key)
        if match and match.group(2) in ROOM_FIELDS + ("curtain_box", "present") and int(match.group(1)) < MAX_ROWS:
            rooms.setdefault(int(match.group(1)), {"fabrics": {}, "accessories": {}})[match.group(2)] = _text(
                data.get(key)
            )
        sub = _SUB.match(key)
        if sub and int(sub.group(1)) < MAX_ROWS and int(sub.group(3)) < MAX_ROWS:
            room = rooms.setdefault(int(sub.group(1)), {"fabrics": {}, "accessories": {}})
            allowed = FABRIC_FIELDS if sub.group(2) == "fabrics" else ACCESSORY_FIELDS
            if sub.group(4) in allowed:
                room[sub.group(2)].setdefault(int(sub.group(3)), {})[sub.group(4)] = _text(data.get(key))
    payload["rooms"] = [
        {
            **{name: rooms[r].get(name, "") for name in ROOM_FIELDS},
            "curtain_box": bool(rooms[r].get("curtain_box")),
            "fabrics": [
                {name: f.get(name, "") for name in FABRIC_FIELDS} for _n, f in sorted(rooms[r]["fabrics"].items())
            ],
            "accessories": [
                {name: a.get(name, "") for name in ACCESSORY_FIELDS}
                for _n, a in sorted(rooms[r]["accessories"].items())
            ],
        }
        for r in sorted(rooms)
    ]
    return payload


def form_field_name(key: str) -> str:
    """A service error key (`items.2.quantity`, `payment.amount`) as the entry form's field name."""
    if key.startswith("payment."):
        return "payment_" + key.split(".", 1)[1]
    return key.replace(".", "-")


def error_label(key: str) -> str:
    """Where an error is, in words: "Item 3 · Quantity", "Room 1 · Fabric 2 · Meters", "Invoice numbers"."""
    parts = key.split(".")
    labels = {
        "customer": _("Customer"),
        "order_type": _("Order type"),
        "priority": _("Priority"),
        "salesperson": _("Salesperson"),
        "delivery_type": _("Delivery"),
        "delivery_address": _("Delivery address"),
        "related_inspection": _("Related inspection"),
        "invoice_numbers": _("Invoice numbers"),
        "promo_code": _("Promo code"),
        "financial_addition": _("Financial addition"),
        "admin_discount": _("Administrative discount"),
        "waive_down_payment": _("Waive the down payment"),
        "notes": _("Notes"),
        "items": _("Items"),
        "rooms": _("Curtain rooms"),
        "payment": _("First payment"),
        "variant": _("Product"),
        "warehouse": _("Warehouse"),
        "quantity": _("Quantity"),
        "unit_price": _("Unit price"),
        "discount_percent": _("Discount %"),
        "amount": _("Amount"),
        "method": _("Method"),
        "reference": _("Reference"),
        "room_name": _("Room"),
        "width_cm": _("Width (cm)"),
        "height_cm": _("Height (cm)"),
        "installation_type": _("Installation"),
        "fabric_type": _("Fabric"),
        "order_item": _("Fabric source"),
        "item": _("Fabric source"),
        "meters": _("Meters"),
        "pieces": _("Pieces"),
        "tailoring_type": _("Tailoring"),
        "name": _("Name"),
        "__all__": _("Order"),
    }
    out: list[str] = []
    n = 0
    while n < len(parts):
        part = parts[n]
        nxt = parts[n + 1] if n + 1 < len(parts) else None
        if nxt is not None and nxt.isdigit():
            row = int(nxt) + 1
            row_label = {
                "items": _("Item %(n)s"),
                "rooms": _("Room %(n)s"),
                "fabrics": _("Fabric line %(n)s"),
                "accessories": _("Accessory %(n)s"),
            }.get(part, "%(n)s")
            out.append(row_label % {"n": row})
            n += 2
            continue
        out.append(str(labels.get(part, part)))
        n += 1
    return " · ".join(out)


# ---------------------------------------------------------------------------------------------------------------
# From the payload to order_place


_DECIMAL_COMMA = re.compile(r"-?\d+,\d{1,2}")


def _dec(value: Any) -> Decimal | None:
    """A number as the salesperson types it: Arabic-Indic digits and the Arabic decimal mark (٫) are read; a comma
    is the decimal mark when it is the only separator and one or two digits follow it (4,5 or 652,00: how the
    Arabic pages show numbers), otherwise it separates thousands (1,250)."""
    text = normalize_code(str(value or "")).replace("٫", ".").replace("٬", "")
    if _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    text = text.replace(",", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except Exception:  # noqa: BLE001 - any unparsable input is a field error
        return None


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@dataclass
class Resolved:
    """The payload's references, looked up once (a fixed number of queries whatever the number of rows)."""

    customer: Customer | None = None
    salesperson: Salesperson | None = None
    inspection: Order | None = None
    variants: dict[int, Variant] = field(default_factory=dict)


def resolve(*, actor: Any, payload: dict[str, Any], salespeople: Sequence[Salesperson] = ()) -> Resolved:
    """`salespeople` already fetched (the entry form's list) are used before asking the database."""
    from django.db.models import prefetch_related_objects

    from erp.accounts.scoping import scope_for

    out = Resolved()
    customer_id = _int(payload.get("customer"))
    if customer_id:
        out.customer = (
            scope_for(actor, "customers", Customer.objects.select_related("customer_type", "branch"))
            .filter(pk=customer_id)
            .first()
        )
        if out.customer is not None and out.customer.customer_type.pricing_type == "discount":
            prefetch_related_objects([out.customer.customer_type], "discount_warehouses")
    salesperson_id = _int(payload.get("salesperson"))
    if salesperson_id:
        out.salesperson = next((s for s in salespeople if s.pk == salesperson_id), None)
        if out.salesperson is None:
            out.salesperson = Salesperson.objects.select_related("branch").filter(pk=salesperson_id).first()
    inspection_id = _int(payload.get("related_inspection"))
    if inspection_id and out.customer is not None:
        from erp.orders.selectors import inspections_for

        out.inspection = inspections_for(customer_id=out.customer.pk).filter(pk=inspection_id).first()
    ids = {_int(i.get("variant")) for i in payload.get("items") or []}
    out.variants = Variant.objects.select_related("product").in_bulk({i for i in ids if i})
    return out


def place_kwargs(*, actor: Any, payload: dict[str, Any], resolved: Resolved) -> dict[str, Any]:
    """order_place's arguments from a payload; a value that is not even a number is a field error (raised before
    anything is written, with every other conversion error)."""
    errors: dict[str, list[str]] = {}

    def bad(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    def number(key: str, value: Any, *, default: Decimal | None = None, required: bool = True) -> Decimal:
        parsed = _dec(value)
        if parsed is None:
            if str(value or "").strip():
                bad(key, _("Enter a number."))
            elif required and default is None:
                bad(key, _("This field is required."))
            return default if default is not None else Decimal(0)
        return parsed

    if resolved.customer is None:
        bad("customer", _("Choose the customer."))
    if payload.get("salesperson") and resolved.salesperson is None:
        bad("salesperson", _("Choose an active salesperson of this branch."))
    if payload.get("related_inspection") and resolved.inspection is None:
        bad("related_inspection", _("Choose a completed inspection of this customer."))
    items: list[services.ItemInput] = []
    for n, row in enumerate(payload.get("items") or []):
        variant_id = _int(row.get("variant"))
        if not variant_id or variant_id not in resolved.variants:
            bad(f"items.{n}.variant", _("Choose an active product."))
        price = _dec(row.get("unit_price"))
        if str(row.get("unit_price") or "").strip() and price is None:
            bad(f"items.{n}.unit_price", _("Enter a number."))
        items.append(
            services.ItemInput(
                variant_id=variant_id or 0,
                quantity=number(f"items.{n}.quantity", row.get("quantity")),
                warehouse_id=_int(row.get("warehouse")),
                unit_price=price,
                discount_percent=number(f"items.{n}.discount_percent", row.get("discount_percent"), default=Decimal(0)),
            )
        )
    rooms: list[services.RoomInput] = []
    for r, room in enumerate(payload.get("rooms") or []):
        fabrics = []
        for f, fabric in enumerate(room.get("fabrics") or []):
            index = _int(fabric.get("item"))
            pieces = _int(fabric.get("pieces") or 1)
            if pieces is None:
                bad(f"rooms.{r}.fabrics.{f}.pieces", _("Enter a whole number."))
            fabrics.append(
                services.FabricInput(
                    fabric_type=fabric.get("fabric_type") or "",
                    meters=number(f"rooms.{r}.fabrics.{f}.meters", fabric.get("meters")),
                    item_index=index,
                    customer_supplied=fabric.get("customer_supplied") or "",
                    pieces=pieces or 1,
                    tailoring_type=fabric.get("tailoring_type") or "",
                )
            )
        accessories = [
            services.AccessoryInput(
                name=a.get("name") or "",
                quantity=number(f"rooms.{r}.accessories.{a_n}.quantity", a.get("quantity")),
                size=a.get("size") or "",
                colour=a.get("colour") or "",
            )
            for a_n, a in enumerate(room.get("accessories") or [])
        ]
        rooms.append(
            services.RoomInput(
                room_name=room.get("room_name") or "",
                width_cm=number(f"rooms.{r}.width_cm", room.get("width_cm")),
                height_cm=number(f"rooms.{r}.height_cm", room.get("height_cm")),
                installation_type=room.get("installation_type") or CurtainRoom.Installation.WALL,
                curtain_box=bool(room.get("curtain_box")),
                curtain_box_size=room.get("curtain_box_size") or "",
                notes=room.get("notes") or "",
                fabrics=fabrics,
                accessories=accessories,
            )
        )
    pay = payload.get("payment") or {}
    payment = None
    if str(pay.get("amount") or "").strip():
        payment = services.PaymentInput(
            amount=number("payment.amount", pay.get("amount")),
            method=pay.get("method") or Payment.Method.CASH,
            reference=pay.get("reference") or "",
        )
    kwargs = {
        "customer": resolved.customer,
        "order_type": payload.get("order_type") or "",
        "priority": payload.get("priority") or Order.Priority.NORMAL,
        "salesperson": resolved.salesperson,
        "branch": resolved.salesperson.branch if resolved.salesperson else None,
        "delivery_type": payload.get("delivery_type") or Order.Delivery.BRANCH,
        "delivery_address": payload.get("delivery_address") or "",
        "related_inspection": resolved.inspection,
        "invoice_numbers": [n for n in payload.get("invoice_numbers") or [] if n],
        "promo_code": payload.get("promo_code") or "",
        "financial_addition": number("financial_addition", payload.get("financial_addition"), default=Decimal(0)),
        "admin_discount": number("admin_discount", payload.get("admin_discount"), default=Decimal(0)),
        "notes": payload.get("notes") or "",
        "waive_down_payment": bool(payload.get("waive_down_payment")),
        "items": items,
        "rooms": rooms if payload.get("order_type") in services.MADE_TO_MEASURE else [],
        "payment": payment,
    }
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    return kwargs


# ---------------------------------------------------------------------------------------------------------------
# Live preview: prices and totals as placement will compute them


@dataclass
class PreviewLine:
    index: int
    variant: Variant | None
    list_price: Decimal | None
    unit_price: Decimal | None
    amounts: services.LineAmounts | None


@dataclass
class Preview:
    lines: list[PreviewLine]
    totals: services.Totals
    promo_percent: Decimal = Decimal(0)
    promo_message: str = ""
    promo_ok: bool = False
    required_down_payment: Decimal = Decimal("0.00")
    expected_delivery: date | None = None
    fabric_meters: dict[int, Decimal] = field(default_factory=dict)


def preview(*, actor: Any, payload: dict[str, Any], resolved: Resolved, conf: Any) -> Preview:
    """Prices from the customer type (services.item_list_price), line amounts and totals (services.line_amounts and
    compute_totals), the promo code's state, the minimum down payment and the expected delivery date."""
    access = access_for(actor)
    ctype = resolved.customer.customer_type if resolved.customer else None
    lines: list[PreviewLine] = []
    amounts: list[services.LineAmounts] = []
    for n, row in enumerate(payload.get("items") or []):
        variant = resolved.variants.get(_int(row.get("variant")) or 0)
        if variant is None or ctype is None:
            lines.append(PreviewLine(n, variant, None, None, None))
            continue
        list_price = services.item_list_price(variant, ctype, warehouse_id=_int(row.get("warehouse")))
        manual = _dec(row.get("unit_price"))
        price = manual if manual is not None and manual >= 0 and access.has_perm("orders.manual_price") else list_price
        price = services.money(price)
        quantity = _dec(row.get("quantity"))
        percent = _dec(row.get("discount_percent")) or Decimal(0)
        line = None
        if quantity is not None and quantity > 0 and 0 <= percent <= conf.max_item_discount_percent:
            line = services.line_amounts(quantity, price, percent)
            amounts.append(line)
        lines.append(PreviewLine(n, variant, list_price, price, line))
    out = Preview(lines=lines, totals=services.compute_totals([]))
    code = normalize_code(payload.get("promo_code") or "").upper()
    if code:
        promo = PromoCode.objects.filter(code=code).first()
        if promo is None:
            out.promo_message = _("Unknown promo code.")
        elif promo.status != PromoCode.Status.ACTIVE:
            out.promo_message = _("This promo code is %(status)s.") % {"status": promo.get_status_display()}
        elif promo.expires_at <= timezone.now():
            out.promo_message = _("This promo code has expired.")
        else:
            out.promo_ok = True
            out.promo_percent = promo.discount_percent
            out.promo_message = _("%(percent)s %% off.") % {"percent": promo.discount_percent.normalize()}
    addition = _dec(payload.get("financial_addition")) or Decimal(0)
    discount = _dec(payload.get("admin_discount")) or Decimal(0)
    if discount and not access.has_perm("orders.admin_discount"):
        discount = Decimal(0)
    out.totals = services.compute_totals(
        amounts,
        financial_addition=max(addition, Decimal(0)),
        admin_discount=max(discount, Decimal(0)),
        promo_percent=out.promo_percent,
    )
    out.required_down_payment = services.money(
        max(out.totals.total, Decimal(0)) * conf.min_down_payment_percent / services.HUNDRED
    )
    order_type = payload.get("order_type") or ""
    priority = payload.get("priority") or Order.Priority.NORMAL
    if order_type in Order.Type.values:
        out.expected_delivery = timezone.localdate() + timedelta(
            days=conf.delivery_days_for(priority=priority, order_type=order_type)
        )
    for room in payload.get("rooms") or []:
        for fabric in room.get("fabrics") or []:
            index, meters = _int(fabric.get("item")), _dec(fabric.get("meters"))
            if index is not None and meters is not None:
                out.fabric_meters[index] = out.fabric_meters.get(index, Decimal(0)) + meters
    return out


# ---------------------------------------------------------------------------------------------------------------
# Draft services


def draft_title(payload: dict[str, Any], customer: Customer | None) -> str:
    parts = [customer.name if customer else _("No customer yet")]
    if payload.get("order_type") in Order.Type.values:
        parts.append(str(Order.Type(payload["order_type"]).label))
    items = len(payload.get("items") or [])
    if items:
        parts.append(_("%(n)s items") % {"n": items})
    return " · ".join(parts)[:200]


def draft_get_for_user(*, actor: Any, pk: int) -> OrderDraft:
    """A user's own draft (404 for anyone else's)."""
    return get_object_or_404(OrderDraft.objects.filter(user_id=actor.pk), pk=pk)


def draft_save(*, actor: Any, payload: dict[str, Any], draft: OrderDraft | None = None, title: str = "") -> OrderDraft:
    """Create (draft=None) or overwrite a draft of the actor's (`draft` may be an unfetched OrderDraft(pk=…): the
    update is one statement filtered by owner). A new draft beyond the per-user limit is refused; the count is taken
    under a lock on the user's row, so two tabs cannot both pass it."""
    require_perm(actor, "orders.place_orders")
    if draft is not None:
        updated = OrderDraft.objects.filter(pk=draft.pk, user_id=actor.pk).update(
            payload=payload, title=title, updated_at=timezone.now()
        )
        if not updated:
            raise ValidationError({"__all__": _("This draft no longer exists (it was placed or deleted).")})
        draft.payload, draft.title = payload, title
        return draft
    return _draft_create(actor=actor, payload=payload, title=title)


@transaction.atomic
def _draft_create(*, actor: Any, payload: dict[str, Any], title: str) -> OrderDraft:
    limit = services.order_settings().max_drafts_per_user
    User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True).first()
    if OrderDraft.objects.filter(user_id=actor.pk).count() >= limit:
        raise ValidationError(
            {
                "__all__": _(
                    "You already have %(limit)s saved drafts, the most allowed. Place or delete one of them first."
                )
                % {"limit": limit}
            }
        )
    return OrderDraft.objects.create(user=actor, payload=payload, title=title)


@transaction.atomic
def draft_delete(*, actor: Any, draft: OrderDraft) -> None:
    require_perm(actor, "orders.place_orders")
    OrderDraft.objects.filter(pk=draft.pk, user_id=actor.pk).delete()


@transaction.atomic
def order_place_from_payload(*, actor: Any, payload: dict[str, Any], draft: OrderDraft | None = None) -> Order:
    """Place the order the payload describes (order_place: all rules, one transaction) and delete the draft in the
    same transaction. On any error nothing is written and the draft stays as it was."""
    require_perm(actor, "orders.place_orders")
    if draft is not None:
        locked = OrderDraft.objects.select_for_update().filter(pk=draft.pk, user_id=actor.pk).first()
        if locked is None:
            raise ValidationError({"__all__": _("This draft no longer exists (it was placed or deleted).")})
    resolved = resolve(actor=actor, payload=payload)
    order = services.order_place(actor=actor, **place_kwargs(actor=actor, payload=payload, resolved=resolved))
    if draft is not None:
        OrderDraft.objects.filter(pk=draft.pk).delete()
    return order


@transaction.atomic
def draft_place(*, actor: Any, draft: OrderDraft) -> Order:
    """Place a saved draft as it is stored."""
    return order_place_from_payload(actor=actor, payload=draft.payload, draft=draft)


class _DryRun(Exception):  # noqa: N818 - control flow only
    pass


def order_check_payload(*, actor: Any, payload: dict[str, Any]) -> dict[str, list[str]]:
    """Every error placing would raise, without placing: order_place runs in a savepoint that is rolled back
    (numbers, stock, payment and hand-offs included), so the review step checks exactly the placement rules."""
    try:
        with transaction.atomic():
            order_place_from_payload(actor=actor, payload=payload)
            raise _DryRun
    except _DryRun:
        return {}
    except ValidationError as exc:
        return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def kind_is_fabric(variant: Variant | None) -> bool:
    return variant is not None and variant.product.kind == OrderItem.Kind.FABRIC


FABRIC_TYPES = CurtainFabric.FabricType.choices
