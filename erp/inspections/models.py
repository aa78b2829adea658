"""Inspections (B §4.5, §5.4): paid site-measurement visits, their timeline and their private files."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from erp.core.files import private_storage
from erp.core.models import BaseModel, TimelineEvent


class Inspection(BaseModel):
    class Status(models.TextChoices):
        NOT_SCHEDULED = "not_scheduled", _("Not scheduled")
        PENDING = "pending", _("Waiting")
        SCHEDULED = "scheduled", _("Scheduled")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        POSTPONED = "postponed_by_customer", _("Postponed by the customer")

    class Result(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    class Payment(models.TextChoices):
        PAID = "paid", _("Paid")
        COLLECT_ON_VISIT = "collect_on_visit", _("Collect on visit")

    number = models.CharField(_("inspection number"), max_length=50, unique=True)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="inspections"
    )
    branch = models.ForeignKey(
        "accounts.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="inspections"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="iterations",
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.NOT_SCHEDULED)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    windows_count = models.PositiveSmallIntegerField(_("windows"), null=True, blank=True)
    payment_status = models.CharField(
        _("payment"), max_length=20, choices=Payment.choices, default=Payment.COLLECT_ON_VISIT
    )
    scheduled_date = models.DateField(_("date"), null=True, blank=True)
    scheduled_time = models.TimeField(_("time"), null=True, blank=True)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_visits",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status_reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["branch", "-id"], name="insp_branch_id"),
            models.Index(fields=["status", "-id"], name="insp_status_id"),
            models.Index(fields=["result", "-id"], name="insp_result_id"),  # the list's result filter
            models.Index(fields=["technician", "scheduled_date", "scheduled_time"], name="insp_tech_day"),
            models.Index(fields=["scheduled_date", "-id"], name="insp_date_id"),
            models.Index(fields=["order", "-id"], name="insp_order_id"),
            models.Index(fields=["customer", "-id"], name="insp_customer_id"),
            models.Index(fields=["created_by", "-id"], name="insp_creator_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(status="completed") | ~Q(result=""), name="insp_completed_has_result"),
        ]
        permissions = [
            ("view_inspections", "Can see inspections"),
            ("request_inspections", "Can request a standalone inspection"),
            ("manage_inspections", "Can schedule, cancel and repeat inspections"),
            ("work_inspections", "Can start, complete and postpone their own visits"),
            ("export_inspections", "Can export inspections"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.COMPLETED, self.Status.CANCELLED)


class InspectionEvent(TimelineEvent):
    """The inspection timeline: who, when, from, to, why."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)

    class Meta:
        ordering = ["inspection_id", "id"]
        indexes = [models.Index(fields=["inspection", "id"], name="insp_event_insp_id")]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.from_status}→{self.to_status}"


class InspectionFile(models.Model):
    """A measurement sheet or photo: private storage, served only through a permission-checked view."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), storage=private_storage, upload_to="inspections/%Y/%m/")
    kind = models.CharField(_("type"), max_length=10)
    original_name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["inspection_id", "id"]
        indexes = [models.Index(fields=["inspection", "id"], name="insp_file_insp_id")]

    def __str__(self) -> str:
        return self.original_name
