"""Cutting (domain B §4.6, §5.6; A.3-4): one cutting order per (order, warehouse) holding the order's goods, its cut
items (order lines, or customer-supplied fabric that moves no stock), and an event timeline.

The cutting order's status is derived from its items by the service and stored (lists filter on it).
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from erp.core.models import BaseModel, TimelineEvent

QUANTITY: dict[str, Any] = {"max_digits": 14, "decimal_places": 3}


class CuttingStatus(models.TextChoices):
    """Shared by cutting orders and cut items (one enum in the API schema)."""

    PENDING = "pending", _("Waiting")
    IN_PROGRESS = "in_progress", _("Cutting")
    COMPLETED = "completed", _("Cut")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class CuttingOrder(BaseModel):
    Status = CuttingStatus

    code = models.CharField(_("code"), max_length=60, unique=True)
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="cutting_orders"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="cutting_orders"
    )
    status = models.CharField(_("status"), max_length=12, choices=CuttingStatus.choices, default=CuttingStatus.PENDING)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # How many times the cutting order became completed (keys its completion notification).
    completions = models.PositiveIntegerField(default=0)
    # Arabic-normalised code, order number, customer name and phones (erp.core.text.normalize_search).
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("cutting order")
        verbose_name_plural = _("cutting orders")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-id"], name="cutting_order_status_id"),
            models.Index(fields=["warehouse", "-id"], name="cutting_order_warehouse_id"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["order", "warehouse"], name="cutting_order_per_warehouse"),
        ]
        permissions = [
            ("view_cutting", "Can see cutting orders"),
            ("cut_items", "Can start, complete and reject cut items"),
            ("reverse_cuts", "Can reject or reset completed cut items (returns stock)"),
            ("export_cutting", "Can export cutting orders"),
        ]

    def __str__(self) -> str:
        return self.code


class CuttingItem(BaseModel):
    Status = CuttingStatus

    cutting_order = models.ForeignKey(CuttingOrder, on_delete=models.CASCADE, related_name="items")
    # An order line (stock moves on completion, except for products orders), or customer-supplied fabric.
    order_item = models.ForeignKey(
        "orders.OrderItem",
        verbose_name=_("order item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    fabric = models.ForeignKey(
        "orders.CurtainFabric", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=60, blank=True)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    status = models.CharField(_("status"), max_length=12, choices=CuttingStatus.choices, default=CuttingStatus.PENDING)
    cutter_name = models.CharField(_("cutter"), max_length=120, blank=True)
    permit_number = models.CharField(_("permit number"), max_length=40, blank=True)
    receiver_name = models.CharField(_("receiver"), max_length=120, blank=True)
    exit_date = models.DateField(_("exit date"), null=True, blank=True)
    backdate_reason = models.CharField(_("back-dating reason"), max_length=255, blank=True)
    extra_quantity = models.DecimalField(_("extra quantity"), default=Decimal(0), **QUANTITY)
    bag_number = models.CharField(_("bag number"), max_length=40, blank=True)
    rejection_reason = models.CharField(_("rejection reason"), max_length=255, blank=True)
    cut_at = models.DateTimeField(_("cut at"), null=True, blank=True)
    cut_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Bumped by every reversal of a completion: keys the next deduction and return (each happens once).
    generation = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("cut item")
        verbose_name_plural = _("cut items")
        ordering = ["cutting_order_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cutting_item_quantity_gt_0"),
            models.CheckConstraint(condition=Q(extra_quantity__gte=0), name="cutting_item_extra_gte_0"),
            models.CheckConstraint(
                condition=Q(order_item__isnull=False) | Q(fabric__isnull=False), name="cutting_item_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"

    @property
    def is_external(self) -> bool:
        """Customer-supplied fabric: cut without stock."""
        return self.order_item_id is None


class CuttingEvent(TimelineEvent):
    """The cutting timeline: who, when, which item (or the whole order), from, to, why."""

    cutting_order = models.ForeignKey(CuttingOrder, on_delete=models.CASCADE, related_name="events")
    item = models.ForeignKey(CuttingItem, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["cutting_order_id", "id"]
        indexes = [models.Index(fields=["cutting_order", "id"], name="cutting_event_order_id")]

    def __str__(self) -> str:
        return f"{self.cutting_order_id} {self.to_status}"
