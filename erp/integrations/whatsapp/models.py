from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """The messages B §7.1 sends, one approved Meta template each."""

    WELCOME = "welcome", _("Welcome (customer created)")
    ORDER_CREATED = "order_created", _("Order created")
    INSPECTION_SCHEDULED = "inspection_scheduled", _("Inspection scheduled")
    INSPECTION_COMPLETED = "inspection_completed", _("Inspection completed")
    INSTALLATION_SCHEDULED = "installation_scheduled", _("Installation scheduled")
    INSTALLATION_COMPLETED = "installation_completed", _("Installation completed")
    INVOICE = "invoice", _("Invoice")
    CONTRACT = "contract", _("Contract")
    CUSTOM = "custom", _("Custom")


class WhatsAppSettings(models.Model):
    """The one settings row. Secrets (token, app secret, verify token) are environment variables, never stored."""

    is_enabled = models.BooleanField(_("sending enabled"), default=False)
    phone_number_id = models.CharField(_("phone number id"), max_length=40, blank=True)
    business_account_id = models.CharField(_("business account id"), max_length=40, blank=True)
    default_language = models.CharField(_("default language"), max_length=10, default="ar")
    enabled_events = models.JSONField(_("enabled events"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("WhatsApp settings")
        verbose_name_plural = _("WhatsApp settings")
        permissions = [
            ("manage_whatsapp", "Can change WhatsApp settings and templates"),
            ("view_message_log", "Can view the WhatsApp message log"),
        ]

    def __str__(self) -> str:
        return "WhatsApp settings"


class WhatsAppTemplate(models.Model):
    event = models.CharField(_("event"), max_length=30, choices=Event.choices, unique=True)
    name = models.CharField(_("Meta template name"), max_length=120)
    language = models.CharField(_("language"), max_length=10, blank=True, help_text=_("Empty: the default language"))
    parameters = models.JSONField(
        _("parameters"), default=list, blank=True, help_text=_("Names of the body parameters, in order")
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("WhatsApp template")
        verbose_name_plural = _("WhatsApp templates")
        ordering = ["event"]

    def __str__(self) -> str:
        return f"{self.event}: {self.name}"


class WhatsAppMessage(models.Model):
    """One outgoing template message and its delivery state (the message log)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        READ = "read", _("Read")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        INVALID_NUMBER = "invalid_number", _("Invalid number")
        TEMPLATE = "template", _("Template not approved or missing")
        OUTSIDE_WINDOW = "outside_window", _("Outside the 24-hour window")
        AUTH = "auth", _("Access token rejected")
        RETRIES_EXHAUSTED = "retries_exhausted", _("Gave up after retries")
        DELIVERY = "delivery", _("Reported undelivered")
        OTHER = "other", _("Other")

    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    template_name = models.CharField(_("template"), max_length=120)
    language = models.CharField(_("language"), max_length=10)
    phone = models.CharField(_("phone"), max_length=20)
    params = models.JSONField(_("parameters"), default=list, blank=True)
    related_type = models.CharField(max_length=60, blank=True)
    related_id = models.BigIntegerField(null=True, blank=True)
    related_label = models.CharField(_("related to"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_message_id = models.CharField(_("provider message id"), max_length=128, null=True, blank=True, unique=True)
    failure = models.CharField(_("failure"), max_length=20, choices=Failure.choices, blank=True)
    error_code = models.CharField(_("error code"), max_length=20, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    idempotency_key = models.CharField(max_length=200, unique=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)

    class Meta:
        verbose_name = _("WhatsApp message")
        verbose_name_plural = _("WhatsApp messages")
        indexes = [
            models.Index(fields=["status", "-id"], name="whatsapp_msg_status_id"),
            models.Index(fields=["event", "-id"], name="whatsapp_msg_event_id"),
            models.Index(fields=["phone", "-id"], name="whatsapp_msg_phone_id"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.phone} ({self.status})"


class WhatsAppStatusReceipt(models.Model):
    """Each (message, status) reported by the webhook, once: a repeated callback finds its row and does nothing."""

    provider_message_id = models.CharField(max_length=128)
    status = models.CharField(max_length=20)
    reported_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider_message_id", "status"], name="whatsapp_receipt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_message_id}: {self.status}"
