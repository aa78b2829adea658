from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower, Upper
from django.utils.translation import gettext_lazy as _

from erp.accounts.roles import ROLE_DEFINITIONS, RoleKey
from erp.core.models import BaseModel


class Branch(BaseModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_main = models.BooleanField(_("main branch"), default=False)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_main"], condition=models.Q(is_main=True), name="accounts_branch_single_main"
            ),
        ]
        permissions = [
            ("manage_branches", "Can manage branches"),
            ("view_all_branches", "Can see every branch's data"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class Role(BaseModel):
    key = models.CharField(_("key"), max_length=40, unique=True, choices=RoleKey.choices)
    level = models.PositiveSmallIntegerField(_("level"))
    is_system = models.BooleanField(_("system role"), default=True)
    permissions = models.ManyToManyField("auth.Permission", blank=True, related_name="roles")

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["level", "key"]
        permissions = [("manage_roles", "Can manage roles")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        # Direct enum lookup: get_key_display() scans the choices each call (measurable on 100-row API pages).
        return str(RoleKey(self.key).label)

    @property
    def definition_level(self) -> int:
        return ROLE_DEFINITIONS[self.key].level


class User(AbstractUser):
    class Language(models.TextChoices):
        ARABIC = "ar", _("Arabic")
        ENGLISH = "en", _("English")

    phone = models.CharField(_("phone"), max_length=20, blank=True)
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.ARABIC
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")
    managed_branches = models.ManyToManyField(
        Branch, verbose_name=_("managed branches"), blank=True, related_name="region_managers"
    )
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        indexes = [
            models.Index(fields=["branch", "is_active"], name="accounts_user_branch_active"),
            models.Index(Lower("username"), name="accounts_user_username_lower"),
        ]
        permissions = [
            ("manage_users", "Can manage users"),
            ("view_dashboard", "Can view the dashboard"),
            ("view_security_events", "Can view security events"),
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class SecurityEvent(models.Model):
    """Security-relevant events, written with one cheap insert and never read on the request path."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGOUT = "logout", _("Logout")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKOUT = "lockout", _("Lockout")
        PERMISSION_DENIED = "permission_denied", _("Permission denied")
        EXPORT = "export", _("Export")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PERMISSION_CHANGE = "permission_change", _("Permission change")
        TOKEN_ISSUED = "token_issued", _("API token issued")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    user = models.ForeignKey(
        User, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=255, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="accounts_secevent_recent"),
            models.Index(fields=["kind", "-id"], name="accounts_secevent_kind_id"),
            models.Index(Upper("username"), F("id").desc(), name="accounts_secevent_username"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.username}"


class ApiToken(models.Model):
    """A bearer token for API clients. Only its SHA-256 is stored; it expires and can be revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"
