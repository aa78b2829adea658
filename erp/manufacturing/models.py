"""The factory (domain B §4.7, §5.5): production lines, factory orders, their items (cut fabric received in bags and
delivered to a line), the factory timeline and the line-change log.

The factory owns its status; the order sees it through the department annotation (erp/orders/departments.py) and
is moved along by `order_advance` from the services, never by signals.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from erp.core.models import BaseModel, TimelineEvent

QUANTITY: dict[str, Any] = {"max_digits": 12, "decimal_places": 3}


class ProductionLine(BaseModel):
    """A line of tailors; it serves some branches per order type (`ProductionLineRoute`). Higher priority wins."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    capacity_per_day = models.PositiveIntegerField(_("capacity per day"), default=10)
    priority = models.PositiveSmallIntegerField(_("priority"), default=1, help_text=_("Higher is chosen first."))
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("production line")
        verbose_name_plural = _("production lines")
        ordering = ["-priority", "id"]

    def __str__(self) -> str:
        return self.name


class FactoryOrder(BaseModel):
    class Type(models.TextChoices):
        INSTALLATION = "installation", _("Installation")
        CUSTOM = "custom", _("Tailoring")
        ACCESSORY = "accessory", _("Accessory")
        MODIFICATION = "modification", _("Modification")

    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", _("Awaiting factory approval")
        PENDING = "pending", _("Waiting")
        IN_PROGRESS = "in_progress", _("In production")
        READY_INSTALL = "ready_install", _("Ready for installation")
        COMPLETED = "completed", _("Completed")
        DELIVERED = "delivered", _("Delivered")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=50, unique=True)
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="factory_orders"
    )
    # Copied from the order at creation: the lists filter and sort on them without a join.
    branch = models.ForeignKey("accounts.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+")
    is_vip = models.BooleanField(_("VIP"), default=False)
    order_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING_APPROVAL)
    status_reason = models.CharField(_("reason"), max_length=255, blank=True)
    line = models.ForeignKey(
        ProductionLine,
        verbose_name=_("production line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    expected_date = models.DateField(_("expected date"))
    rejection_reason = models.CharField(_("rejection reason"), max_length=255, blank=True)
    rejection_reply = models.TextField(_("reply to the rejection"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    delivery_permit = models.CharField(_("delivery permit number"), max_length=40, blank=True)
    delivery_recipient = models.CharField(_("recipient"), max_length=120, blank=True)
    exit_permit = models.CharField(_("exit permit number"), max_length=40, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # installations.ModificationRequest is another module: a plain id, no foreign key.
    modification_request_id = models.PositiveIntegerField(_("modification request"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Arabic-normalised number, order number, customer name and phone, contract (erp.core.text.normalize_search).
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("factory order")
        verbose_name_plural = _("factory orders")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-id"], name="mfg_status_id"),
            models.Index(fields=["line", "status"], name="mfg_line_status"),
            models.Index(fields=["branch", "-id"], name="mfg_branch_id"),
            models.Index(fields=["expected_date", "id"], name="mfg_expected_id"),
            models.Index(fields=["order_type", "-id"], name="mfg_type_id"),
            models.Index(fields=["status", "expected_date", "id"], name="mfg_status_expected"),
            # The dashboard's urgent list: open orders, VIP first, earliest due first.
            models.Index(
                fields=["-is_vip", "expected_date", "id"],
                condition=models.Q(status__in=["pending_approval", "pending", "in_progress", "rejected"]),
                name="mfg_open_urgent",
            ),
        ]
        constraints = [
            # One factory order per order, plus any number of modification orders.
            models.UniqueConstraint(
                fields=["order"], condition=~Q(order_type="modification"), name="mfg_one_per_order"
            ),
            models.UniqueConstraint(
                fields=["modification_request_id"],
                condition=Q(modification_request_id__isnull=False),
                name="mfg_one_per_modification_request",
            ),
        ]
        permissions = [
            ("view_factory_orders", "Can see factory orders"),
            ("approve_orders", "Can approve and re-approve factory orders"),
            ("reject_orders", "Can reject factory orders"),
            ("progress_orders", "Can move factory orders through production and delivery"),
            ("cancel_orders", "Can cancel factory orders"),
            ("change_line", "Can move a factory order to another production line"),
            ("receive_fabric", "Can receive cut fabric in the factory"),
            ("deliver_to_line", "Can deliver received fabric to a production line"),
            ("reply_rejections", "Can reply to a factory rejection"),
            ("manage_lines", "Can manage production lines"),
            ("export_factory_orders", "Can export factory orders"),
        ]

    def __str__(self) -> str:
        return self.number


class ProductionLineRoute(models.Model):
    """Line × factory order type → a branch it serves (B §5.5 `ProductionLineOrderTypeConfig`)."""

    line = models.ForeignKey(ProductionLine, on_delete=models.CASCADE, related_name="routes")
    order_type = models.CharField(_("type"), max_length=20, choices=FactoryOrder.Type.choices)
    branch = models.ForeignKey("accounts.Branch", verbose_name=_("branch"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line", "order_type", "branch"], name="mfg_route_once"),
        ]
        indexes = [models.Index(fields=["branch", "order_type"], name="mfg_route_lookup")]

    def __str__(self) -> str:
        return f"{self.line_id}:{self.order_type}:{self.branch_id}"


class FactoryItem(models.Model):
    """A piece of work: usually one cut item from cutting (linked by its id), received in a bag, then delivered to
    the line."""

    factory_order = models.ForeignKey(FactoryOrder, on_delete=models.CASCADE, related_name="items")
    order_item = models.ForeignKey(
        "orders.OrderItem", on_delete=models.PROTECT, null=True, blank=True, related_name="factory_items"
    )
    # cutting.CutItem is another module: its id and a copy of what the factory needs to see.
    cut_item_id = models.PositiveIntegerField(_("cut item"), null=True, blank=True, unique=True)
    cut_reference = models.CharField(_("cutting order"), max_length=60, blank=True, db_index=True)
    cut_permit = models.CharField(_("cutting permit"), max_length=60, blank=True)
    cut_receiver = models.CharField(_("received from cutting by"), max_length=120, blank=True)
    name = models.CharField(_("item"), max_length=200)
    meters = models.DecimalField(_("meters"), null=True, blank=True, **QUANTITY)
    notes = models.CharField(_("notes"), max_length=255, blank=True)
    bag_number = models.CharField(_("bag number"), max_length=40, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delivered_to_line_at = models.DateTimeField(_("delivered to the line at"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("factory item")
        verbose_name_plural = _("factory items")
        indexes = [
            # The receipt desk's latest receipts.
            models.Index(
                fields=["-received_at", "-id"], condition=models.Q(received_at__isnull=False), name="mfg_item_received"
            ),
            # The receipt desk's items still to receive, oldest first: a small part of a large table.
            models.Index(fields=["id"], condition=models.Q(received_at__isnull=True), name="mfg_item_waiting"),
        ]

    def __str__(self) -> str:
        return self.name


class FactoryEvent(TimelineEvent):
    """The factory timeline: who did what, when, from which status to which, and why."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status")
        REVERTED = "reverted", _("Moved back")
        REPLY = "reply", _("Reply to the rejection")
        LINE = "line", _("Line changed")
        ITEM = "item", _("Cut item")
        RECEIPT = "receipt", _("Fabric received")
        DELIVERY = "delivery", _("Delivered to the line")

    factory_order = models.ForeignKey(FactoryOrder, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["factory_order", "id"], name="mfg_event_order")]

    def __str__(self) -> str:
        return f"{self.factory_order_id} {self.kind}"


class LineChangeLog(models.Model):
    factory_order = models.ForeignKey(FactoryOrder, on_delete=models.CASCADE, related_name="line_changes")
    from_line = models.ForeignKey(ProductionLine, on_delete=models.PROTECT, null=True, related_name="+")
    to_line = models.ForeignKey(ProductionLine, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.factory_order_id}: {self.from_line_id} → {self.to_line_id}"
