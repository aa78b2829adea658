"""Customer reads: scoped to what the user may see (B §6.2), fetching everything pages and APIs render."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from erp.accounts.models import Branch
from erp.accounts.scoping import scope_for
from erp.core.filters import apply_filter
from erp.customers.filters import CustomerFilter
from erp.customers.models import ContactPerson, Customer, CustomerCategory, CustomerNote, CustomerType

LIST_RELATED = ("branch", "customer_type", "category", "created_by")


def customer_list(*, actor: Any, filters: Any = None) -> QuerySet[Customer]:
    qs = scope_for(actor, "customers", Customer.objects.select_related(*LIST_RELATED))
    return apply_filter(CustomerFilter, filters, qs, actor=actor)


def customer_in_scope(*, actor: Any, customer: Customer) -> bool:
    return scope_for(actor, "customers", Customer.objects.filter(pk=customer.pk)).exists()


def _detail_queryset(actor: Any) -> QuerySet[Customer]:
    return scope_for(
        actor,
        "customers",
        Customer.objects.select_related(*LIST_RELATED, "updated_by").prefetch_related(
            Prefetch("contacts", queryset=ContactPerson.objects.order_by("position", "id")),
        ),
    )


def customer_get(*, actor: Any, pk: int) -> Customer:
    """404 outside the user's scope."""
    return get_object_or_404(_detail_queryset(actor), pk=pk)


def customer_get_by_code(*, actor: Any, code: str) -> Customer:
    """404 outside the user's scope."""
    return get_object_or_404(_detail_queryset(actor), code=code)


def customer_notes(*, customer: Customer, limit: int = 50) -> list[CustomerNote]:
    return list(customer.notes_log.select_related("created_by").order_by("-id")[:limit])


def customer_type_list(*, active_only: bool = False) -> QuerySet[CustomerType]:
    qs = CustomerType.objects.prefetch_related("discount_warehouses").order_by("name")
    return qs.filter(is_active=True) if active_only else qs


def category_list() -> QuerySet[CustomerCategory]:
    return CustomerCategory.objects.order_by("name")


def creatable_branches(*, actor: Any) -> QuerySet[Branch]:
    """Branches a user may register customers in: the branches they may see."""
    return scope_for(actor, "branches", Branch.objects.filter(is_active=True)).order_by("code")
