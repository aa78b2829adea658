"""Complaints (domain B §5.8): types with SLA hours counted on a business calendar, complaints with a numbered,
scoped lifecycle, their timeline of updates (with private attachments) and the customer's evaluation."""

from datetime import time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from erp.accounts.roles import RoleKey
from erp.core.files import private_storage
from erp.core.models import BaseModel

# Python weekday numbers (Monday 0 … Sunday 6). Egypt: Saturday–Thursday, Friday off.
EGYPT_WORKDAYS = [5, 6, 0, 1, 2, 3]
WEEKDAY_CHOICES = [
    (5, _("Saturday")),
    (6, _("Sunday")),
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
]


def default_workdays() -> list[int]:
    return list(EGYPT_WORKDAYS)


class BusinessCalendar(BaseModel):
    """Working weekdays and hours (wall-clock, Africa/Cairo) plus holidays; SLA deadlines count only these hours."""

    name = models.CharField(_("name"), max_length=80)
    workdays = models.JSONField(_("working days"), default=default_workdays)
    day_start = models.TimeField(_("working day starts"), default=time(9, 0))
    day_end = models.TimeField(_("working day ends"), default=time(17, 0))
    is_default = models.BooleanField(_("default calendar"), default=False)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="complaints_calendar_single_default"
            ),
            models.CheckConstraint(condition=Q(day_end__gt=models.F("day_start")), name="complaints_calendar_hours"),
        ]

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date", "id"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="complaints_holiday_unique_day")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class ComplaintType(BaseModel):
    # A stable key for the types the system uses itself (delivery_delay, installation_delay); blank otherwise.
    code = models.SlugField(_("code"), max_length=40, blank=True)
    name_ar = models.CharField(_("Arabic name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    default_priority = models.CharField(
        _("default priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    response_hours = models.PositiveSmallIntegerField(_("response within (business hours)"), default=4)
    resolution_hours = models.PositiveSmallIntegerField(_("resolution within (business hours)"), default=72)
    escalation_hours = models.PositiveSmallIntegerField(
        _("escalate after (business hours)"), default=48, help_text=_("Open this long: escalated automatically.")
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("business calendar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the default calendar."),
    )
    default_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("default assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    default_role = models.CharField(_("responsible department"), max_length=40, choices=RoleKey.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("complaint type")
        verbose_name_plural = _("complaint types")
        ordering = ["name_ar", "id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="complaints_type_unique_code"),
            models.CheckConstraint(
                condition=Q(resolution_hours__gte=models.F("response_hours")), name="complaints_type_sla_order"
            ),
        ]
        permissions = [("manage_complaint_types", "Can manage complaint types and the business calendar")]

    def __str__(self) -> str:
        return self.name_ar


class Complaint(BaseModel):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        PENDING_EVALUATION = "pending_evaluation", _("Awaiting evaluation")
        CLOSED = "closed", _("Closed")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Staff")
        AUTO = "auto", _("Automatic")
        CUSTOMER = "customer", _("Customer")

    # P<customer code>-NNN from a locked counter per customer (A.3-6).
    number = models.CharField(_("number"), max_length=50, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="complaints"
    )
    # The customer's branch when filed: scoping and notifications read it without a join.
    branch = models.ForeignKey(
        "accounts.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="complaints"
    )
    related_order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("related order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    # Any other related document (an installation, an inspection…): the type and id, plus the label and link shown.
    related_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    related_id = models.PositiveBigIntegerField(null=True, blank=True)
    related_label = models.CharField(_("related document"), max_length=120, blank=True)
    related_url = models.CharField(max_length=255, blank=True)
    complaint_type = models.ForeignKey(
        ComplaintType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="complaints"
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_complaints",
    )
    assigned_role = models.CharField(_("department"), max_length=40, choices=RoleKey.choices, blank=True)
    assigned_branch = models.ForeignKey(
        "accounts.Branch",
        verbose_name=_("department branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    response_due = models.DateTimeField(_("response due"))
    resolution_due = models.DateTimeField(_("resolution due"))
    escalation_due = models.DateTimeField(_("escalation due"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolution_note = models.TextField(_("resolution"), blank=True)
    # Automatic delay complaints: one open complaint per late thing (order or installation).
    delay_key = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_activity_at = models.DateTimeField(_("last activity"), auto_now_add=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["branch", "-id"], name="complaints_branch_id"),
            models.Index(fields=["customer", "-id"], name="complaints_customer_id"),
            models.Index(fields=["status", "-id"], name="complaints_status_id"),
            models.Index(fields=["priority", "-id"], name="complaints_priority_id"),  # the list's priority filter
            models.Index(fields=["assigned_to", "-id"], name="complaints_assignee_id"),
            models.Index(fields=["assigned_role", "-id"], name="complaints_role_id"),
            models.Index(fields=["created_by", "-id"], name="complaints_creator_id"),
            # Search matches the number exactly (`number__iexact`) or the trigram-indexed search_text (migration 0002).
            models.Index(Upper("number"), name="complaints_number_upper"),
            models.Index(
                fields=["resolution_due"],
                condition=Q(is_overdue=False, status__in=["new", "in_progress"]),
                name="complaints_due_open",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["delay_key"],
                condition=~Q(delay_key="") & ~Q(status="closed"),
                name="complaints_one_open_delay",
            ),
        ]
        permissions = [
            ("view_complaints", "Can view complaints"),
            ("create_complaints", "Can file complaints"),
            ("handle_complaints", "Can work on assigned complaints"),
            ("manage_complaints", "Can assign, escalate, close and reopen complaints"),
            ("export_complaints", "Can export complaints"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class ComplaintUpdate(models.Model):
    """The complaint's timeline: every move, assignment, escalation, comment and evaluation."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Filed")
        STATUS = "status", _("Status change")
        ASSIGNMENT = "assignment", _("Assignment")
        ESCALATION = "escalation", _("Escalation")
        COMMENT = "comment", _("Comment")
        EVALUATION = "evaluation", _("Customer evaluation")
        OVERDUE = "overdue", _("Overdue")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    text = models.TextField(_("text"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("complaint update")
        verbose_name_plural = _("complaint updates")
        ordering = ["id"]
        indexes = [models.Index(fields=["complaint", "id"], name="complaints_update_timeline")]

    def __str__(self) -> str:
        return f"{self.complaint_id}:{self.kind}"


class ComplaintAttachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    update = models.ForeignKey(ComplaintUpdate, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to="complaints/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("complaint attachment")
        verbose_name_plural = _("complaint attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


RATING = [MinValueValidator(1), MaxValueValidator(5)]


class CustomerEvaluation(models.Model):
    """The customer's view of how the complaint was handled: required before it can be closed."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="evaluation")
    overall = models.PositiveSmallIntegerField(_("overall"), validators=RATING)
    response_speed = models.PositiveSmallIntegerField(_("response speed"), validators=RATING)
    solution_quality = models.PositiveSmallIntegerField(_("solution quality"), validators=RATING)
    staff = models.PositiveSmallIntegerField(_("staff"), validators=RATING)
    would_recommend = models.BooleanField(_("would recommend us"), default=True)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("customer evaluation")
        verbose_name_plural = _("customer evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(overall__range=(1, 5))
                & Q(response_speed__range=(1, 5))
                & Q(solution_quality__range=(1, 5))
                & Q(staff__range=(1, 5)),
                name="complaints_evaluation_ratings",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.overall}/5"
