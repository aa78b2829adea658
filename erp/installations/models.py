"""Installations (domain B §4.8, §5.7): teams, technicians and the fleet (not logins), the installation of an
installation order with its timeline, and re-work (modification) requests."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from erp.core.files import private_storage
from erp.core.models import BaseModel, TimelineEvent

QUANTITY: dict[str, Any] = {"max_digits": 14, "decimal_places": 3}


class Team(BaseModel):
    name = models.CharField(_("name"), max_length=120)
    branch = models.ForeignKey(
        "accounts.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="installation_teams"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("installation team")
        verbose_name_plural = _("installation teams")
        ordering = ["name", "id"]
        permissions = [("manage_teams", "Can manage installation teams and technicians")]

    def __str__(self) -> str:
        return self.name


class Technician(BaseModel):
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="technicians"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("technician")
        verbose_name_plural = _("technicians")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Driver(BaseModel):
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("driver")
        verbose_name_plural = _("drivers")
        ordering = ["name", "id"]
        permissions = [("manage_fleet", "Can manage drivers, vehicles and missions")]

    def __str__(self) -> str:
        return self.name


class Vehicle(BaseModel):
    class Type(models.TextChoices):
        TRUCK = "truck", _("Truck")
        VAN = "van", _("Van")
        CAR = "car", _("Car")
        MOTORCYCLE = "motorcycle", _("Motorcycle")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        MAINTENANCE = "maintenance", _("In maintenance")
        INACTIVE = "inactive", _("Inactive")

    plate = models.CharField(_("plate"), max_length=20, unique=True)
    vehicle_type = models.CharField(_("type"), max_length=12, choices=Type.choices, default=Type.VAN)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["plate", "id"]

    def __str__(self) -> str:
        return self.plate


class Installation(BaseModel):
    class Status(models.TextChoices):
        NEEDS_SCHEDULING = "needs_scheduling", _("Needs scheduling")
        SCHEDULED = "scheduled", _("Scheduled")
        IN_INSTALLATION = "in_installation", _("In installation")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        MODIFICATION_REQUIRED = "modification_required", _("Modification required")
        MODIFICATION_IN_PROGRESS = "modification_in_progress", _("Modification in progress")
        MODIFICATION_COMPLETED = "modification_completed", _("Modification completed")

    class Location(models.TextChoices):
        OPEN = "open", _("Open area")
        COMPOUND = "compound", _("Compound")

    # <order number>-T (then -T2, -T3 after a cancelled one), from a locked counter per order.
    number = models.CharField(_("installation number"), max_length=50, unique=True)
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="installations"
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.NEEDS_SCHEDULING)
    scheduled_date = models.DateField(_("date"), null=True, blank=True)
    scheduled_time = models.TimeField(_("time"), null=True, blank=True)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="installations"
    )
    technicians = models.ManyToManyField(
        Technician, verbose_name=_("technicians"), blank=True, related_name="installations"
    )
    driver = models.ForeignKey(
        Driver, verbose_name=_("driver"), on_delete=models.PROTECT, null=True, blank=True, related_name="installations"
    )
    vehicle = models.ForeignKey(
        Vehicle,
        verbose_name=_("vehicle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="installations",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    location_type = models.CharField(_("location type"), max_length=10, choices=Location.choices, default=Location.OPEN)
    windows_count = models.PositiveSmallIntegerField(_("windows"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    status_reason = models.CharField(_("reason"), max_length=255, blank=True)
    debt_confirmed = models.BooleanField(_("scheduled with a balance due"), default=False)
    # Receipt at completion.
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt memo number"), max_length=40, blank=True)
    receipt_file = models.FileField(
        _("signature or photo"), storage=private_storage, upload_to="installations/%Y/%m", blank=True
    )
    receipt_notes = models.TextField(_("receipt notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Arabic-normalised number, order number, customer name and phone, address (erp.core.text.normalize_search).
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("installation")
        verbose_name_plural = _("installations")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-id"], name="inst_status_id"),
            models.Index(fields=["scheduled_date", "-id"], name="inst_date_id"),
            # A status in date order (the list filtered by status, sorted by date, with or without a date range):
            # at 135,965 installations the date index filtered row by row (389 ms for a rare status).
            models.Index(fields=["status", "scheduled_date", "id"], name="inst_status_date"),
            models.Index(fields=["team", "scheduled_date"], name="inst_team_date"),
            models.Index(fields=["order", "-id"], name="inst_order_id"),
        ]
        constraints = [
            # One open installation per order (a cancelled one may be followed by a new one).
            models.UniqueConstraint(fields=["order"], condition=~Q(status="cancelled"), name="inst_one_open_per_order"),
            models.CheckConstraint(
                condition=Q(status="needs_scheduling") | Q(status="cancelled") | Q(scheduled_date__isnull=False),
                name="inst_scheduled_has_date",
            ),
        ]
        permissions = [
            ("view_installations", "Can see installations"),
            ("manage_installations", "Can schedule, start, complete and cancel installations"),
            ("investigate_modifications", "Can investigate and approve modification requests"),
            ("export_installations", "Can export installations"),
        ]

    def __str__(self) -> str:
        return self.number


class InstallationEvent(TimelineEvent):
    """The installation timeline: who, when, from, to, why, and what changed."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status")
        SCHEDULE = "schedule", _("Schedule change")
        PAYMENT = "payment", _("Payment received")
        MODIFICATION = "modification", _("Modification request")

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["installation_id", "id"]
        indexes = [models.Index(fields=["installation", "id"], name="inst_event_inst_id")]

    def __str__(self) -> str:
        return f"{self.installation_id} {self.kind}"


class VehicleMission(BaseModel):
    class Kind(models.TextChoices):
        INSTALLATION = "installation", _("Installation")
        CUSTOM = "custom", _("Custom")
        MAINTENANCE = "maintenance", _("Maintenance")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    vehicle = models.ForeignKey(Vehicle, verbose_name=_("vehicle"), on_delete=models.PROTECT, related_name="missions")
    driver = models.ForeignKey(
        Driver, verbose_name=_("driver"), on_delete=models.PROTECT, null=True, blank=True, related_name="missions"
    )
    mission_date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices, default=Kind.CUSTOM)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    installation = models.ForeignKey(
        Installation,
        verbose_name=_("installation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="missions",
    )
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("vehicle mission")
        verbose_name_plural = _("vehicle missions")
        ordering = ["-mission_date", "-id"]
        indexes = [models.Index(fields=["-mission_date", "-id"], name="inst_mission_date_id")]

    def __str__(self) -> str:
        return f"{self.vehicle_id} {self.mission_date}"


class ModificationRequest(BaseModel):
    class Fault(models.TextChoices):
        FACTORY = "factory", _("Factory")
        SALESPERSON = "salesperson", _("Salesperson")
        CUSTOMER = "customer", _("Customer")
        INSTALLATION = "installation", _("Installation")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("New")
        INVESTIGATING = "investigating", _("Investigating")
        APPROVED = "approved", _("Approved")
        MANUFACTURING = "manufacturing", _("Manufacturing")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Priority(models.TextChoices):
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    installation = models.ForeignKey(
        Installation, verbose_name=_("installation"), on_delete=models.PROTECT, related_name="modifications"
    )
    fault_party = models.CharField(_("fault party"), max_length=14, choices=Fault.choices)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.PENDING)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    description = models.TextField(_("description"))
    status_reason = models.CharField(_("reason"), max_length=255, blank=True)
    factory_order_id = models.PositiveBigIntegerField(_("factory order"), null=True, blank=True)
    factory_order_number = models.CharField(_("factory order number"), max_length=50, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("modification request")
        verbose_name_plural = _("modification requests")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "-id"], name="inst_mod_status_id")]

    def __str__(self) -> str:
        return f"{self.installation_id}/{self.pk}"


class ModificationItem(models.Model):
    request = models.ForeignKey(ModificationRequest, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(_("curtain or room"), max_length=200)
    new_meters = models.DecimalField(_("new meters"), **QUANTITY)
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        ordering = ["request_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(new_meters__gte=0), name="inst_mod_item_meters_gte_0")]

    def __str__(self) -> str:
        return self.description
