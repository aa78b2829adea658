"""Reads for accounts: scoped, and already fetching what pages and APIs render."""

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from erp.accounts.filters import BranchFilter, SecurityEventFilter, UserFilter
from erp.accounts.models import Branch, Role, SecurityEvent, User
from erp.accounts.scoping import scope_for
from erp.core.filters import apply_filter


def user_list(*, actor: User, filters: Any = None) -> QuerySet[User]:
    qs = scope_for(actor, "users", User.objects.all())
    qs = apply_filter(UserFilter, filters, qs, actor=actor)
    return qs.select_related("branch").prefetch_related(
        Prefetch("roles", queryset=Role.objects.order_by("level", "key"))
    )


def user_get_for_user(*, actor: User, pk: int) -> User:
    """A user within `actor`'s scope, or 404."""
    qs = scope_for(actor, "users", User.objects.all()).select_related("branch")
    return get_object_or_404(
        qs.prefetch_related(
            Prefetch("roles", queryset=Role.objects.order_by("level", "key")),
            Prefetch("managed_branches", queryset=Branch.objects.order_by("code")),
        ),
        pk=pk,
    )


def branch_list(*, actor: User, filters: Any = None) -> QuerySet[Branch]:
    qs = scope_for(actor, "branches", Branch.objects.all())
    qs = apply_filter(BranchFilter, filters, qs, actor=actor)
    return qs.annotate(user_count=Count("users", distinct=True))


def branch_get_for_user(*, actor: User, pk: int) -> Branch:
    return get_object_or_404(branch_list(actor=actor), pk=pk)


def branch_choices(*, actor: Any) -> QuerySet[Branch]:
    """Active branches the actor may assign (for form dropdowns)."""
    return scope_for(actor, "branches", Branch.objects.filter(is_active=True)).order_by("code")


def role_choices(*, actor: User) -> QuerySet[Role]:
    """Roles the actor may hand out: strictly below their own authority."""
    from erp.accounts.access import access_for

    qs = Role.objects.order_by("level", "key")
    if actor.is_superuser:
        return qs
    return qs.filter(level__gt=access_for(actor).level)


def security_event_list(*, actor: User, filters: Any = None) -> QuerySet[SecurityEvent]:
    from erp.accounts.access import access_for

    if not access_for(actor).has_perm("accounts.view_security_events"):
        return SecurityEvent.objects.none()
    qs = apply_filter(SecurityEventFilter, filters, SecurityEvent.objects.all(), actor=actor)
    return qs.order_by("-created_at", "-id")
