from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from erp.accounts.models import Branch, Role, SecurityEvent, User
from erp.core.filters import ACTIVE_CHOICES, DayFromFilter, DayToFilter, StyledFilterSet
from erp.core.text import ascii_digits


def branch_choices_for(request: Any) -> QuerySet[Branch]:
    from erp.accounts.selectors import branch_choices

    return branch_choices(actor=request.user) if request is not None else Branch.objects.none()


class UserFilter(StyledFilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search"))
    branch = django_filters.ModelChoiceFilter(
        queryset=lambda request: branch_choices_for(request), label=_("Branch"), empty_label=_("All branches")
    )
    role = django_filters.ModelChoiceFilter(
        field_name="roles",
        queryset=Role.objects.order_by("level", "key"),
        to_field_name="key",
        label=_("Role"),
        empty_label=_("All roles"),
    )
    is_active = django_filters.ChoiceFilter(
        choices=ACTIVE_CHOICES, method="filter_active", label=_("Status"), empty_label=_("Any status")
    )

    class Meta:
        model = User
        fields = ["search", "branch", "role", "is_active"]

    def filter_search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        term = ascii_digits(value).strip()
        if not term:
            return queryset
        return queryset.filter(
            Q(username__icontains=term)
            | Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(phone__contains=term.lstrip("0"))
            | Q(email__icontains=term)
        )


class BranchFilter(StyledFilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search"))
    is_active = django_filters.ChoiceFilter(
        choices=ACTIVE_CHOICES, method="filter_active", label=_("Status"), empty_label=_("Any status")
    )

    class Meta:
        model = Branch
        fields = ["search", "is_active"]

    def filter_search(self, queryset: QuerySet[Branch], name: str, value: str) -> QuerySet[Branch]:
        term = ascii_digits(value).strip()
        if not term:
            return queryset
        return queryset.filter(Q(code__icontains=term) | Q(name__icontains=term))


class SecurityEventFilter(StyledFilterSet):
    kind = django_filters.ChoiceFilter(choices=SecurityEvent.Kind.choices, label=_("Kind"), empty_label=_("All kinds"))
    username = django_filters.CharFilter(lookup_expr="iexact", label=_("Username"))
    created_after = DayFromFilter(field_name="created_at", label=_("From"))
    created_before = DayToFilter(field_name="created_at", label=_("To"))

    class Meta:
        model = SecurityEvent
        fields = ["kind", "username", "created_after", "created_before"]
