"""Customer list filters (pages and API): Arabic-normalised search over name, code and phones, and field filters."""

import re
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from erp.accounts.models import Branch
from erp.core.filters import SearchFilter, StyledFilterSet
from erp.core.phones import normalize_phone
from erp.core.text import normalize_search
from erp.customers.models import Customer, CustomerCategory, CustomerType

BOOLEAN_CHOICES = [("true", _("Yes")), ("false", _("No"))]
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-()]{6,}$")


def search_terms(value: str) -> str:
    """The normalised search term: Arabic letters folded; a phone typed with spaces or dashes is compacted, and a
    complete number in any form (01…, +20…, Arabic digits) is searched in its E.164 form."""
    term = normalize_search(value)
    if term and _PHONE_LIKE.match(term):
        compact = re.sub(r"[\s\-()]", "", term)
        try:
            e164 = normalize_phone(compact)
        except ValidationError:
            return compact
        return e164 or compact
    return term


def branch_choices_for(request: Any) -> QuerySet[Branch]:
    from erp.accounts.scoping import scope_for

    if request is None:
        return Branch.objects.none()
    return scope_for(request.user, "branches", Branch.objects.filter(is_active=True)).order_by("code")


class CustomerFilter(StyledFilterSet):
    search = SearchFilter(method="filter_search")
    branch = django_filters.ModelChoiceFilter(
        queryset=lambda request: branch_choices_for(request), label=_("Branch"), empty_label=_("All branches")
    )
    customer_type = django_filters.ModelChoiceFilter(
        queryset=CustomerType.objects.order_by("name"), label=_("Type"), empty_label=_("All types")
    )
    category = django_filters.ModelChoiceFilter(
        queryset=CustomerCategory.objects.order_by("name"), label=_("Category"), empty_label=_("All categories")
    )
    status = django_filters.ChoiceFilter(
        choices=Customer.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    has_balance = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_has_balance", label=_("Has a balance"), empty_label=_("Any balance")
    )
    over_credit_limit = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES,
        method="filter_over_credit_limit",
        label=_("Over the credit limit"),
        empty_label=_("Any credit"),
    )

    class Meta:
        model = Customer
        fields = ["search", "branch", "customer_type", "category", "status", "has_balance", "over_credit_limit"]

    def filter_has_balance(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        from erp.customers.selectors import with_balance

        if value == "true":
            return with_balance(queryset).filter(Q(balance_due__gt=0))
        if value == "false":
            return with_balance(queryset).filter(Q(balance_due__lte=0))
        return queryset

    def filter_over_credit_limit(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        """Customers with a credit limit whose open balance is above it (a limit of 0 means no credit is given:
        those customers pay the down payment and are never "over")."""
        from erp.customers.selectors import with_balance

        over = Q(credit_limit__gt=0, balance_due__gt=F("credit_limit"))
        if value == "true":
            return with_balance(queryset).filter(over)
        if value == "false":
            return with_balance(queryset).exclude(over)
        return queryset

    def filter_search(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        term = search_terms(value)
        return queryset.filter(search_text__contains=term) if term else queryset
