"""The public QR catalogue: its design settings (one row) and the outbox that pushes the catalogue to the edge."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.models import BaseModel

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB, for example #1d3b5c."), "hex")


class DesignSettings(BaseModel):
    """The look of the public product card and the company contact it shows. A singleton (pk = 1)."""

    company_name = models.CharField(_("company name"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    whatsapp = models.CharField(_("WhatsApp number"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    footer_text = models.CharField(_("footer text"), max_length=255, blank=True)
    logo = models.ImageField(_("logo"), upload_to="catalogue/logo/", blank=True)
    primary_color = models.CharField(_("primary colour"), max_length=7, default="#1d3b5c", validators=[hex_colour])
    accent_color = models.CharField(_("accent colour"), max_length=7, default="#c8a04a", validators=[hex_colour])
    updated_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Bumped on every save: the theme stylesheet and the logo are served under it with long cache lifetimes.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("catalogue design settings")
        verbose_name_plural = _("catalogue design settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="catalogue_design_singleton")]
        permissions = [
            ("print_labels", "Can print QR label sheets"),
            ("manage_design", "Can edit the public catalogue design"),
            ("manage_sync", "Can manage the catalogue edge sync"),
        ]

    def __str__(self) -> str:
        return self.company_name or "catalogue design"


class SyncEntry(models.Model):
    """One outbox row per product code, written in the transaction that changed the product.

    Repeated changes coalesce into the same row and bump `version`; a worker claims a row (status `sending`,
    remembering `claimed_version`) and, once the edge accepted it, marks it done only if nothing changed meanwhile.
    A change made while the row was in flight leaves `version` above `claimed_version`, so the row goes back to
    `pending` and the newer version is sent too: nothing is lost.
    """

    class Operation(models.TextChoices):
        UPSERT = "upsert", _("Upsert")
        DELETE = "delete", _("Delete")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Delivered")
        FAILED = "failed", _("Failed")

    code = models.CharField(_("product code"), max_length=40, unique=True)
    # Not a foreign key: the outbox must outlive (and never block) the deletion of a product.
    product_id = models.BigIntegerField(_("product id"), null=True, blank=True)
    operation = models.CharField(_("operation"), max_length=10, choices=Operation.choices, default=Operation.UPSERT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    version = models.PositiveBigIntegerField(_("version"), default=1)
    claimed_version = models.PositiveBigIntegerField(default=0)
    sent_version = models.PositiveBigIntegerField(_("delivered version"), default=0)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("catalogue sync entry")
        verbose_name_plural = _("catalogue sync entries")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="catalogue_sync_due"),
            models.Index(fields=["-sent_at"], name="catalogue_sync_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} {self.status}"
