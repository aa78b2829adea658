"""Every write to users, branches, roles, tokens and security events goes through these functions."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.accounts.access import ACCESS_NAMESPACE, access_for
from erp.accounts.models import ApiToken, Branch, Role, SecurityEvent, User
from erp.accounts.roles import NO_ROLE_LEVEL, ROLE_DEFINITIONS, ROLE_PERMISSIONS, expand_roles
from erp.core.cache import bump_namespace
from erp.core.exceptions import PermissionDeniedError
from erp.core.phones import normalize_phone
from erp.core.text import normalize_code

# ---------------------------------------------------------------------------------------------------------------
# Security events


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def security_event_record(
    *,
    kind: str,
    user: Any = None,
    username: str = "",
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> SecurityEvent:
    """One insert; never personal data or secrets in `detail`."""
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=(username or (user.username if user is not None else ""))[:150],
        ip_address=client_ip(request),
        path=(request.path[:255] if request is not None else ""),
        detail=detail or {},
    )


# ---------------------------------------------------------------------------------------------------------------
# Roles


@transaction.atomic
def role_sync() -> int:
    """Create or update the standard roles and their permissions from `roles.py`. Idempotent; returns the count."""
    perms_by_name = {
        f"{app}.{code}": pk
        for pk, app, code in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }
    for key, definition in ROLE_DEFINITIONS.items():
        role, _created = Role.objects.update_or_create(key=key, defaults={"level": definition.level, "is_system": True})
        wanted = [perms_by_name[p] for p in ROLE_PERMISSIONS.get(key, ()) if p in perms_by_name]
        role.permissions.set(wanted)
    bump_namespace(ACCESS_NAMESPACE)
    return len(ROLE_DEFINITIONS)


def _assignable_level_floor(actor: User) -> int:
    """The lowest role level `actor` may hand out or manage (strictly below their own authority)."""
    if actor.is_superuser:
        return 0
    return access_for(actor).level + 1


def user_can_manage(*, actor: User, target: User) -> bool:
    """A user may only manage users with a higher level number than theirs (B §6.1), and never themselves here."""
    if actor.is_superuser:
        return True
    if target.is_superuser or target.pk == actor.pk:
        return False
    if not access_for(actor).has_perm("accounts.manage_users"):
        return False
    target_roles = expand_roles({r.key for r in target.roles.all()})  # uses the selector's prefetch when present
    target_level = min((ROLE_DEFINITIONS[r].level for r in target_roles), default=NO_ROLE_LEVEL)
    return target_level > access_for(actor).level


def _check_roles_assignable(*, actor: User, roles: Iterable[Role]) -> None:
    floor = _assignable_level_floor(actor)
    for role in roles:
        if role.level < floor:
            raise ValidationError({"roles": _("You cannot assign the role “%(role)s”.") % {"role": role.name}})


def _check_branch_allowed(*, actor: User, branch: Branch | None, field: str = "branch") -> None:
    from erp.accounts.scoping import branch_ids_in_scope

    allowed = branch_ids_in_scope(access_for(actor))
    if allowed is None or actor.is_superuser:
        return
    if branch is None or branch.pk not in allowed:
        raise ValidationError({field: _("You can only choose a branch you manage.")})


# ---------------------------------------------------------------------------------------------------------------
# Users


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    branch: Branch | None = None,
    preferred_language: str = User.Language.ARABIC,
    roles: Iterable[Role] = (),
    managed_branches: Iterable[Branch] = (),
    request: HttpRequest | None = None,
) -> User:
    if not actor.has_perm("accounts.manage_users"):
        raise PermissionDeniedError(_("You may not manage users."))
    roles = list(roles)
    managed = list(managed_branches)
    _check_roles_assignable(actor=actor, roles=roles)
    _check_branch_allowed(actor=actor, branch=branch)
    for b in managed:
        _check_branch_allowed(actor=actor, branch=b, field="managed_branches")
    user = User(
        username=normalize_code(username),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        phone=_phone_or_error(phone),
        branch=branch,
        preferred_language=preferred_language,
    )
    _validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.roles.set(roles)
    user.managed_branches.set(managed)
    security_event_record(
        kind=SecurityEvent.Kind.PERMISSION_CHANGE,
        user=actor,
        request=request,
        detail={"action": "user_create", "target": user.pk, "roles": sorted(r.key for r in roles)},
    )
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> User:
    """Update profile fields; `roles` and `managed_branches` in `data` replace the current sets."""
    if actor.pk != user.pk and not user_can_manage(actor=actor, target=user):
        raise PermissionDeniedError(_("You may not change this user."))
    self_service = actor.pk == user.pk and not actor.is_superuser
    allowed = {"first_name", "last_name", "email", "phone", "preferred_language"}
    if not self_service:
        allowed |= {"branch", "roles", "managed_branches", "username"}
    unknown = set(data) - allowed
    if unknown:
        raise PermissionDeniedError(_("You may not change: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    changed_access: dict[str, Any] = {}
    for field in ("first_name", "last_name", "email", "preferred_language"):
        if field in data:
            setattr(user, field, (data[field] or "").strip())
    if "username" in data:
        user.username = normalize_code(data["username"])
    if "phone" in data:
        user.phone = _phone_or_error(data["phone"])
    if "branch" in data:
        _check_branch_allowed(actor=actor, branch=data["branch"])
        if user.branch_id != (data["branch"].pk if data["branch"] else None):
            changed_access["branch"] = data["branch"].pk if data["branch"] else None
        user.branch = data["branch"]
    user.full_clean()
    user.save()
    if "roles" in data:
        roles = list(data["roles"])
        _check_roles_assignable(actor=actor, roles=roles)
        user.roles.set(roles)
        changed_access["roles"] = sorted(r.key for r in roles)
    if "managed_branches" in data:
        managed = list(data["managed_branches"])
        for b in managed:
            _check_branch_allowed(actor=actor, branch=b, field="managed_branches")
        user.managed_branches.set(managed)
        changed_access["managed_branches"] = sorted(b.pk for b in managed)
    if changed_access:
        security_event_record(
            kind=SecurityEvent.Kind.PERMISSION_CHANGE,
            user=actor,
            request=request,
            detail={"action": "user_update", "target": user.pk, **changed_access},
        )
        bump_namespace(ACCESS_NAMESPACE)
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool, request: HttpRequest | None = None) -> User:
    if not user_can_manage(actor=actor, target=user):
        raise PermissionDeniedError(_("You may not change this user."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        # Sessions end by themselves: the auth backend refuses inactive users on their next request.
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    security_event_record(
        kind=SecurityEvent.Kind.PERMISSION_CHANGE,
        user=actor,
        request=request,
        detail={"action": "user_activate" if active else "user_deactivate", "target": user.pk},
    )
    bump_namespace(ACCESS_NAMESPACE)
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str, request: HttpRequest | None = None) -> User:
    """An administrator resets another user's password (the user's own change goes through Django's view)."""
    if not user_can_manage(actor=actor, target=user):
        raise PermissionDeniedError(_("You may not change this user."))
    _validate_password(password, user, field="password")
    user.set_password(password)
    user.save(update_fields=["password"])
    # Existing sessions carry a hash of the old password, so Django ends them on their next request.
    security_event_record(
        kind=SecurityEvent.Kind.PASSWORD_CHANGED,
        user=actor,
        request=request,
        detail={"action": "password_reset", "target": user.pk},
    )
    return user


def user_touch_last_seen(*, user: User) -> None:
    """One UPDATE, at most once per LAST_SEEN_INTERVAL per user (the caller checks the interval)."""
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(last_seen=now)
    user.last_seen = now


def _phone_or_error(value: str) -> str:
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc


def _validate_password(password: str, user: User, field: str = "password") -> None:
    from django.contrib.auth.password_validation import validate_password

    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


# ---------------------------------------------------------------------------------------------------------------
# Branches


@transaction.atomic
def branch_create(*, actor: User, data: dict[str, Any], request: HttpRequest | None = None) -> Branch:
    if not access_for(actor).has_perm("accounts.manage_branches") or not access_for(actor).sees_all_branches:
        raise PermissionDeniedError(_("You may not create branches."))
    branch = Branch(**_branch_fields(data))
    if branch.is_main:  # one main branch: demote the old one first (rolled back if validation fails)
        Branch.objects.filter(is_main=True).update(is_main=False)
    branch.full_clean()
    branch.save()
    bump_namespace("branches")
    return branch


@transaction.atomic
def branch_update(*, actor: User, branch: Branch, data: dict[str, Any], request: HttpRequest | None = None) -> Branch:
    if not access_for(actor).has_perm("accounts.manage_branches"):
        raise PermissionDeniedError(_("You may not change branches."))
    _check_branch_allowed(actor=actor, branch=branch)
    fields = _branch_fields(data)
    if "is_main" in fields and not access_for(actor).sees_all_branches:
        raise PermissionDeniedError(_("Only company-wide managers choose the main branch."))
    for key, value in fields.items():
        setattr(branch, key, value)
    if branch.is_main:
        Branch.objects.filter(is_main=True).exclude(pk=branch.pk).update(is_main=False)
    branch.full_clean()
    branch.save()
    bump_namespace("branches")
    return branch


def _branch_fields(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("code", "name", "address", "phone", "is_active", "is_main"):
        if key in data:
            out[key] = data[key]
    if "code" in out:
        out["code"] = normalize_code(out["code"]).upper()
    if "name" in out:
        out["name"] = out["name"].strip()
    if "phone" in out:
        out["phone"] = _phone_or_error(out["phone"])
    return out


# ---------------------------------------------------------------------------------------------------------------
# API tokens


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User, request: HttpRequest | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`. Returns the row and the raw key, which is shown once and never stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_hash_key(key),
        prefix=key[:8],
        expires_at=timezone.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS),
    )
    security_event_record(kind=SecurityEvent.Kind.TOKEN_ISSUED, user=user, request=request)
    return token, key


def api_token_get_active(*, key: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("user", "user__branch")
        .filter(key_hash=_hash_key(key), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > settings.LAST_SEEN_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@transaction.atomic
def api_token_revoke(*, token: ApiToken, request: HttpRequest | None = None) -> ApiToken:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    security_event_record(kind=SecurityEvent.Kind.TOKEN_REVOKED, user=token.user, request=request)
    return token


def api_tokens_purge() -> int:
    """Delete tokens that expired or were revoked more than a week ago."""
    cutoff = timezone.now() - timedelta(days=7)
    deleted, _ = ApiToken.objects.filter(expires_at__lt=cutoff).delete()
    deleted2, _ = ApiToken.objects.filter(revoked_at__lt=cutoff).delete()
    return deleted + deleted2


SECURITY_EVENT_RETENTION_DAYS = 365


def security_events_prune() -> int:
    cutoff = timezone.now() - timedelta(days=SECURITY_EVENT_RETENTION_DAYS)
    deleted, _ = SecurityEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
