"""Order writes: placing an order in one transaction, editing it (audited), payments with oldest-first allocation,
refunds, promo codes, and the totals every one of them maintains (domain A.3-2, A.3-4, A.3-5, A.3-6).

Everything here raises ValidationError with field keys (`items.2.quantity`, `payment.amount`, …) before writing
anything, so a refused request saves nothing.
"""

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.accounts.access import access_for, require_perm
from erp.core import hooks
from erp.core.counters import counter_next
from erp.core.exceptions import InsufficientStock
from erp.core.text import normalize_code, normalize_search
from erp.customers.models import Customer
from erp.customers.services import customer_type_price_discount, ensure_can_order
from erp.inventory.models import StockMovement, Variant, Warehouse
from erp.inventory.services import StockLine, stock_apply, variant_price
from erp.orders.credit import credit_check
from erp.orders.handoffs import dispatch_handoffs
from erp.orders.models import (
    CurtainAccessory,
    CurtainFabric,
    CurtainRoom,
    Order,
    OrderEvent,
    OrderHandoff,
    OrderInvoice,
    OrderItem,
    OrderSettings,
    Payment,
    PaymentAllocation,
    PromoCode,
    Salesperson,
)

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_INVOICES = 3
T = Order.Type
S = Order.Status
MADE_TO_MEASURE = (T.INSTALLATION, T.TAILORING)
FACTORY_TYPES = (T.INSTALLATION, T.TAILORING, T.ACCESSORY)
OPEN_STATUSES = (S.PENDING_APPROVAL, S.PENDING, S.IN_PROGRESS, S.READY_INSTALL, S.COMPLETED, S.DELIVERED)


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def order_settings() -> OrderSettings:
    obj, _created = OrderSettings.objects.get_or_create(pk=1)
    return obj


# ---------------------------------------------------------------------------------------------------------------
# Totals (pure)


@dataclass(frozen=True)
class LineAmounts:
    gross: Decimal
    discount: Decimal
    net: Decimal


def line_amounts(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal) -> LineAmounts:
    gross = money(quantity * unit_price)
    discount = money(gross * discount_percent / HUNDRED)
    return LineAmounts(gross, discount, gross - discount)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    items_discount: Decimal
    financial_addition: Decimal
    admin_discount: Decimal
    promo_discount: Decimal
    total: Decimal

    @property
    def before_promo(self) -> Decimal:
        return self.subtotal - self.items_discount + self.financial_addition - self.admin_discount


def compute_totals(
    lines: Iterable[LineAmounts],
    *,
    financial_addition: Decimal = Decimal(0),
    admin_discount: Decimal = Decimal(0),
    promo_percent: Decimal = Decimal(0),
) -> Totals:
    """subtotal − item discounts + financial addition − administrative discount, then the promo % off that."""
    lines = list(lines)
    subtotal = sum((line.gross for line in lines), Decimal("0.00"))
    items_discount = sum((line.discount for line in lines), Decimal("0.00"))
    before = subtotal - items_discount + money(financial_addition) - money(admin_discount)
    promo = money(before * promo_percent / HUNDRED) if before > 0 else Decimal("0.00")
    return Totals(subtotal, items_discount, money(financial_addition), money(admin_discount), promo, before - promo)


def item_list_price(variant: Variant, customer_type: Any, *, warehouse_id: int | None) -> Decimal:
    """The unit price an item gets from the customer type's pricing (retail, wholesale, or a percentage off retail
    for goods from the type's warehouses). `variant.product` selected, `discount_warehouses` prefetched."""
    base = variant_price(variant, wholesale=customer_type.pricing_type == "wholesale")
    type_percent = customer_type_price_discount(customer_type, warehouse_id=warehouse_id)
    return money(base * (HUNDRED - type_percent) / HUNDRED)


# ---------------------------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class ItemInput:
    variant_id: int
    quantity: Decimal
    warehouse_id: int | None = None
    unit_price: Decimal | None = None  # a manual price; needs orders.manual_price when it differs from the list price
    discount_percent: Decimal = Decimal(0)


@dataclass(frozen=True)
class ItemEdit(ItemInput):
    """An item row when editing a placed order's items: `item_id` keeps (and changes) an existing row; without it
    the row is new. Rows of the order missing from the list are removed."""

    item_id: int | None = None


@dataclass(frozen=True)
class FabricInput:
    fabric_type: str
    meters: Decimal
    item_index: int | None = None  # index into the order's items; None for a customer-supplied fabric
    customer_supplied: str = ""
    pieces: int = 1
    tailoring_type: str = ""


@dataclass(frozen=True)
class AccessoryInput:
    name: str
    quantity: Decimal
    size: str = ""
    colour: str = ""


@dataclass(frozen=True)
class RoomInput:
    room_name: str
    width_cm: Decimal
    height_cm: Decimal
    installation_type: str = CurtainRoom.Installation.WALL
    curtain_box: bool = False
    curtain_box_size: str = ""
    notes: str = ""
    fabrics: Sequence[FabricInput] = ()
    accessories: Sequence[AccessoryInput] = ()


@dataclass(frozen=True)
class PaymentInput:
    amount: Decimal
    method: str = Payment.Method.CASH
    reference: str = ""
    payment_date: date | None = None


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = defaultdict(list)

    def add(self, name: str, message: str) -> None:
        self.by_field[name].append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(dict(self.by_field))  # type: ignore[arg-type]


def _dec(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except Exception:  # noqa: BLE001 - any unparsable input is a field error
        return None


def _clean_invoice_numbers(numbers: Sequence[str], errors: _Errors, *, exclude_order: int | None = None) -> list[str]:
    cleaned = [normalize_code(n).upper() for n in numbers if normalize_code(n or "")]
    if len(cleaned) > MAX_INVOICES:
        errors.add("invoice_numbers", _("At most three invoice numbers."))
    if len(set(cleaned)) != len(cleaned):
        errors.add("invoice_numbers", _("An invoice number is repeated."))
    taken = OrderInvoice.objects.filter(number__in=cleaned)
    if exclude_order is not None:
        taken = taken.exclude(order_id=exclude_order)
    for number in taken.values_list("number", flat=True):
        errors.add("invoice_numbers", _("Invoice number %(number)s is already used.") % {"number": number})
    return cleaned[:MAX_INVOICES]


def _write_invoices(order: Order, numbers: list[str]) -> None:
    try:
        with transaction.atomic():
            OrderInvoice.objects.filter(order=order).delete()
            OrderInvoice.objects.bulk_create(
                OrderInvoice(order=order, number=n, position=i) for i, n in enumerate(numbers, start=1)
            )
    except IntegrityError:
        raise ValidationError({"invoice_numbers": _("An invoice number is already used.")}) from None


def order_search_text(order: Order, customer: Customer) -> str:
    parts = [order.number, order.invoice_numbers.replace(",", " "), order.contract_number, customer.name]
    parts += [p for p in (customer.phone, customer.phone2) if p]
    parts += ["0" + p[3:] for p in (customer.phone, customer.phone2) if p and p.startswith("+20")]
    return normalize_search(" ".join(p for p in parts if p))


def initial_status(order_type: str) -> str:
    """Products and inspection orders wait; made-to-measure and accessory orders await approval (B §4.3)."""
    return S.PENDING if order_type in (T.PRODUCTS, T.INSPECTION) else S.PENDING_APPROVAL


def _build_items(
    items: Sequence[ItemInput],
    *,
    customer: Customer,
    conf: OrderSettings,
    access: Any,
    errors: _Errors,
    kept_prices: dict[int, Decimal] | None = None,
) -> tuple[list[OrderItem], dict[int, Variant]]:
    """Validate item inputs and price them (unsaved OrderItem rows, positions from 1). Errors are keyed
    `items.<index>.<field>`; invalid rows are left out of the result. `kept_prices` (row index: price) are prices
    a row already had on the order: keeping one needs no permission."""
    # Items: one query for the variants (with products), one for the warehouses, one for the type's warehouses.
    variants = Variant.objects.select_related("product").in_bulk({i.variant_id for i in items})
    warehouses = Warehouse.objects.in_bulk({i.warehouse_id for i in items if i.warehouse_id})
    ctype = customer.customer_type
    if ctype.pricing_type == "discount":
        list(ctype.discount_warehouses.all())
    built: list[OrderItem] = []
    for index, item in enumerate(items):
        prefix = f"items.{index}"
        variant = variants.get(item.variant_id)
        quantity = _dec(item.quantity)
        percent = _dec(item.discount_percent)
        if variant is None or not variant.is_active or not variant.product.is_active:
            errors.add(f"{prefix}.variant", _("Choose an active product."))
            continue
        kind = variant.product.kind
        if quantity is None or quantity <= 0:
            errors.add(f"{prefix}.quantity", _("Enter a quantity above zero."))
            quantity = None
        warehouse = warehouses.get(item.warehouse_id) if item.warehouse_id else None
        if kind != OrderItem.Kind.SERVICE and (warehouse is None or not warehouse.is_active):
            errors.add(f"{prefix}.warehouse", _("Choose the warehouse the item is taken from."))
        if percent is None or percent < 0 or percent > conf.max_item_discount_percent:
            errors.add(
                f"{prefix}.discount_percent",
                _("The discount must be between 0 and %(cap)s %%.") % {"cap": conf.max_item_discount_percent},
            )
            percent = None
        list_price = item_list_price(variant, ctype, warehouse_id=warehouse.pk if warehouse else None)
        price = list_price
        manual = False
        if item.unit_price is not None:
            wanted = _dec(item.unit_price)
            if wanted is None or wanted < 0:
                errors.add(f"{prefix}.unit_price", _("Enter a price of zero or more."))
            elif money(wanted) != list_price:
                kept = (kept_prices or {}).get(index)
                if money(wanted) != kept and not access.has_perm("orders.manual_price"):
                    errors.add(f"{prefix}.unit_price", _("You may not change the price."))
                price, manual = money(wanted), True
        if quantity is None or percent is None:
            continue
        amounts = line_amounts(quantity, price, percent)
        built.append(
            OrderItem(
                position=index + 1,
                variant=variant,
                warehouse=warehouse,
                kind=kind,
                name=variant.product.name + (f" - {variant.colour}" if variant.colour else ""),
                code=variant.code,
                quantity=quantity,
                unit_price=price,
                is_manual_price=manual,
                discount_percent=percent,
                gross=amounts.gross,
                discount_amount=amounts.discount,
                net=amounts.net,
            )
        )

    return built, variants


# ---------------------------------------------------------------------------------------------------------------
# Placing an order


@transaction.atomic
def order_place(
    *,
    actor: Any,
    customer: Customer,
    order_type: str,
    items: Sequence[ItemInput] = (),
    branch: Any = None,
    salesperson: Salesperson | None = None,
    priority: str = Order.Priority.NORMAL,
    delivery_type: str = Order.Delivery.BRANCH,
    delivery_address: str = "",
    invoice_numbers: Sequence[str] = (),
    related_inspection: Order | None = None,
    financial_addition: Decimal = Decimal(0),
    admin_discount: Decimal = Decimal(0),
    promo_code: str = "",
    rooms: Sequence[RoomInput] = (),
    payment: PaymentInput | None = None,
    waive_down_payment: bool = False,
    notes: str = "",
    order_date: date | None = None,
) -> Order:
    """Validate everything, then number the order, write it with its items and contract, deduct stock for products
    orders, record the first payment, use the promo code, write the timeline and the hand-offs. All or nothing."""
    require_perm(actor, "orders.place_orders")
    access = access_for(actor)
    errors = _Errors()
    conf = order_settings()
    today = timezone.localdate()
    order_date = order_date or today

    try:
        ensure_can_order(customer)
    except ValidationError as exc:
        for message in exc.message_dict.get("customer", []):
            errors.add("customer", message)
    if order_type not in T.values:
        errors.add("order_type", _("Select a valid choice."))
    if priority not in Order.Priority.values:
        errors.add("priority", _("Select a valid choice."))
    if delivery_type not in Order.Delivery.values:
        errors.add("delivery_type", _("Select a valid choice."))
    delivery_address = (delivery_address or "").strip()
    if delivery_type == Order.Delivery.HOME and not delivery_address:
        errors.add("delivery_address", _("A home delivery needs an address."))
    branch = branch or getattr(actor, "branch", None) or customer.branch
    if salesperson is not None and (not salesperson.is_active or salesperson.branch_id != branch.pk):
        errors.add("salesperson", _("Choose an active salesperson of this branch."))

    numbers = _clean_invoice_numbers(invoice_numbers, errors)
    if not numbers and order_type != T.INSPECTION:
        errors.add("invoice_numbers", _("Enter the invoice number."))

    if related_inspection is not None:
        if order_type not in MADE_TO_MEASURE:
            errors.add("related_inspection", _("Only installation and tailoring orders refer to an inspection."))
        elif (
            related_inspection.customer_id != customer.pk
            or related_inspection.order_type != T.INSPECTION
            or related_inspection.status != S.COMPLETED
        ):
            errors.add("related_inspection", _("Choose a completed inspection of this customer."))

    # Items: one query for the variants (with products), one for the warehouses, one for the type's warehouses.
    built, variants = _build_items(items, customer=customer, conf=conf, access=access, errors=errors)
    if not items and order_type != T.INSPECTION:
        errors.add("items", _("Add at least one item."))

    # The curtain contract (installation and tailoring only); meters are checked against the items.
    if rooms and order_type not in MADE_TO_MEASURE:
        errors.add("rooms", _("Only installation and tailoring orders have a curtain contract."))
    meters_by_item: dict[int, Decimal] = defaultdict(Decimal)
    tailoring_types = set(conf.tailoring_types or [])
    for r, room in enumerate(rooms):
        prefix = f"rooms.{r}"
        if not (room.room_name or "").strip():
            errors.add(f"{prefix}.room_name", _("This field is required."))
        for name in ("width_cm", "height_cm"):
            value = _dec(getattr(room, name))
            if value is None or value <= 0:
                errors.add(f"{prefix}.{name}", _("Enter a size above zero."))
        if room.installation_type not in CurtainRoom.Installation.values:
            errors.add(f"{prefix}.installation_type", _("Select a valid choice."))
        for f, fabric in enumerate(room.fabrics):
            fp = f"{prefix}.fabrics.{f}"
            meters = _dec(fabric.meters)
            if fabric.fabric_type not in CurtainFabric.FabricType.values:
                errors.add(f"{fp}.fabric_type", _("Select a valid choice."))
            if meters is None or meters <= 0:
                errors.add(f"{fp}.meters", _("Enter meters above zero."))
                meters = None
            if fabric.pieces < 1:
                errors.add(f"{fp}.pieces", _("At least one piece."))
            if fabric.tailoring_type and fabric.tailoring_type not in tailoring_types:
                errors.add(f"{fp}.tailoring_type", _("Select a valid choice."))
            if fabric.item_index is None:
                if not (fabric.customer_supplied or "").strip():
                    errors.add(f"{fp}.order_item", _("Choose an order item or describe the customer's fabric."))
            elif not 0 <= fabric.item_index < len(items):
                errors.add(f"{fp}.order_item", _("Choose one of the order's items."))
            else:
                variant = variants.get(items[fabric.item_index].variant_id)
                if variant is not None and variant.product.kind != OrderItem.Kind.FABRIC:
                    errors.add(f"{fp}.order_item", _("Choose a fabric item."))
                elif meters is not None:
                    meters_by_item[fabric.item_index] += meters
        for a, accessory in enumerate(room.accessories):
            ap = f"{prefix}.accessories.{a}"
            if not (accessory.name or "").strip():
                errors.add(f"{ap}.name", _("This field is required."))
            quantity = _dec(accessory.quantity)
            if quantity is None or quantity <= 0:
                errors.add(f"{ap}.quantity", _("Enter a quantity above zero."))
    for index, meters in meters_by_item.items():
        quantity = _dec(items[index].quantity)
        if quantity is not None and meters > quantity + conf.meters_tolerance:
            errors.add(
                f"items.{index}.quantity",
                _("The curtain lines use %(meters)s m of this fabric but the item has %(quantity)s m.")
                % {"meters": meters, "quantity": quantity},
            )

    addition = _dec(financial_addition)
    discount = _dec(admin_discount)
    if addition is None or addition < 0:
        errors.add("financial_addition", _("Enter an amount of zero or more."))
        addition = Decimal(0)
    if discount is None or discount < 0:
        errors.add("admin_discount", _("Enter an amount of zero or more."))
        discount = Decimal(0)
    elif discount > 0 and not access.has_perm("orders.admin_discount"):
        errors.add("admin_discount", _("You may not give an administrative discount."))

    promo: PromoCode | None = None
    code = normalize_code(promo_code).upper()
    if code:
        promo = PromoCode.objects.select_for_update().filter(code=code).first()
        if promo is None:
            errors.add("promo_code", _("Unknown promo code."))
        elif promo.status != PromoCode.Status.ACTIVE:
            errors.add("promo_code", _("This promo code is %(status)s.") % {"status": promo.get_status_display()})
        elif promo.expires_at <= timezone.now():
            errors.add("promo_code", _("This promo code has expired."))

    totals = compute_totals(
        [LineAmounts(i.gross, i.discount_amount, i.net) for i in built],
        financial_addition=addition,
        admin_discount=discount,
        promo_percent=promo.discount_percent if promo and "promo_code" not in errors.by_field else Decimal(0),
    )
    if totals.total < 0:
        errors.add("admin_discount", _("The discount is larger than the order."))

    paid = Decimal("0.00")
    if payment is not None:
        if not access.has_perm("orders.record_payments"):
            errors.add("payment.amount", _("You may not record payments."))
        amount = _dec(payment.amount)
        if amount is None or amount <= 0:
            errors.add("payment.amount", _("Enter an amount above zero."))
        elif money(amount) > totals.total:
            errors.add("payment.amount", _("The payment is more than the order total."))
        else:
            paid = money(amount)
        _check_method(payment.method, payment.reference, errors, prefix="payment.")
    if waive_down_payment and not access.has_perm("orders.waive_down_payment"):
        errors.add("waive_down_payment", _("You may not waive the down payment."))
    required = money(totals.total * conf.min_down_payment_percent / HUNDRED)
    waived = waive_down_payment and access.has_perm("orders.waive_down_payment")
    if paid < required and not waived and "payment.amount" not in errors.by_field:
        errors.add(
            "payment.amount",
            _("The down payment must be at least %(amount)s (%(percent)s %%).")
            % {"amount": required, "percent": conf.min_down_payment_percent},
        )
    credit_override = credit_check(customer=customer, access=access, new_balance=totals.total - paid, errors=errors)
    errors.raise_if_any()

    # Everything is valid: number and write.
    number = f"{customer.code}-{counter_next(f'orders.order:{customer.pk}'):04d}"
    contract = f"c{counter_next(f'orders.contract:{customer.pk}')}" if order_type in MADE_TO_MEASURE else ""
    status = initial_status(order_type)
    order = Order(
        number=number,
        customer=customer,
        branch=branch,
        salesperson=salesperson,
        created_by=actor,
        order_type=order_type,
        priority=priority,
        status=status,
        order_date=order_date,
        expected_delivery_date=order_date
        + timedelta(days=conf.delivery_days_for(priority=priority, order_type=order_type)),
        delivery_type=delivery_type,
        delivery_address=delivery_address,
        contract_number=contract,
        invoice_numbers=", ".join(numbers),
        related_inspection=related_inspection,
        notes=(notes or "").strip(),
        subtotal=totals.subtotal,
        items_discount=totals.items_discount,
        financial_addition=totals.financial_addition,
        admin_discount=totals.admin_discount,
        admin_discount_by=actor if totals.admin_discount else None,
        promo_code=promo,
        promo_discount=totals.promo_discount,
        total=totals.total,
        paid=paid,
        balance=totals.total - paid,
    )
    order.search_text = order_search_text(order, customer)
    order.save()
    if numbers:
        _write_invoices(order, numbers)
    for line in built:
        line.order = order
    OrderItem.objects.bulk_create(built)
    _write_rooms(order, rooms, built)

    events = [
        OrderEvent(
            order=order,
            kind=OrderEvent.Kind.CREATED,
            to_status=status,
            user=actor,
            details={"number": number, "type": order_type, "total": str(totals.total), "lines": len(built)},
        )
    ]
    if credit_override:
        events.append(
            OrderEvent(
                order=order,
                kind=OrderEvent.Kind.CREATED,
                user=actor,
                reason="credit override",
                details={"credit_override": credit_override},
            )
        )
    if promo is not None:
        used = PromoCode.objects.filter(pk=promo.pk, status=PromoCode.Status.ACTIVE).update(
            status=PromoCode.Status.USED, used_at=timezone.now(), used_by=actor
        )
        if used != 1:  # pragma: no cover - the row is locked above, so this cannot race
            raise ValidationError({"promo_code": _("This promo code was just used.")})
        events.append(
            OrderEvent(
                order=order,
                kind=OrderEvent.Kind.PROMO,
                user=actor,
                details={"code": promo.code, "percent": str(promo.discount_percent)},
            )
        )
    if order_type == T.PRODUCTS:
        _deduct_stock(order, built, actor)
        events.append(OrderEvent(order=order, kind=OrderEvent.Kind.STOCK, user=actor, details={"deducted": True}))
    if paid and payment is not None:
        record = Payment.objects.create(
            customer=customer,
            order=order,
            amount=paid,
            method=payment.method,
            reference=payment.reference.strip(),
            payment_date=payment.payment_date or today,
            created_by=actor,
        )
        PaymentAllocation.objects.create(payment=record, order=order, amount=paid)
        events.append(
            OrderEvent(
                order=order,
                kind=OrderEvent.Kind.PAYMENT,
                user=actor,
                details={"payment": record.pk, "amount": str(paid), "method": payment.method},
            )
        )
    elif waive_down_payment and required:
        events.append(
            OrderEvent(order=order, kind=OrderEvent.Kind.PAYMENT, user=actor, reason="down payment waived", details={})
        )
    handoffs = handoffs_for(order_type, built)
    OrderHandoff.objects.bulk_create(OrderHandoff(order=order, kind=kind) for kind in handoffs)
    events.extend(
        OrderEvent(order=order, kind=OrderEvent.Kind.HANDOFF, user=actor, details={"handoff": kind})
        for kind in handoffs
    )
    OrderEvent.objects.bulk_create(events)
    dispatch_handoffs(order=order, actor=actor, kinds=[str(k) for k in handoffs])
    _order_placed_side_effects(order=order, customer=customer, actor=actor)
    return order


def _order_placed_side_effects(*, order: Order, customer: Customer, actor: Any) -> None:
    """In the placing transaction, through the outbox (delivered after commit by workers): the branch's managers and
    the departments the order type needs are notified, and the customer gets the "order created" WhatsApp when it
    is enabled. Stable keys: a retried placement cannot notify twice."""
    from django.urls import reverse

    from erp.integrations.whatsapp.models import Event
    from erp.integrations.whatsapp.services import whatsapp_queue_template
    from erp.notifications.models import Kind, Priority
    from erp.notifications.services import notify

    number = order.number
    notify(
        kind=Kind.ORDER,
        priority=Priority.HIGH if order.priority == Order.Priority.VIP else Priority.NORMAL,
        title=_("New order %(number)s") % {"number": number},
        body=f"{customer.name} · {order.get_order_type_display()} · {order.total}",
        link=reverse("orders:order_detail", kwargs={"pk": order.pk}),
        actor=actor,
        branch=order.branch_id,
        event="order_placed",
        extra={"order_type": order.order_type},
        idempotency_key=f"order:{order.pk}:placed",
    )
    whatsapp_queue_template(
        event=Event.ORDER_CREATED,
        phone=customer.phone,
        params={
            "customer_name": customer.name,
            "order_number": number,
            "order_date": order.order_date.isoformat(),
        },
        related=order,
        idempotency_key=f"order:{order.pk}:whatsapp-created",
    )


def handoffs_for(order_type: str, items: Sequence[OrderItem]) -> list[str]:
    """Inspection orders need an inspection; every other order with goods needs cutting; installation, tailoring
    and accessory orders need a factory order (B §4.4, A.3-2)."""
    if order_type == T.INSPECTION:
        return [OrderHandoff.Kind.INSPECTION.value]
    out: list[str] = []
    if any(i.kind != OrderItem.Kind.SERVICE for i in items):
        out.append(OrderHandoff.Kind.CUTTING)
    if order_type in FACTORY_TYPES:
        out.append(OrderHandoff.Kind.FACTORY)
    return out


def _write_rooms(order: Order, rooms: Sequence[RoomInput], items: list[OrderItem]) -> None:
    if not rooms:
        return
    room_rows = CurtainRoom.objects.bulk_create(
        CurtainRoom(
            order=order,
            position=n,
            room_name=room.room_name.strip(),
            width_cm=Decimal(str(room.width_cm)),
            height_cm=Decimal(str(room.height_cm)),
            installation_type=room.installation_type,
            curtain_box=room.curtain_box,
            curtain_box_size=room.curtain_box_size.strip(),
            notes=room.notes.strip(),
        )
        for n, room in enumerate(rooms, start=1)
    )
    fabrics = [
        CurtainFabric(
            room=row,
            fabric_type=f.fabric_type,
            order_item=items[f.item_index] if f.item_index is not None else None,
            customer_supplied="" if f.item_index is not None else f.customer_supplied.strip(),
            meters=Decimal(str(f.meters)),
            pieces=f.pieces,
            tailoring_type=f.tailoring_type,
        )
        for row, room in zip(room_rows, rooms, strict=True)
        for f in room.fabrics
    ]
    accessories = [
        CurtainAccessory(room=row, name=a.name.strip(), quantity=Decimal(str(a.quantity)), size=a.size, colour=a.colour)
        for row, room in zip(room_rows, rooms, strict=True)
        for a in room.accessories
    ]
    if fabrics:
        CurtainFabric.objects.bulk_create(fabrics)
    if accessories:
        CurtainAccessory.objects.bulk_create(accessories)


def _stock_key(item: OrderItem, step: str) -> str:
    return f"orders.item:{item.pk}:{step}"


def _deduct_stock(order: Order, items: Sequence[OrderItem], actor: Any) -> None:
    """Products orders take their goods at sale (A.3-4), one idempotency key per order line."""
    lines = [
        StockLine(
            item.variant_id,
            item.warehouse_id,  # type: ignore[arg-type]
            -item.quantity,
            StockMovement.Kind.OUT,
            StockMovement.Reason.SALE,
            _stock_key(item, "sale"),
            order.number,
        )
        for item in items
        if item.kind != OrderItem.Kind.SERVICE and item.warehouse_id
    ]
    try:
        stock_apply(lines=lines, user=actor)
    except InsufficientStock as exc:
        index = next(
            (
                n
                for n, item in enumerate(items)
                if item.variant_id == exc.extra.get("variant") and item.warehouse_id == exc.extra.get("warehouse")
            ),
            0,
        )
        raise ValidationError({f"items.{index}.quantity": [str(exc.message)]}) from None


def _return_stock(order: Order, actor: Any) -> bool:
    """Give back what a products order took at sale (only lines whose sale movement exists)."""
    items = list(order.items.all())
    sold = set(
        StockMovement.objects.filter(idempotency_key__in=[_stock_key(i, "sale") for i in items]).values_list(
            "idempotency_key", flat=True
        )
    )
    lines = [
        StockLine(
            item.variant_id,
            item.warehouse_id,  # type: ignore[arg-type]
            item.quantity,
            StockMovement.Kind.IN,
            StockMovement.Reason.RETURN,
            _stock_key(item, "return"),
            order.number,
        )
        for item in items
        if _stock_key(item, "sale") in sold
    ]
    stock_apply(lines=lines, user=actor)
    return bool(lines)


# ---------------------------------------------------------------------------------------------------------------
# Editing a placed order (audited field by field)

EDITABLE_FIELDS = (
    "priority",
    "delivery_type",
    "delivery_address",
    "notes",
    "salesperson",
    "expected_delivery_date",
    "financial_addition",
    "admin_discount",
    "invoice_numbers",
)
CLOSED = (S.DELIVERED, S.CANCELLED, S.REJECTED)


def _display(value: Any) -> Any:
    if isinstance(value, (Decimal, date, datetime)):
        return str(value)
    if hasattr(value, "pk"):
        return str(value)
    return value


@transaction.atomic
def order_update(*, actor: Any, order: Order, **fields: Any) -> Order:
    """Change header fields of a placed order; each changed field is written to the timeline (old → new)."""
    require_perm(actor, "orders.edit_orders")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown order fields: {sorted(unknown)}")
    order = Order.objects.select_for_update(of=("self",)).select_related("promo_code", "customer").get(pk=order.pk)
    errors = _Errors()
    if order.status in CLOSED:
        errors.add("__all__", _("A closed order cannot be edited."))
    access = access_for(actor)
    changes: dict[str, list[Any]] = {}
    values = dict(fields)
    if "invoice_numbers" in values:
        numbers = _clean_invoice_numbers(values["invoice_numbers"], errors, exclude_order=order.pk)
        if not numbers and order.order_type != T.INSPECTION:
            errors.add("invoice_numbers", _("Enter the invoice number."))
        values["invoice_numbers"] = ", ".join(numbers)
    for name in ("financial_addition", "admin_discount"):
        if name in values:
            value = _dec(values[name])
            if value is None or value < 0:
                errors.add(name, _("Enter an amount of zero or more."))
            else:
                values[name] = money(value)
    changed_discount = "admin_discount" in values and values["admin_discount"] != order.admin_discount
    if changed_discount and not access.has_perm("orders.admin_discount"):
        errors.add("admin_discount", _("You may not give an administrative discount."))
    if values.get("priority", order.priority) not in Order.Priority.values:
        errors.add("priority", _("Select a valid choice."))
    if values.get("delivery_type", order.delivery_type) not in Order.Delivery.values:
        errors.add("delivery_type", _("Select a valid choice."))
    salesperson = values.get("salesperson", order.salesperson)
    if "salesperson" in values and salesperson is not None and salesperson.branch_id != order.branch_id:
        errors.add("salesperson", _("Choose an active salesperson of this branch."))
    errors.raise_if_any()

    for name, raw in values.items():
        old = getattr(order, name)
        new = raw.strip() if isinstance(raw, str) else raw
        if old != new:
            changes[name] = [_display(old), _display(new)]
            setattr(order, name, new)
    if order.delivery_type == Order.Delivery.HOME and not order.delivery_address:
        raise ValidationError({"delivery_address": _("A home delivery needs an address.")})
    if not changes:
        return order
    if "admin_discount" in changes:
        order.admin_discount_by = actor if order.admin_discount else None
    _apply_totals(order)
    if order.total < order.paid:
        raise ValidationError({"admin_discount": _("The total would fall below what was paid; refund first.")})
    if "invoice_numbers" in changes:
        _write_invoices(order, [n for n in order.invoice_numbers.split(", ") if n])
    order.search_text = order_search_text(order, order.customer)
    order.save()
    OrderEvent.objects.create(order=order, kind=OrderEvent.Kind.EDIT, user=actor, details=changes)
    return order


ITEMS_EDITABLE = (S.PENDING_APPROVAL, S.PENDING)


@transaction.atomic
def order_update_items(*, actor: Any, order: Order, items: Sequence[ItemEdit], reason: str = "") -> Order:
    """Replace the items of an order that has not started (awaiting approval or waiting): kept rows may change
    quantity, price and discount; new rows are added; missing rows are removed. Totals are recomputed, products
    orders give back or take the stock difference (one idempotency key per line and edit) and the timeline gets
    what changed; the departments re-evaluate their hand-offs through ``orders.items_changed`` (a line already cut
    refuses). Refused once the order's work started, and for rows the curtain contract still uses."""
    from erp.core.exceptions import ConflictError

    require_perm(actor, "orders.edit_orders")
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("promo_code", "customer", "customer__customer_type")
        .get(pk=order.pk)
    )
    if order.status not in ITEMS_EDITABLE:
        raise ConflictError(
            _("Items can be changed only while the order is awaiting approval or waiting."),
            extra={"status": order.status},
        )
    access = access_for(actor)
    conf = order_settings()
    errors = _Errors()
    current = {i.pk: i for i in OrderItem.objects.filter(order=order)}
    kept_ids = [i.item_id for i in items if i.item_id]
    if len(set(kept_ids)) != len(kept_ids):
        errors.add("items", _("An item row is repeated."))
    kept_prices: dict[int, Decimal] = {}
    prepared: list[ItemEdit] = []
    for n, item in enumerate(items):
        old = current.get(item.item_id) if item.item_id else None
        if item.item_id and old is None:
            errors.add(f"items.{n}.variant", _("This item is not on the order."))
        elif old is not None:
            if item.variant_id != old.variant_id or (item.warehouse_id or None) != old.warehouse_id:
                errors.add(f"items.{n}.variant", _("To change the product or warehouse, remove the row and add one."))
            kept_prices[n] = old.unit_price
            if item.unit_price is None:
                item = replace(item, unit_price=old.unit_price)
        prepared.append(item)
    if not items and order.order_type != T.INSPECTION:
        errors.add("items", _("Add at least one item."))
    built, variants = _build_items(
        prepared, customer=order.customer, conf=conf, access=access, errors=errors, kept_prices=kept_prices
    )
    removed = [row for pk, row in current.items() if pk not in set(kept_ids)]
    used: dict[int, Decimal] = defaultdict(Decimal)
    for item_id, meters in CurtainFabric.objects.filter(order_item__order=order).values_list("order_item_id", "meters"):
        used[item_id] += meters
    for row in removed:
        if used.get(row.pk):
            errors.add(
                "items", _("%(code)s is used by the curtain contract; change the contract first.") % {"code": row.code}
            )
    for n, item in enumerate(prepared):
        quantity = _dec(item.quantity)
        meters = used.get(item.item_id or 0, Decimal(0))
        if meters and quantity is not None and meters > quantity + conf.meters_tolerance:
            errors.add(
                f"items.{n}.quantity",
                _("The curtain lines use %(meters)s m of this fabric but the item has %(quantity)s m.")
                % {"meters": meters, "quantity": quantity},
            )
    errors.raise_if_any()

    old_total = order.total
    edit_no = counter_next(f"orders.items_edit:{order.pk}")
    takes_stock = order.order_type == T.PRODUCTS
    sold = set()
    if takes_stock:
        sold = set(
            StockMovement.objects.filter(
                idempotency_key__in=[_stock_key(row, "sale") for row in current.values()]
            ).values_list("idempotency_key", flat=True)
        )
    stock: list[StockLine] = []
    changes: dict[str, Any] = {"added": [], "removed": [], "changed": {}}
    keep: list[OrderItem] = []
    new: list[OrderItem] = []
    resized: dict[int, Decimal] = {}
    for item, row in zip(prepared, built, strict=True):
        if item.item_id:
            old = current[item.item_id]
            diff = {
                name: [_display(getattr(old, name)), _display(getattr(row, name))]
                for name in ("quantity", "unit_price", "discount_percent")
                if getattr(old, name) != getattr(row, name)
            }
            if diff:
                changes["changed"][old.code] = diff
            if "quantity" in diff:
                resized[old.pk] = row.quantity
            delta = row.quantity - old.quantity
            if takes_stock and delta and _stock_key(old, "sale") in sold:
                stock.append(
                    StockLine(
                        old.variant_id,
                        old.warehouse_id,  # type: ignore[arg-type]
                        -delta,
                        StockMovement.Kind.OUT if delta > 0 else StockMovement.Kind.IN,
                        StockMovement.Reason.SALE if delta > 0 else StockMovement.Reason.RETURN,
                        f"orders.item:{old.pk}:edit{edit_no}",
                        order.number,
                    )
                )
            for name in ("position", "quantity", "unit_price", "is_manual_price", "discount_percent", "gross"):
                setattr(old, name, getattr(row, name))
            old.discount_amount, old.net = row.discount_amount, row.net
            keep.append(old)
        else:
            row.order = order
            new.append(row)
            changes["added"].append([row.code, str(row.quantity)])
    for row in removed:
        changes["removed"].append([row.code, str(row.quantity)])
        if takes_stock and _stock_key(row, "sale") in sold:
            stock.append(
                StockLine(
                    row.variant_id,
                    row.warehouse_id,  # type: ignore[arg-type]
                    row.quantity,
                    StockMovement.Kind.IN,
                    StockMovement.Reason.RETURN,
                    f"orders.item:{row.pk}:removed",
                    order.number,
                )
            )
    if not changes["added"] and not changes["removed"] and not changes["changed"]:
        return order
    if keep:
        OrderItem.objects.bulk_update(
            keep,
            [
                "position",
                "quantity",
                "unit_price",
                "is_manual_price",
                "discount_percent",
                "gross",
                "discount_amount",
                "net",
            ],
        )
    if new:
        OrderItem.objects.bulk_create(new)
    # The departments re-evaluate what they hold for the items, in this transaction (the cutting room: new lines
    # get cut items, removed or resized uncut ones follow, a line already cut refuses the whole edit); they let go of
    # the removed rows before these are deleted.
    reevaluated = any(
        hooks.call("orders.items_changed", order=order, actor=actor, added=new, removed=removed, resized=resized)
    )
    if removed:
        OrderItem.objects.filter(pk__in=[row.pk for row in removed]).delete()
    try:
        stock_apply(lines=stock, user=actor)
    except InsufficientStock as exc:
        index = next(
            (
                n
                for n, row in enumerate(built)
                if row.variant_id == exc.extra.get("variant") and row.warehouse_id == exc.extra.get("warehouse")
            ),
            0,
        )
        raise ValidationError({f"items.{index}.quantity": [str(exc.message)]}) from None
    if takes_stock and new:
        _deduct_stock(order, new, actor)
    _apply_totals(order)
    if order.total < order.paid:
        raise ValidationError({"items": _("The total would fall below what was paid; refund first.")})
    # Only the totals: a department may have moved the order meanwhile (the last uncut line removed completes it).
    order.save(update_fields=["subtotal", "items_discount", "promo_discount", "total", "balance", "updated_at"])
    changes["total"] = [str(old_total), str(order.total)]
    events = [
        OrderEvent(
            order=order, kind=OrderEvent.Kind.EDIT, user=actor, reason=(reason or "")[:255], details={"items": changes}
        )
    ]
    if stock or (takes_stock and new):
        events.append(OrderEvent(order=order, kind=OrderEvent.Kind.STOCK, user=actor, details={"items_edit": edit_no}))
    OrderEvent.objects.bulk_create(events)
    if reevaluated:
        order.refresh_from_db(fields=["status", "status_reason"])
    return order


def _apply_totals(order: Order) -> None:
    """Recompute the stored totals from the items (the promo % stays the one used at placement)."""
    lines = [LineAmounts(g, d, n) for g, d, n in order.items.values_list("gross", "discount_amount", "net")]
    promo = order.promo_code.discount_percent if order.promo_code_id and order.promo_code else Decimal(0)
    totals = compute_totals(
        lines, financial_addition=order.financial_addition, admin_discount=order.admin_discount, promo_percent=promo
    )
    if totals.total < 0:
        raise ValidationError({"admin_discount": _("The discount is larger than the order.")})
    order.subtotal = totals.subtotal
    order.items_discount = totals.items_discount
    order.promo_discount = totals.promo_discount
    order.total = totals.total
    order.balance = order.total - order.paid


# ---------------------------------------------------------------------------------------------------------------
# Payments


def _check_method(method: str, reference: str, errors: _Errors, *, prefix: str = "") -> None:
    if method not in Payment.Method.values:
        errors.add(f"{prefix}method", _("Select a valid choice."))
    elif method != Payment.Method.CASH and not (reference or "").strip():
        errors.add(f"{prefix}reference", _("Enter the cheque or transfer reference."))


def _refresh_paid(order_ids: Iterable[int]) -> None:
    """paid = the sum of the order's allocations; balance = total − paid (the rows are locked by the caller)."""
    ids = list(order_ids)
    sums = dict(
        PaymentAllocation.objects.filter(order_id__in=ids)
        .values("order_id")
        .annotate(total=Sum("amount"))
        .values_list("order_id", "total")
    )
    orders = list(Order.objects.filter(pk__in=ids))
    for order in orders:
        order.paid = sums.get(order.pk) or Decimal("0.00")
        order.balance = order.total - order.paid
    Order.objects.bulk_update(orders, ["paid", "balance", "updated_at"])


@transaction.atomic
def payment_record(
    *,
    actor: Any,
    customer: Customer,
    amount: Decimal,
    method: str = Payment.Method.CASH,
    reference: str = "",
    payment_date: date | None = None,
    order: Order | None = None,
    note: str = "",
) -> Payment:
    """A payment on one order (negative: a refund of what it paid), or a general payment spread oldest-first over
    the customer's unpaid orders. An order's paid amount and balance always equal its allocations."""
    require_perm(actor, "orders.record_payments")
    errors = _Errors()
    value = _dec(amount)
    if value is None or value == 0:
        errors.add("amount", _("Enter a non-zero amount."))
        value = Decimal(0)
    value = money(value)
    _check_method(method, reference, errors)
    errors.raise_if_any()

    allocations: list[tuple[Order, Decimal]] = []
    if order is not None:
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.customer_id != customer.pk:
            errors.add("order", _("This order belongs to another customer."))
        elif value > 0 and locked.status in (S.CANCELLED, S.REJECTED):
            errors.add("order", _("A cancelled or rejected order takes no payments."))
        elif value > 0 and value > locked.balance:
            errors.add("amount", _("The payment is more than the balance (%(balance)s).") % {"balance": locked.balance})
        elif value < 0 and -value > locked.paid:
            errors.add("amount", _("The refund is more than what was paid (%(paid)s).") % {"paid": locked.paid})
        allocations.append((locked, value))
    else:
        if value < 0:
            errors.add("amount", _("A refund must name the order it refunds."))
        open_orders = list(
            Order.objects.select_for_update()
            .filter(customer=customer, balance__gt=0)
            .exclude(status__in=(S.CANCELLED, S.REJECTED))
            .order_by("order_date", "id")
        )
        remaining = value
        for candidate in open_orders:
            if remaining <= 0:
                break
            part = min(remaining, candidate.balance)
            allocations.append((candidate, part))
            remaining -= part
        if value > 0 and remaining > 0:
            errors.add(
                "amount",
                _("The payment is more than the customer's unpaid balance (%(balance)s).")
                % {"balance": value - remaining},
            )
    errors.raise_if_any()

    record = Payment.objects.create(
        customer=customer,
        order=order,
        amount=value,
        method=method,
        reference=(reference or "").strip(),
        payment_date=payment_date or timezone.localdate(),
        note=(note or "").strip(),
        created_by=actor,
    )
    PaymentAllocation.objects.bulk_create(
        PaymentAllocation(payment=record, order=target, amount=part) for target, part in allocations
    )
    _refresh_paid(target.pk for target, _part in allocations)
    OrderEvent.objects.bulk_create(
        OrderEvent(
            order=target,
            kind=OrderEvent.Kind.PAYMENT,
            user=actor,
            reason=_("Refund") if part < 0 else "",
            details={"payment": record.pk, "amount": str(part), "method": method},
        )
        for target, part in allocations
    )
    return record


# ---------------------------------------------------------------------------------------------------------------
# Promo codes

PROMO_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@transaction.atomic
def promo_issue(
    *, actor: Any, discount_percent: Decimal, expires_at: datetime, code: str = "", note: str = ""
) -> PromoCode:
    require_perm(actor, "orders.issue_promo_codes")
    errors = _Errors()
    percent = _dec(discount_percent)
    if percent is None or not Decimal(1) <= percent <= Decimal(15):
        errors.add("discount_percent", _("The discount must be between 1 and 15 %."))
    if expires_at <= timezone.now():
        errors.add("expires_at", _("Choose a time in the future."))
    code = normalize_code(code).upper() or "".join(secrets.choice(PROMO_ALPHABET) for _n in range(8))
    if PromoCode.objects.filter(code=code).exists():
        errors.add("code", _("This code already exists."))
    errors.raise_if_any()
    assert percent is not None  # noqa: S101 - checked above
    return PromoCode.objects.create(
        code=code, discount_percent=percent, expires_at=expires_at, issued_by=actor, note=(note or "").strip()
    )


@transaction.atomic
def promo_cancel(*, actor: Any, promo: PromoCode) -> PromoCode:
    require_perm(actor, "orders.issue_promo_codes")
    done = PromoCode.objects.filter(pk=promo.pk, status=PromoCode.Status.ACTIVE).update(
        status=PromoCode.Status.CANCELLED, cancelled_by=actor, cancelled_at=timezone.now()
    )
    if not done:
        raise ValidationError({"code": _("Only an active promo code can be cancelled.")})
    promo.refresh_from_db()
    return promo


def promo_expire_due() -> int:
    """Mark active codes past their expiry as expired (a periodic job; using one checks the time anyway)."""
    return PromoCode.objects.filter(status=PromoCode.Status.ACTIVE, expires_at__lte=timezone.now()).update(
        status=PromoCode.Status.EXPIRED
    )


# ---------------------------------------------------------------------------------------------------------------
# Salespeople


@transaction.atomic
def salesperson_create(*, actor: Any, name: str, branch: Any, user: Any = None, phone: str = "") -> Salesperson:
    if not access_for(actor).has_perm("accounts.manage_users"):
        raise PermissionDenied
    if not (name or "").strip():
        raise ValidationError({"name": _("This field is required.")})
    return Salesperson.objects.create(name=name.strip(), branch=branch, user=user, phone=phone)


# ---------------------------------------------------------------------------------------------------------------
# The check command


@dataclass
class TotalsMismatch:
    order_id: int
    number: str
    problems: dict[str, tuple[str, str]] = field(default_factory=dict)


def order_totals_mismatches() -> list[TotalsMismatch]:
    """Orders whose stored totals differ from their items and allocations (should always be empty)."""
    items: dict[int, list[LineAmounts]] = defaultdict(list)
    for order_id, q, p, pct, g, d, n in OrderItem.objects.values_list(
        "order_id", "quantity", "unit_price", "discount_percent", "gross", "discount_amount", "net"
    ).iterator(chunk_size=5000):
        expected = line_amounts(q, p, pct)
        if (expected.gross, expected.discount, expected.net) != (g, d, n):
            items[order_id].append(LineAmounts(Decimal(-1), Decimal(-1), Decimal(-1)))
        items[order_id].append(expected)
    paid = dict(
        PaymentAllocation.objects.values("order_id").annotate(total=Sum("amount")).values_list("order_id", "total")
    )
    out = []
    rows = Order.objects.select_related("promo_code").only(
        "number",
        "subtotal",
        "items_discount",
        "financial_addition",
        "admin_discount",
        "promo_discount",
        "total",
        "paid",
        "balance",
        "promo_code__discount_percent",
    )
    for order in rows.iterator(chunk_size=2000):
        lines = items.get(order.pk, [])
        mismatch = TotalsMismatch(order.pk, order.number)
        if any(line.gross < 0 for line in lines):
            mismatch.problems["items"] = ("stored", "recomputed")
            lines = [line for line in lines if line.gross >= 0]
        totals = compute_totals(
            lines,
            financial_addition=order.financial_addition,
            admin_discount=order.admin_discount,
            promo_percent=order.promo_code.discount_percent if order.promo_code else Decimal(0),
        )
        expected_paid = paid.get(order.pk) or Decimal("0.00")
        for name, want in (
            ("subtotal", totals.subtotal),
            ("items_discount", totals.items_discount),
            ("promo_discount", totals.promo_discount),
            ("total", totals.total),
            ("paid", expected_paid),
            ("balance", totals.total - expected_paid),
        ):
            have = getattr(order, name)
            if have != want:
                mismatch.problems[name] = (str(have), str(want))
        if mismatch.problems:
            out.append(mismatch)
    return out
