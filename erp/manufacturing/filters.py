from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.accounts.models import Branch
from erp.core.filters import SearchFilter, StyledFilterSet
from erp.core.text import normalize_search
from erp.manufacturing.models import FactoryOrder, ProductionLine

S = FactoryOrder.Status
OPEN = (S.PENDING_APPROVAL, S.PENDING, S.IN_PROGRESS, S.REJECTED)
BOOLEAN_CHOICES = [("true", _("Yes")), ("false", _("No"))]


def branch_choices(request: Any) -> QuerySet[Branch]:
    from erp.accounts.scoping import scope_for

    if request is None:
        return Branch.objects.none()
    return scope_for(request.user, "branches", Branch.objects.filter(is_active=True)).order_by("code")


def line_choices(request: Any) -> QuerySet[ProductionLine]:
    return ProductionLine.objects.order_by("-priority", "id")


def overdue_q() -> Q:
    return Q(status__in=OPEN, expected_date__lt=timezone.localdate())


class FactoryOrderFilter(StyledFilterSet):
    search = SearchFilter(method="filter_search")
    status = django_filters.ChoiceFilter(choices=S.choices, label=_("Status"), empty_label=_("Any status"))
    order_type = django_filters.ChoiceFilter(
        choices=FactoryOrder.Type.choices, label=_("Type"), empty_label=_("All types")
    )
    line = django_filters.ModelChoiceFilter(
        queryset=lambda request: line_choices(request), label=_("Production line"), empty_label=_("All lines")
    )
    branch = django_filters.ModelChoiceFilter(
        queryset=lambda request: branch_choices(request), label=_("Branch"), empty_label=_("All branches")
    )
    overdue = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_overdue", label=_("Overdue"), empty_label=_("Any")
    )
    vip = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_vip", label=_("VIP"), empty_label=_("VIP or not")
    )
    order = django_filters.NumberFilter(field_name="order_id", label=_("Order"))

    class Meta:
        model = FactoryOrder
        fields = ["search", "status", "order_type", "line", "branch", "overdue", "vip", "order"]

    def filter_search(self, queryset: QuerySet[FactoryOrder], name: str, value: str) -> QuerySet[FactoryOrder]:
        term = normalize_search(value)
        return queryset.filter(search_text__contains=term) if term else queryset

    def filter_overdue(self, queryset: QuerySet[FactoryOrder], name: str, value: str) -> QuerySet[FactoryOrder]:
        if value == "true":
            return queryset.filter(overdue_q())
        if value == "false":
            return queryset.exclude(overdue_q())
        return queryset

    def filter_vip(self, queryset: QuerySet[FactoryOrder], name: str, value: str) -> QuerySet[FactoryOrder]:
        return queryset.filter(is_vip=(value == "true")) if value in ("true", "false") else queryset
