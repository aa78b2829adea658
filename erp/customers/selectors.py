"""Customer reads: scoped to what the user may see (B §6.2), fetching everything pages and APIs render."""

from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from erp.accounts.models import Branch
from erp.accounts.scoping import scope_for
from erp.core.filters import apply_filter
from erp.customers.filters import CustomerFilter
from erp.customers.models import ContactPerson, Customer, CustomerCategory, CustomerNote, CustomerType

LIST_RELATED = ("branch", "customer_type", "category", "created_by")


# Orders in these statuses owe nothing (their balance is not the customer's debt).
CLOSED_ORDER_STATUSES = ("cancelled", "rejected")


def with_balance(qs: QuerySet[Customer]) -> QuerySet[Customer]:
    """Annotate `balance_due`: the sum of the balances of the customer's open orders, as one correlated subquery
    (served by the orders (customer, -id) index), so a list shows it without a query per row. Idempotent.

    The orders module owns the order model; it is reached through the reverse relation so this module does not
    import it."""
    if "balance_due" in qs.query.annotations:
        return qs
    order_model = Customer._meta.get_field("orders").related_model
    owed = (
        order_model._default_manager.filter(customer=OuterRef("pk"))  # type: ignore[union-attr]
        .exclude(status__in=CLOSED_ORDER_STATUSES)
        .order_by()
        .values("customer")
        .annotate(owed=Sum("balance"))
        .values("owed")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return qs.annotate(
        balance_due=Coalesce(Subquery(owed, output_field=money), Value(Decimal("0.00")), output_field=money)
    )


def customer_list(*, actor: Any, filters: Any = None) -> QuerySet[Customer]:
    qs = with_balance(scope_for(actor, "customers", Customer.objects.select_related(*LIST_RELATED)))
    return apply_filter(CustomerFilter, filters, qs, actor=actor)


def customer_in_scope(*, actor: Any, customer: Customer) -> bool:
    return scope_for(actor, "customers", Customer.objects.filter(pk=customer.pk)).exists()


def _detail_queryset(actor: Any) -> QuerySet[Customer]:
    return with_balance(_scoped_detail(actor))


def _scoped_detail(actor: Any) -> QuerySet[Customer]:
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
