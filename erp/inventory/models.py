"""Catalogue and stock. Stock quantities are written only by `erp.inventory.stock` (one writer, under row locks)."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from erp.core.models import BaseModel

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}
QUANTITY: dict[str, Any] = {"max_digits": 14, "decimal_places": 3}


class Category(MP_Node):
    """A tree (materialised path): ancestors and subtrees in one query; `full_name` is kept by the service."""

    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    full_name = models.CharField(_("full name"), max_length=500, editable=False, default="")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.full_name or self.name


class Product(BaseModel):
    class Unit(models.TextChoices):
        METER = "meter", _("Meter")
        PIECE = "piece", _("Piece")
        ROLL = "roll", _("Roll")
        SET = "set", _("Set")
        PACK = "pack", _("Pack")
        KG = "kg", _("Kilogram")
        SERVICE = "service", _("Service")

    class Kind(models.TextChoices):
        FABRIC = "fabric", _("Fabric")
        ACCESSORY = "accessory", _("Accessory")
        SERVICE = "service", _("Service")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FABRIC)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, default=Unit.METER)
    material = models.CharField(_("material"), max_length=120, blank=True)
    width_cm = models.DecimalField(_("width (cm)"), max_digits=7, decimal_places=1, null=True, blank=True)
    retail_price = models.DecimalField(_("retail price"), **MONEY)
    wholesale_price = models.DecimalField(_("wholesale price"), **MONEY)
    minimum_stock = models.DecimalField(_("minimum stock"), default=Decimal(0), **QUANTITY)
    is_active = models.BooleanField(_("active"), default=True)
    # Normalised (Arabic-folded) name, code and barcodes, maintained by the service. On PostgreSQL a trigram index
    # (migration 0002) serves `icontains` searches on it; SQLite (the demo) scans, which is fine at demo sizes.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["category", "is_active"], name="inv_product_category_active"),
            models.Index(Upper("code"), name="inv_product_code_upper"),
            # The product list's orderings and its kind filter, as keyset pages (erp/inventory/queryplans.py).
            models.Index(fields=["name", "id"], name="inv_product_name_id"),
            models.Index(fields=["-updated_at", "-id"], name="inv_product_updated_id"),
            models.Index(fields=["kind", "code", "id"], name="inv_product_kind_code"),
            # The highest minimum of the stocked products (selectors.below_minimum_bound): one index entry read.
            models.Index(fields=["minimum_stock"], condition=~Q(kind="service"), name="inv_product_minimum"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(retail_price__gte=0) & Q(wholesale_price__gte=0), name="inv_product_prices_non_negative"
            ),
        ]
        permissions = [
            ("manage_catalogue", "Can manage the catalogue"),
            ("change_prices", "Can change prices"),
            ("view_stock", "Can view stock"),
            ("manage_stock", "Can move stock"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class Variant(BaseModel):
    """A colour of a product; a product without colours has one default variant. Stock is kept per variant."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="variants")
    code = models.CharField(_("variant code"), max_length=60, unique=True)
    colour = models.CharField(_("colour"), max_length=80, blank=True)
    barcode = models.CharField(_("barcode"), max_length=64, unique=True, null=True, blank=True)
    retail_price = models.DecimalField(_("retail price override"), null=True, blank=True, **MONEY)
    wholesale_price = models.DecimalField(_("wholesale price override"), null=True, blank=True, **MONEY)
    is_default = models.BooleanField(_("default variant"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["product"], condition=Q(is_default=True), name="inv_variant_one_default"),
        ]

    def __str__(self) -> str:
        return f"{self.code}{' · ' + self.colour if self.colour else ''}"


class Warehouse(BaseModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    branch = models.ForeignKey(
        "accounts.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="warehouses"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_official_fabric = models.BooleanField(_("official fabric warehouse"), default=False)
    allow_negative_for_cutting = models.BooleanField(
        _("allow negative stock for cutting"),
        default=False,
        help_text=_("Cutting may take this warehouse below zero; every such movement raises an alert."),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff"), blank=True, related_name="assigned_warehouses"
    )

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class StockBalance(models.Model):
    """The current quantity of a variant in a warehouse. Equals the sum of its ledger rows, always."""

    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="balances")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="balances")
    quantity = models.DecimalField(_("quantity"), default=Decimal(0), **QUANTITY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [models.UniqueConstraint(fields=["variant", "warehouse"], name="inv_balance_unique")]
        indexes = [
            models.Index(fields=["warehouse", "variant"], name="inv_balance_warehouse"),
            # Out-of-stock and negative balances (the alerts list): a small partial index.
            models.Index(fields=["warehouse", "id"], condition=Q(quantity__lte=0), name="inv_balance_out"),
            # Below a product's minimum (alerts, the stock list's filter): the few balances under the highest minimum.
            models.Index(fields=["quantity"], name="inv_balance_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}@{self.warehouse_id}: {self.quantity}"


class StockMovement(models.Model):
    """One immutable line of the stock ledger. Corrections are new movements, never edits."""

    class Kind(models.TextChoices):
        IN = "in", _("In")
        OUT = "out", _("Out")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        ADJUSTMENT = "adjustment", _("Adjustment")

    class Reason(models.TextChoices):
        PURCHASE = "purchase", _("Purchase")
        SALE = "sale", _("Sale")
        RETURN = "return", _("Return")
        TRANSFER = "transfer", _("Transfer")
        COUNT = "count", _("Stock count")
        DAMAGE = "damage", _("Damage")
        PRODUCTION = "production", _("Production")
        OPENING = "opening", _("Opening balance")
        OTHER = "other", _("Other")

    variant = models.ForeignKey(Variant, verbose_name=_("variant"), on_delete=models.PROTECT, related_name="movements")
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    quantity = models.DecimalField(_("quantity"), help_text=_("Signed: negative takes stock out."), **QUANTITY)
    balance_after = models.DecimalField(_("balance after"), **QUANTITY)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["variant", "warehouse", "-id"], name="inv_movement_variant_wh"),
            models.Index(fields=["warehouse", "-id"], name="inv_movement_warehouse"),
            models.Index(fields=["reason", "-id"], name="inv_movement_reason"),
        ]
        constraints = [models.CheckConstraint(condition=~Q(quantity=0), name="inv_movement_non_zero")]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} of {self.variant_id}@{self.warehouse_id}"


class Transfer(BaseModel):
    """Stock moving between warehouses. Stock leaves the source when the transfer is approved and enters the
    destination, as received, when it is completed; cancelling an approved transfer returns it to the source."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Rejected")

    number = models.CharField(_("number"), max_length=30, unique=True)
    source = models.ForeignKey(
        Warehouse, verbose_name=_("from"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    destination = models.ForeignKey(
        Warehouse, verbose_name=_("to"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-id"], name="inv_transfer_status"),
            models.Index(fields=["source", "-id"], name="inv_transfer_source"),
            models.Index(fields=["destination", "-id"], name="inv_transfer_destination"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(source=models.F("destination")), name="inv_transfer_two_warehouses")
        ]
        permissions = [("approve_transfers", "Can approve stock transfers")]

    def __str__(self) -> str:
        return self.number


class TransferItem(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey(Variant, verbose_name=_("variant"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    received_quantity = models.DecimalField(_("received quantity"), null=True, blank=True, **QUANTITY)

    class Meta:
        verbose_name = _("transfer item")
        verbose_name_plural = _("transfer items")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inv_transfer_item_positive"),
            models.UniqueConstraint(fields=["transfer", "variant"], name="inv_transfer_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.transfer_id}: {self.variant_id} × {self.quantity}"

    @property
    def shortfall(self) -> Decimal:
        return self.quantity - self.received_quantity if self.received_quantity is not None else Decimal(0)


class TransferEvent(models.Model):
    """The transfer's timeline: who moved it from which status to which, when and why."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.transfer_id}: {self.from_status} → {self.to_status}"


# ---------------------------------------------------------------------------------------------------------------
# Purchasing, stock counts (stock operations). Kept together at the end of the file.


class Supplier(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    tax_number = models.CharField(_("tax number"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name", "id"], name="inv_supplier_name")]

    def __str__(self) -> str:
        return self.name


class PurchaseOrder(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PARTIALLY_RECEIVED = "partially_received", _("Partially received")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=30, unique=True)
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="purchase_orders"
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("destination warehouse"), on_delete=models.PROTECT, related_name="purchase_orders"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    expected_date = models.DateField(_("expected date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    total = models.DecimalField(_("total"), default=Decimal(0), **MONEY)  # kept by the service with the lines
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The API's Idempotency-Key of the request that created the order: a repeat returns this order.
    create_key = models.CharField(max_length=120, unique=True, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-id"], name="inv_po_status"),
            models.Index(fields=["supplier", "-id"], name="inv_po_supplier"),
            models.Index(fields=["warehouse", "-id"], name="inv_po_warehouse"),
        ]
        permissions = [
            ("view_purchasing", "Can view suppliers and purchase orders"),
            ("manage_purchasing", "Can manage suppliers and purchase orders"),
            ("approve_purchases", "Can approve purchase orders"),
        ]

    def __str__(self) -> str:
        return self.number


class PurchaseOrderLine(models.Model):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, verbose_name=_("variant"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity ordered"), **QUANTITY)
    unit_cost = models.DecimalField(_("unit cost"), **MONEY)
    received_quantity = models.DecimalField(_("quantity received"), default=Decimal(0), **QUANTITY)

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inv_po_line_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="inv_po_line_cost"),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0) & Q(received_quantity__lte=models.F("quantity")),
                name="inv_po_line_received_range",
            ),
            models.UniqueConstraint(fields=["order", "variant"], name="inv_po_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.variant_id} × {self.quantity}"

    @property
    def line_total(self) -> Decimal:
        return self.quantity * self.unit_cost

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.received_quantity


class PurchaseReceipt(models.Model):
    """One delivery against a purchase order. `key` is the submission's idempotency key: a replay finds it."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="receipts")
    key = models.CharField(max_length=80, unique=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("purchase receipt")
        verbose_name_plural = _("purchase receipts")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.pk}"


class PurchaseReceiptLine(models.Model):
    receipt = models.ForeignKey(PurchaseReceipt, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="receipt_lines")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="inv_po_receipt_line_positive")]

    def __str__(self) -> str:
        return f"{self.receipt_id}: {self.line_id} × {self.quantity}"


class PurchaseOrderEvent(models.Model):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} → {self.to_status}"


class StockCount(BaseModel):
    """A count sheet: expected quantities are snapshot when it is opened; posting adjusts the differences once."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        POSTED = "posted", _("Posted")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=30, unique=True)
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="stock_counts"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-id"]
        indexes = [models.Index(fields=["warehouse", "-id"], name="inv_count_warehouse")]
        permissions = [("adjust_stock", "Can post stock counts and adjust stock")]

    def __str__(self) -> str:
        return self.number


class StockCountLine(models.Model):
    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, verbose_name=_("variant"), on_delete=models.PROTECT, related_name="+")
    expected = models.DecimalField(_("expected"), **QUANTITY)
    counted = models.DecimalField(_("counted"), null=True, blank=True, **QUANTITY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["count", "variant"], name="inv_count_line_once"),
            models.CheckConstraint(
                condition=Q(counted__isnull=True) | Q(counted__gte=0), name="inv_count_line_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count_id}: {self.variant_id}"

    @property
    def difference(self) -> Decimal | None:
        return None if self.counted is None else self.counted - self.expected


# Catalogue data: price history and bulk price updates, product images, Excel import jobs.


class BulkPriceUpdate(models.Model):
    """The audit entry of one bulk price update: who, when, with which parameters, how many products changed.
    Its PriceChange rows (`changes`) hold every old → new price it wrote."""

    class Method(models.TextChoices):
        PERCENT = "percent", _("Percentage")
        FIXED = "fixed", _("Fixed amount")

    class Direction(models.TextChoices):
        UP = "up", _("Increase")
        DOWN = "down", _("Decrease")

    class Rounding(models.TextChoices):
        CENTS = "0.01", _("To the piastre (0.01)")
        HALF = "0.50", _("To the nearest half pound (0.50)")
        POUND = "1", _("To the nearest pound")
        FIVE = "5", _("To the nearest 5 pounds")
        TEN = "10", _("To the nearest 10 pounds")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The category and everything below it."),
    )
    product_codes = models.JSONField(_("selected products"), default=list, blank=True)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    apply_retail = models.BooleanField(_("retail price"), default=True)
    apply_wholesale = models.BooleanField(_("wholesale price"), default=False)
    rounding = models.CharField(_("rounding"), max_length=6, choices=Rounding.choices, default=Rounding.CENTS)
    note = models.CharField(_("note"), max_length=255, blank=True)
    product_count = models.PositiveIntegerField(_("products changed"), default=0)
    change_count = models.PositiveIntegerField(_("prices changed"), default=0)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("bulk price update")
        verbose_name_plural = _("bulk price updates")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="inv_bulkprice_amount_positive")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.method} {self.direction} {self.amount}"


class ImportJob(BaseModel):
    """An Excel import of products, variants, prices and opening stock, run by a Celery worker in two phases:
    a dry run (validation, per-row errors) and, once confirmed, the real run in batches."""

    class Kind(models.TextChoices):
        CATALOGUE = "catalogue", _("Catalogue (products, variants, prices, opening stock)")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Validating")
        VALIDATED = "validated", _("Validated")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    file_hash = models.CharField(_("file hash"), max_length=64, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CATALOGUE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED)
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    failure = models.CharField(_("failure"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "-id"], name="inv_importjob_status")]
        permissions = [("import_catalogue", "Can import the catalogue from Excel")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def is_busy(self) -> bool:
        return self.status in {self.Status.UPLOADED, self.Status.VALIDATING, self.Status.RUNNING}

    @property
    def percent(self) -> int:
        return int(self.processed * 100 / self.total) if self.total else 0


class ImportRowError(models.Model):
    """One problem found in one row of an import file. `message` is an untranslated message id (with %(name)s
    placeholders filled from `params`), so each reader sees it in their own language."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=60, blank=True)
    message = models.CharField(_("message"), max_length=255)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("import row error")
        verbose_name_plural = _("import row errors")
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["job", "row", "id"], name="inv_importerror_job_row")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row} {self.column}"


class PriceChange(models.Model):
    """One change of one price (a product's retail or wholesale price, or a variant's override), written by the
    services on every change: manual edits, bulk updates and imports."""

    class Field(models.TextChoices):
        RETAIL = "retail", _("Retail price")
        WHOLESALE = "wholesale", _("Wholesale price")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Manual")
        BULK = "bulk", _("Bulk update")
        IMPORT = "import", _("Import")

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="price_changes"
    )
    variant = models.ForeignKey(
        Variant,
        verbose_name=_("variant"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="price_changes",
        help_text=_("Empty for the product's own price; set for a variant's override."),
    )
    field = models.CharField(_("price"), max_length=10, choices=Field.choices)
    old_value = models.DecimalField(_("old price"), null=True, blank=True, **MONEY)
    new_value = models.DecimalField(_("new price"), null=True, blank=True, **MONEY)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    bulk_update = models.ForeignKey(
        BulkPriceUpdate, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    import_job = models.ForeignKey(ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("price change")
        verbose_name_plural = _("price changes")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["product", "-id"], name="inv_pricechange_product"),
            models.Index(fields=["bulk_update", "id"], name="inv_pricechange_bulk"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(old_value__isnull=True) | Q(old_value__gte=0))
                & (Q(new_value__isnull=True) | Q(new_value__gte=0)),
                name="inv_pricechange_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.field}: {self.old_value} → {self.new_value}"


def _product_image_path(instance: "ProductImage", filename: str) -> str:
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"products/originals/{instance.product_id}/{uuid.uuid4().hex}.{ext}"


class ProductImage(models.Model):
    """A photo of a product (optionally of one colour). The thumbnail is made by a Celery task after upload."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="images")
    variant = models.ForeignKey(
        Variant, verbose_name=_("colour"), null=True, blank=True, on_delete=models.SET_NULL, related_name="images"
    )
    original = models.FileField(_("image"), upload_to=_product_image_path, max_length=255)
    thumbnail = models.FileField(_("thumbnail"), blank=True, max_length=255)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    thumb_width = models.PositiveIntegerField(null=True, blank=True)
    thumb_height = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["product", "position", "id"]
        indexes = [models.Index(fields=["product", "position", "id"], name="inv_productimage_order")]

    def __str__(self) -> str:
        return f"{self.product_id} #{self.position}"
