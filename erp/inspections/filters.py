from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from erp.accounts.models import Branch, User
from erp.core.filters import SearchFilter, StyledFilterSet
from erp.core.text import normalize_search
from erp.inspections.models import Inspection


def branch_choices(request: Any) -> QuerySet[Branch]:
    from erp.accounts.scoping import scope_for

    if request is None:
        return Branch.objects.none()
    return scope_for(request.user, "branches", Branch.objects.filter(is_active=True)).order_by("code")


def technician_choices(request: Any) -> QuerySet[User]:
    from erp.inspections.services import technician_choices as choices

    if request is None:
        return User.objects.none()
    return choices()  # type: ignore[no-any-return]


class InspectionFilter(StyledFilterSet):
    search = SearchFilter(method="filter_search")
    status = django_filters.ChoiceFilter(
        choices=Inspection.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    result = django_filters.ChoiceFilter(
        choices=Inspection.Result.choices, label=_("Result"), empty_label=_("Any result")
    )
    technician = django_filters.ModelChoiceFilter(
        queryset=lambda request: technician_choices(request),
        label=_("Technician"),
        empty_label=_("All technicians"),
    )
    branch = django_filters.ModelChoiceFilter(
        queryset=lambda request: branch_choices(request), label=_("Branch"), empty_label=_("All branches")
    )
    customer = django_filters.NumberFilter(field_name="customer_id", label=_("Customer"))
    order = django_filters.NumberFilter(field_name="order_id", label=_("Order"))
    date_after = django_filters.DateFilter(field_name="scheduled_date", lookup_expr="gte", label=_("From"))
    date_before = django_filters.DateFilter(field_name="scheduled_date", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Inspection
        fields = [
            "search",
            "status",
            "result",
            "technician",
            "branch",
            "customer",
            "order",
            "date_after",
            "date_before",
        ]

    def filter_search(self, queryset: QuerySet[Inspection], name: str, value: str) -> QuerySet[Inspection]:
        term = normalize_search(value)
        return queryset.filter(search_text__contains=term) if term else queryset
