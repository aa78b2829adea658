from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The families of B §5.13's 27 notification types; the exact event is in `Notification.event`."""

    CUSTOMER = "customer", _("Customer")
    ORDER = "order", _("Order")
    INSPECTION = "inspection", _("Inspection")
    FACTORY = "factory", _("Factory")
    CUTTING = "cutting", _("Cutting")
    INSTALLATION = "installation", _("Installation")
    COMPLAINT = "complaint", _("Complaint")
    STOCK = "stock", _("Stock")
    SYSTEM = "system", _("System")


class Priority(models.IntegerChoices):
    LOW = 10, _("Low")
    NORMAL = 20, _("Normal")
    HIGH = 30, _("High")
    URGENT = 40, _("Urgent")


class Notification(models.Model):
    """One event shown to many people: written once by the outbox handler, keyed by the event's idempotency key."""

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    event = models.CharField(_("event"), max_length=60, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    branch = models.ForeignKey(
        "accounts.Branch", verbose_name=_("branch"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    extra = models.JSONField(_("extra data"), default=dict, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title


class NotificationRecipient(models.Model):
    """A user's copy of a notification and its read state (kind and priority copied for cheap filtering)."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "user"], name="notifications_recipient_once"),
        ]
        indexes = [
            models.Index(fields=["user", "-id"], name="notifications_rcpt_user_id"),
            models.Index(
                fields=["user", "-id"], condition=models.Q(read_at__isnull=True), name="notifications_rcpt_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.user_id}"


class NotificationSetting(models.Model):
    """Per-user choices: muted types and the lowest priority worth a notification."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_setting"
    )
    muted_kinds = models.JSONField(_("muted types"), default=list, blank=True)
    min_priority = models.PositiveSmallIntegerField(
        _("minimum priority"), choices=Priority.choices, default=Priority.LOW
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"settings of {self.user_id}"
