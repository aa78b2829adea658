from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.accounts.models import Branch
from erp.core.filters import SearchFilter, StyledFilterSet
from erp.core.text import normalize_search
from erp.orders.models import Order, Payment, PromoCode, Salesperson

OPEN = (
    Order.Status.PENDING_APPROVAL,
    Order.Status.PENDING,
    Order.Status.IN_PROGRESS,
    Order.Status.READY_INSTALL,
)
BOOLEAN_CHOICES = [("true", _("Yes")), ("false", _("No"))]


def branch_choices(request: Any) -> QuerySet[Branch]:
    from erp.accounts.scoping import scope_for

    if request is None:
        return Branch.objects.none()
    return scope_for(request.user, "branches", Branch.objects.filter(is_active=True)).order_by("code")


def salesperson_choices(request: Any) -> QuerySet[Salesperson]:
    from erp.accounts.access import access_for
    from erp.accounts.scoping import branch_ids_in_scope

    if request is None:
        return Salesperson.objects.none()
    ids = branch_ids_in_scope(access_for(request.user))
    qs = Salesperson.objects.filter(is_active=True).order_by("name")
    return qs if ids is None else qs.filter(branch_id__in=ids)


class OrderFilter(StyledFilterSet):
    search = SearchFilter(method="filter_search")
    status = django_filters.ChoiceFilter(choices=Order.Status.choices, label=_("Status"), empty_label=_("Any status"))
    order_type = django_filters.ChoiceFilter(choices=Order.Type.choices, label=_("Type"), empty_label=_("All types"))
    priority = django_filters.ChoiceFilter(
        choices=Order.Priority.choices, label=_("Priority"), empty_label=_("Any priority")
    )
    branch = django_filters.ModelChoiceFilter(
        queryset=lambda request: branch_choices(request), label=_("Branch"), empty_label=_("All branches")
    )
    salesperson = django_filters.ModelChoiceFilter(
        queryset=lambda request: salesperson_choices(request),
        label=pgettext_lazy("person who sold", "Salesperson"),
        empty_label=_("All salespeople"),
    )
    customer = django_filters.NumberFilter(field_name="customer_id", label=_("Customer"))
    created_after = django_filters.DateFilter(field_name="order_date", lookup_expr="gte", label=_("From"))
    created_before = django_filters.DateFilter(field_name="order_date", lookup_expr="lte", label=_("To"))
    has_balance = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_balance", label=_("Has a balance"), empty_label=_("Any")
    )
    overdue = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_overdue", label=_("Overdue"), empty_label=_("Any")
    )

    class Meta:
        model = Order
        fields = [
            "search",
            "status",
            "order_type",
            "priority",
            "branch",
            "salesperson",
            "customer",
            "created_after",
            "created_before",
            "has_balance",
            "overdue",
        ]

    def filter_search(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        term = normalize_search(value)
        return queryset.filter(search_text__contains=term) if term else queryset

    def filter_balance(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        if value == "true":
            return queryset.filter(balance__gt=0)
        if value == "false":
            return queryset.filter(balance__lte=0)
        return queryset

    def filter_overdue(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        late = Q(status__in=OPEN, expected_delivery_date__lt=timezone.localdate())
        if value == "true":
            return queryset.filter(late)
        if value == "false":
            return queryset.exclude(late)
        return queryset


class PaymentFilter(StyledFilterSet):
    customer = django_filters.NumberFilter(field_name="customer_id", label=_("Customer"))
    order = django_filters.NumberFilter(field_name="order_id", label=pgettext_lazy("sales order", "Order"))
    method = django_filters.ChoiceFilter(choices=Payment.Method.choices, label=_("Method"), empty_label=_("Any"))
    created_after = django_filters.DateFilter(field_name="payment_date", lookup_expr="gte", label=_("From"))
    created_before = django_filters.DateFilter(field_name="payment_date", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Payment
        fields = ["customer", "order", "method", "created_after", "created_before"]


class PromoCodeFilter(StyledFilterSet):
    search = django_filters.CharFilter(field_name="code", lookup_expr="icontains", label=_("Code"))
    status = django_filters.ChoiceFilter(choices=PromoCode.Status.choices, label=_("Status"), empty_label=_("Any"))

    class Meta:
        model = PromoCode
        fields = ["search", "status"]
