"""The customer master: types with their pricing, categories, contact persons, notes and the cross-branch access log."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.models import BaseModel


class PricingType(models.TextChoices):
    RETAIL = "retail", _("Retail price")
    WHOLESALE = "wholesale", _("Wholesale price")
    DISCOUNT = "discount", _("Retail price with a discount")


class CustomerType(BaseModel):
    """How a customer is priced: retail, wholesale, or retail less a percentage on chosen warehouses' products."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    pricing_type = models.CharField(
        _("pricing"), max_length=12, choices=PricingType.choices, default=PricingType.RETAIL
    )
    discount_percentage = models.DecimalField(
        _("discount %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    discount_warehouses = models.ManyToManyField(
        "inventory.Warehouse",
        verbose_name=_("discount warehouses"),
        blank=True,
        related_name="+",
        help_text=_("The discount applies only to products taken from these warehouses."),
    )
    badge_colour = models.CharField(_("badge colour"), max_length=7, default="#6c757d")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("customer type")
        verbose_name_plural = _("customer types")
        ordering = ["name"]
        permissions = [("manage_customer_types", "Can manage customer types and categories")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discount_percentage__gte=0, discount_percentage__lte=100),
                name="customers_type_discount_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CustomerCategory(BaseModel):
    name = models.CharField(_("name"), max_length=80, unique=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("customer category")
        verbose_name_plural = _("customer categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="customers_category_single_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Customer(BaseModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        BLOCKED = "blocked", _("Blocked")

    class LocationType(models.TextChoices):
        OPEN = "open", _("Open area")
        COMPOUND = "compound", _("Compound")

    # BRANCH-NNNN from a locked counter per branch (domain decision A.3-6); never changes.
    code = models.CharField(_("code"), max_length=30, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    branch = models.ForeignKey(
        "accounts.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="customers"
    )
    customer_type = models.ForeignKey(
        CustomerType, verbose_name=_("customer type"), on_delete=models.PROTECT, related_name="customers"
    )
    category = models.ForeignKey(
        CustomerCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
    )
    # E.164 (erp.core.phones.normalize_phone); duplicates are refused by the service across both columns.
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    phone2 = models.CharField(_("second phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    location_type = models.CharField(
        _("location type"), max_length=10, choices=LocationType.choices, default=LocationType.OPEN
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    credit_limit = models.DecimalField(_("credit limit"), max_digits=12, decimal_places=2, default=Decimal("0"))
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    # Arabic-normalised name, code and phones (erp.core.text.normalize_search), trigram-indexed on PostgreSQL.
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers_created",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["branch", "-id"], name="customers_branch_id_idx"),
            models.Index(fields=["created_by", "-id"], name="customers_creator_id_idx"),
            models.Index(fields=["customer_type", "-id"], name="customers_type_id_idx"),
            models.Index(fields=["status", "-id"], name="customers_status_id_idx"),
            models.Index(fields=["name", "id"], name="customers_name_id_idx"),  # the list's "name" ordering
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(credit_limit__gte=0), name="customers_credit_limit_gte_0"),
        ]
        permissions = [
            ("view_customers", "Can see customers"),
            ("manage_customers", "Can create and edit customers"),
            ("block_customers", "Can block and unblock customers"),
            ("export_customers", "Can export customers"),
            ("exceed_credit", "Can place orders beyond a customer's credit limit or payment terms"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def is_blocked(self) -> bool:
        return self.status == self.Status.BLOCKED


class ContactPerson(BaseModel):
    """Contact persons of a corporate customer, in order; at most one primary."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("title"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    position = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "order"), default=1)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["customer_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=models.Q(is_primary=True), name="customers_contact_single_primary"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CustomerNote(BaseModel):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="notes_log")
    text = models.TextField(_("note"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("customer note")
        verbose_name_plural = _("customer notes")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.text[:40]


class CustomerAccessLog(BaseModel):
    """Every cross-branch lookup (by exact code or phone) is written here (B §6.2)."""

    class Via(models.TextChoices):
        CODE = "code", _("Customer code")
        PHONE = "phone", _("Phone")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="access_logs")
    customer_branch = models.ForeignKey("accounts.Branch", on_delete=models.PROTECT, related_name="+")
    is_cross_branch = models.BooleanField(default=False)
    via = models.CharField(max_length=10, choices=Via.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("customer access log")
        verbose_name_plural = _("customer access logs")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.customer_id}"
