"""Sales orders: the order with its stored totals, items, the made-to-measure curtain contract, payments and their
allocations, promo codes, the order timeline and the hand-offs to operations (domain A.3, B §4.1–4.4, §5.3)."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.models import BaseModel, TimelineEvent

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}
QUANTITY: dict[str, Any] = {"max_digits": 14, "decimal_places": 3}
ZERO = Decimal("0.00")

# Delivery days when the settings matrix has no value (B §4.3).
DEFAULT_DELIVERY_DAYS: dict[str, int] = {
    "inspection": 2,
    "products": 3,
    "accessory": 5,
    "tailoring": 7,
    "installation": 10,
}
DEFAULT_TAILORING_TYPES: list[str] = [
    "rings",
    "tape",
    "snap",
    "double_fold",
    "triple_fold",
    "pencil_pleat",
    "eyelet",
    "tab_top",
]


def _default_tailoring_types() -> list[str]:
    return list(DEFAULT_TAILORING_TYPES)


class OrderSettings(models.Model):
    """The one settings row of the orders module (created when missing)."""

    min_down_payment_percent = models.DecimalField(
        _("minimum down payment %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    max_item_discount_percent = models.DecimalField(
        _("maximum item discount %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    # {"normal": {"products": 3, ...}, "vip": {...}}; a missing cell falls back to DEFAULT_DELIVERY_DAYS.
    delivery_days = models.JSONField(_("delivery days (priority × type)"), default=dict, blank=True)
    tailoring_types = models.JSONField(_("tailoring types"), default=_default_tailoring_types, blank=True)
    meters_tolerance = models.DecimalField(
        _("curtain meters tolerance"), max_digits=8, decimal_places=3, default=Decimal("0.000")
    )
    max_drafts_per_user = models.PositiveSmallIntegerField(
        _("order drafts per user"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("order settings")
        verbose_name_plural = _("order settings")

    def __str__(self) -> str:
        return "order settings"

    def delivery_days_for(self, *, priority: str, order_type: str) -> int:
        row = (self.delivery_days or {}).get(priority) or {}
        value = row.get(order_type)
        if isinstance(value, int) and value >= 0:
            return value
        return DEFAULT_DELIVERY_DAYS.get(order_type, 7)


class Salesperson(BaseModel):
    """Who sold the order. May have no login (B §5.3); belongs to a branch."""

    name = models.CharField(_("name"), max_length=120)
    branch = models.ForeignKey(
        "accounts.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="salespeople"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="salesperson",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = pgettext_lazy("person who sold", "salesperson")
        verbose_name_plural = pgettext_lazy("person who sold", "salespeople")
        ordering = ["name"]
        indexes = [models.Index(fields=["branch", "is_active"], name="orders_salesperson_branch")]

    def __str__(self) -> str:
        return self.name


class PromoCode(BaseModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        USED = "used", _("Used")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.CharField(_("code"), max_length=30, unique=True)
    discount_percent = models.DecimalField(
        _("discount %"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("15"))],
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    expires_at = models.DateTimeField(_("expires at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=255, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "-id"], name="orders_promo_status_id")]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__gte=1, discount_percent__lte=15), name="orders_promo_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Order(BaseModel):
    class Type(models.TextChoices):
        INSPECTION = "inspection", _("Inspection")
        INSTALLATION = "installation", _("Installation")
        TAILORING = "tailoring", _("Tailoring")
        ACCESSORY = "accessory", _("Accessory")
        PRODUCTS = "products", _("Products")

    class Priority(models.TextChoices):
        NORMAL = "normal", _("Normal")
        VIP = "vip", _("VIP")

    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
        PENDING = "pending", _("Waiting")
        IN_PROGRESS = "in_progress", _("In progress")
        READY_INSTALL = "ready_install", _("Ready for installation")
        COMPLETED = "completed", _("Completed")
        DELIVERED = "delivered", _("Delivered")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    class Delivery(models.TextChoices):
        BRANCH = "branch", _("Pick up at the branch")
        HOME = "home", _("Home delivery")

    # CUSTOMER-NNNN from a locked counter per customer (A.3-6); the customer never changes after creation.
    number = models.CharField(_("order number"), max_length=40, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    branch = models.ForeignKey(
        "accounts.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="orders"
    )
    salesperson = models.ForeignKey(
        Salesperson,
        verbose_name=pgettext_lazy("person who sold", "salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    order_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING_APPROVAL)
    order_date = models.DateField(_("order date"))
    expected_delivery_date = models.DateField(_("expected delivery"))
    delivery_type = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.BRANCH)
    delivery_address = models.CharField(_("delivery address"), max_length=255, blank=True)
    # c1, c2, … per customer, for tailoring and installation orders.
    contract_number = models.CharField(_("contract number"), max_length=20, blank=True)
    # Up to three; each is unique (OrderInvoice). Kept here comma-joined for lists and search.
    invoice_numbers = models.CharField(_("invoice numbers"), max_length=120, blank=True)
    related_inspection = models.ForeignKey(
        "self",
        verbose_name=_("related inspection"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A completed inspection order of the same customer."),
    )
    notes = models.TextField(_("notes"), blank=True)
    # Stored totals, maintained by the services in the same transaction (A.3-5).
    subtotal = models.DecimalField(_("subtotal"), default=ZERO, **MONEY)
    items_discount = models.DecimalField(_("item discounts"), default=ZERO, **MONEY)
    financial_addition = models.DecimalField(_("financial addition"), default=ZERO, **MONEY)
    admin_discount = models.DecimalField(_("administrative discount"), default=ZERO, **MONEY)
    admin_discount_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    promo_code = models.OneToOneField(
        PromoCode,
        verbose_name=_("promo code"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order",
    )
    promo_discount = models.DecimalField(_("promo discount"), default=ZERO, **MONEY)
    total = models.DecimalField(_("total"), default=ZERO, **MONEY)
    paid = models.DecimalField(_("paid"), default=ZERO, **MONEY)
    balance = models.DecimalField(_("balance"), default=ZERO, **MONEY)
    status_reason = models.CharField(_("reason"), max_length=255, blank=True)
    # Arabic-normalised number, invoices, contract, customer name and phones (erp.core.text.normalize_search).
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = pgettext_lazy("sales order", "order")
        verbose_name_plural = _("orders")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["branch", "-id"], name="orders_branch_id"),
            models.Index(fields=["customer", "-id"], name="orders_customer_id"),
            models.Index(fields=["status", "-id"], name="orders_status_id"),
            models.Index(fields=["order_type", "-id"], name="orders_type_id"),
            models.Index(fields=["created_by", "-id"], name="orders_creator_id"),
            models.Index(fields=["salesperson", "-id"], name="orders_salesperson_id"),
            models.Index(fields=["order_date", "-id"], name="orders_date_id"),
            # The list's other orderings (keyset: the sort column, then id) and the filters that combine with a date
            # or a status (docs/performance.md; checked by erp/orders/queryplans.py). Search: a GIN index on
            # search_text's trigrams, the status and the branch (PostgreSQL, migration 0005).
            models.Index(fields=["expected_delivery_date", "id"], name="orders_expected_id"),
            models.Index(fields=["total", "id"], name="orders_total_id"),
            models.Index(fields=["balance", "id"], name="orders_balance_id"),
            models.Index(fields=["status", "order_date", "id"], name="orders_status_date"),
            models.Index(fields=["branch", "order_date", "id"], name="orders_branch_date"),
            models.Index(fields=["customer", "order_date", "id"], name="orders_customer_date"),
            models.Index(fields=["salesperson", "status", "id"], name="orders_salesperson_status"),
            models.Index(fields=["created_by", "status", "id"], name="orders_creator_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "contract_number"],
                condition=~Q(contract_number=""),
                name="orders_contract_per_customer",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="orders_total_gte_0"),
            # balance = total - paid is enforced on PostgreSQL by migration 0002 (SQLite compares decimals as floats).
        ]
        permissions = [
            ("view_orders", "Can see orders"),
            ("place_orders", "Can place orders"),
            ("edit_orders", "Can edit placed orders"),
            ("approve_orders", "Can approve and reject orders"),
            ("progress_orders", "Can move orders through production and delivery"),
            ("cancel_orders", "Can cancel orders"),
            ("manual_price", "Can set a manual item price"),
            ("admin_discount", "Can give an administrative discount"),
            ("waive_down_payment", "Can waive the minimum down payment"),
            ("record_payments", "Can record payments and refunds"),
            ("issue_promo_codes", "Can issue and cancel promo codes"),
            ("export_orders", "Can export orders"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_made_to_measure(self) -> bool:
        return self.order_type in (self.Type.INSTALLATION, self.Type.TAILORING)


class OrderInvoice(models.Model):
    """An invoice number of an order: up to three per order, unique across all orders."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=30, unique=True)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["order_id", "position"]
        constraints = [models.UniqueConstraint(fields=["order", "position"], name="orders_invoice_position")]

    def __str__(self) -> str:
        return self.number


class OrderItem(models.Model):
    class Kind(models.TextChoices):
        FABRIC = "fabric", _("Fabric")
        ACCESSORY = "accessory", _("Accessory")
        SERVICE = "service", _("Service")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=1)
    variant = models.ForeignKey(
        "inventory.Variant", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.FABRIC)
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=60)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    is_manual_price = models.BooleanField(_("manual price"), default=False)
    discount_percent = models.DecimalField(_("discount %"), max_digits=5, decimal_places=2, default=Decimal("0"))
    gross = models.DecimalField(_("amount"), **MONEY)
    discount_amount = models.DecimalField(_("discount"), **MONEY)
    net = models.DecimalField(_("net"), **MONEY)

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        ordering = ["order_id", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_item_quantity_gt_0"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="orders_item_price_gte_0"),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100), name="orders_item_discount_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} × {self.quantity}"


class CurtainRoom(models.Model):
    """One room (window) of a made-to-measure curtain contract."""

    class Installation(models.TextChoices):
        WALL = "wall", _("Wall")
        CEILING = "ceiling", _("Ceiling")
        INSIDE_FRAME = "inside_frame", _("Inside the frame")
        NONE = "none", _("No installation")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="rooms")
    position = models.PositiveSmallIntegerField(default=1)
    room_name = models.CharField(_("room"), max_length=80)
    width_cm = models.DecimalField(_("width (cm)"), max_digits=8, decimal_places=1)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=8, decimal_places=1)
    installation_type = models.CharField(
        _("installation"), max_length=20, choices=Installation.choices, default=Installation.WALL
    )
    curtain_box = models.BooleanField(_("curtain box"), default=False)
    curtain_box_size = models.CharField(_("curtain box size"), max_length=40, blank=True)
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        ordering = ["order_id", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(width_cm__gt=0, height_cm__gt=0), name="orders_room_size_gt_0"),
        ]

    def __str__(self) -> str:
        return self.room_name


class CurtainFabric(models.Model):
    class FabricType(models.TextChoices):
        LIGHT = "light", _("Light")
        HEAVY = "heavy", _("Heavy")
        BLACKOUT = "blackout", _("Blackout")
        ADDITIONAL = "additional", _("Additional")
        BELT = "belt", _("Belt")

    room = models.ForeignKey(CurtainRoom, on_delete=models.CASCADE, related_name="fabrics")
    fabric_type = models.CharField(_("fabric"), max_length=12, choices=FabricType.choices)
    # Tied to an order item, or supplied by the customer (then `order_item` is empty and a description is given).
    order_item = models.ForeignKey(
        OrderItem, verbose_name=_("order item"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    customer_supplied = models.CharField(_("customer-supplied fabric"), max_length=120, blank=True)
    meters = models.DecimalField(_("meters"), **QUANTITY)
    pieces = models.PositiveSmallIntegerField(_("pieces"), default=1)
    tailoring_type = models.CharField(_("tailoring"), max_length=30, blank=True)

    class Meta:
        ordering = ["room_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(meters__gt=0), name="orders_fabric_meters_gt_0"),
            models.CheckConstraint(
                condition=Q(order_item__isnull=False) | ~Q(customer_supplied=""), name="orders_fabric_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fabric_type} {self.meters}"


class CurtainAccessory(models.Model):
    room = models.ForeignKey(CurtainRoom, on_delete=models.CASCADE, related_name="accessories")
    name = models.CharField(_("name"), max_length=120)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    size = models.CharField(_("size"), max_length=40, blank=True)
    colour = models.CharField(_("colour"), max_length=40, blank=True)

    class Meta:
        ordering = ["room_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_accessory_qty_gt_0")]

    def __str__(self) -> str:
        return self.name


class OrderEvent(TimelineEvent):
    """The order timeline: who, when, from, to, why, and what changed."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status")
        EDIT = "edit", _("Edit")
        PAYMENT = "payment", _("Payment")
        DISCOUNT = "discount", _("Discount")
        PROMO = "promo", _("Promo code")
        STOCK = "stock", _("Stock")
        HANDOFF = "handoff", _("Hand-off")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)

    class Meta:
        ordering = ["order_id", "id"]
        indexes = [models.Index(fields=["order", "id"], name="orders_event_order_id")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"


class OrderHandoff(models.Model):
    """Work the order hands to operations (inspections, cutting, manufacturing), recorded until those apps consume
    it (A.3-2: explicit calls, no signals)."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection_needed", _("Inspection needed")
        CUTTING = "cutting_needed", _("Cutting needed")
        FACTORY = "factory_order_needed", _("Factory order needed")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONSUMED = "consumed", _("Consumed")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="handoffs")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    consumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["order", "kind"], name="orders_handoff_once")]
        indexes = [models.Index(fields=["kind", "status", "id"], name="orders_handoff_queue")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"


class Payment(BaseModel):
    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CHEQUE = "cheque", _("Cheque")

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="payments"
    )
    # Set for a payment (or refund) on one order; empty for a general payment allocated oldest-first.
    order = models.ForeignKey(
        Order,
        verbose_name=pgettext_lazy("sales order", "order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    amount = models.DecimalField(_("amount"), help_text=_("Negative for a refund."), **MONEY)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, default=Method.CASH)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    payment_date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["customer", "-id"], name="orders_payment_customer"),
            models.Index(fields=["order", "-id"], name="orders_payment_order"),
            models.Index(fields=["method", "-id"], name="orders_payment_method"),
        ]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="orders_payment_non_zero")]

    def __str__(self) -> str:
        return f"{self.amount}"

    @property
    def is_refund(self) -> bool:
        return self.amount < 0


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["order", "id"], name="orders_allocation_order")]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="orders_allocation_non_zero")]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.order_id}: {self.amount}"


class OrderDraft(models.Model):
    """An order being entered: what the entry screen holds, saved as the salesperson types (auto-save), so nothing
    is lost when the connection drops. Per user, limited by OrderSettings.max_drafts_per_user; placing it deletes
    it in the placing transaction."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="order_drafts"
    )
    # customer, order_type, priority, salesperson, delivery_type, delivery_address, related_inspection, items,
    # rooms, payment, promo_code, invoice_numbers, notes, … exactly as the entry form posts them (erp/orders/drafts.py).
    payload = models.JSONField(_("content"), default=dict, blank=True)
    # Shown in the drafts list without reading the payload.
    title = models.CharField(_("title"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("order draft")
        verbose_name_plural = _("order drafts")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["user", "-updated_at"], name="orders_draft_user_updated")]

    def __str__(self) -> str:
        return self.title or f"draft {self.pk}"
