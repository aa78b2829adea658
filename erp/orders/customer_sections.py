"""The orders module's sections of the customer page (erp/customers/sections.py): the customer's latest orders,
latest payments with their receipts, the balance summary (with the credit limit and overdue orders) and the customer
timeline (notes, cross-branch look-ups, orders placed, payments).

Each section runs a fixed number of queries whatever the customer's history: orders 1, payments 1, balance 1,
timeline 1 (one UNION of the four sources, each limited). Lists show the orders and payments the user may see
(`order_scope`); the balance is the customer's (a figure of a customer the user may see, needed to judge credit).
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    CharField,
    Count,
    DecimalField,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.customers.models import CustomerAccessLog, CustomerNote
from erp.customers.sections import CUSTOMER_SECTIONS, CustomerSection
from erp.orders import selectors
from erp.orders.models import Order, Payment

LATEST = 10
TIMELINE = 30
CLOSED = (Order.Status.CANCELLED, Order.Status.REJECTED)
ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)
_CHAR = CharField()


def open_orders(customer: Any) -> QuerySet[Order]:
    """The customer's orders that still count towards their balance."""
    return Order.objects.filter(customer=customer).exclude(status__in=CLOSED)


def overdue_q(customer: Any, today: date) -> Q:
    """An order is overdue when it still owes money after its due date: the expected delivery date (when the rest
    is paid) plus the customer's payment terms."""
    due_before = today - timedelta(days=customer.payment_terms_days)
    return Q(balance__gt=0, expected_delivery_date__lt=due_before)


def orders_context(actor: Any, customer: Any) -> dict[str, Any]:
    rows = list(
        selectors.order_base(actor=actor)
        .filter(customer=customer)
        .select_related("salesperson")
        .only(
            "number",
            "order_type",
            "status",
            "priority",
            "order_date",
            "expected_delivery_date",
            "total",
            "paid",
            "balance",
            "salesperson__name",
        )
        .order_by("-id")[: LATEST + 1]
    )
    return {"orders": rows[:LATEST], "more": len(rows) > LATEST, "customer": customer.pk}


def payments_context(actor: Any, customer: Any) -> dict[str, Any]:
    rows = list(
        selectors.payment_list(actor=actor)
        .filter(customer=customer)
        .select_related(None)
        .select_related("order", "created_by")
        .only(
            "amount",
            "method",
            "reference",
            "payment_date",
            "created_at",
            "order__number",
            "created_by__username",
            "created_by__first_name",
            "created_by__last_name",
        )
        .order_by("-id")[: LATEST + 1]
    )
    return {"payments": rows[:LATEST], "more": len(rows) > LATEST}


def balance_summary(customer: Any, *, today: date | None = None) -> dict[str, Any]:
    """Total ordered, paid, outstanding, overdue orders, and how much of the credit limit is used (one query)."""
    today = today or timezone.localdate()
    late = overdue_q(customer, today)
    figures = open_orders(customer).aggregate(
        ordered=Coalesce(Sum("total"), ZERO, output_field=MONEY),
        paid=Coalesce(Sum("paid"), ZERO, output_field=MONEY),
        outstanding=Coalesce(Sum("balance"), ZERO, output_field=MONEY),
        count=Count("id"),
        overdue_count=Count("id", filter=late),
        overdue_amount=Coalesce(Sum("balance", filter=late), ZERO, output_field=MONEY),
    )
    limit = customer.credit_limit or ZERO
    used_percent = None
    if limit > 0:
        used_percent = min(int(figures["outstanding"] * 100 / limit), 999)
    return {
        **figures,
        "credit_limit": limit,
        "credit_available": max(limit - figures["outstanding"], ZERO) if limit > 0 else None,
        "credit_used_percent": used_percent,
        "over_limit": limit > 0 and figures["outstanding"] > limit,
        "payment_terms_days": customer.payment_terms_days,
    }


def balance_context(actor: Any, customer: Any) -> dict[str, Any]:
    return {"summary": balance_summary(customer)}


def _entries(qs: QuerySet[Any], *, kind: str, text: Any, amount: Any, ref: Any, user: str) -> QuerySet[Any]:
    """One source of the timeline, shaped to the shared columns of the UNION."""
    return (
        qs.order_by()
        .annotate(
            # Plain columns where the type is already right: each wrapper costs the ORM time on every page view.
            t_at=F("created_at"),
            t_kind=Value(kind, output_field=_CHAR),
            t_text=text,
            t_amount=amount,
            t_ref=ref,
            t_user=Concat(F(f"{user}__first_name"), Value(" "), F(f"{user}__last_name"), output_field=_CHAR),
            t_username=F(f"{user}__username"),
        )
        .values("t_at", "t_kind", "t_text", "t_amount", "t_ref", "t_user", "t_username")
        .order_by("-created_at", "-id")[:TIMELINE]
    )


def timeline_context(actor: Any, customer: Any) -> dict[str, Any]:
    """The latest notes, look-ups, orders placed and payments, newest first, in one query."""
    none_amount = Cast(Value(None), output_field=MONEY)  # typed: an untyped NULL would make the column text
    notes = _entries(
        CustomerNote.objects.filter(customer=customer),
        kind="note",
        text=F("text"),
        amount=none_amount,
        ref=F("id"),
        user="created_by",
    )
    lookups = _entries(
        CustomerAccessLog.objects.filter(customer=customer),
        kind="lookup",
        text=F("via"),
        amount=none_amount,
        ref=Value(0),
        user="user",
    )
    orders = _entries(
        selectors.order_base(actor=actor).filter(customer=customer),
        kind="order",
        text=F("number"),
        amount=F("total"),
        ref=F("id"),
        user="created_by",
    )
    payments = _entries(
        selectors.payment_list(actor=actor).filter(customer=customer).select_related(None),
        kind="payment",
        text=F("method"),
        amount=F("amount"),
        ref=Coalesce(F("order_id"), Value(0)),
        user="created_by",
    )
    rows = list(notes.union(lookups, orders, payments, all=True).order_by("-t_at")[:TIMELINE])
    methods = dict(Payment.Method.choices)
    vias = dict(CustomerAccessLog.Via.choices)
    entries = []
    for row in rows:
        label = row["t_text"]
        if row["t_kind"] == "payment":
            label = methods.get(label, label)
        elif row["t_kind"] == "lookup":
            label = vias.get(label, label)
        entries.append(
            {
                "at": row["t_at"],
                "kind": row["t_kind"],
                "text": label,
                "amount": row["t_amount"],
                "ref": row["t_ref"],
                "user": (row["t_user"] or "").strip() or row["t_username"] or "",
            }
        )
    return {"entries": entries}


SECTIONS = (
    CustomerSection(
        key="balance",
        title=_("Balance"),
        template="orders/customer/_balance.html",
        permission="orders.view_orders",
        context=balance_context,
        order=10,
    ),
    CustomerSection(
        key="orders",
        title=pgettext_lazy("sales orders", "Orders"),
        template="orders/customer/_orders.html",
        permission="orders.view_orders",
        context=orders_context,
        order=20,
    ),
    CustomerSection(
        key="payments",
        title=_("Payments"),
        template="orders/customer/_payments.html",
        permission="orders.view_orders",
        context=payments_context,
        order=30,
        # Below the orders: loaded when it scrolls into view, so the page's own work stays within its budget.
        lazy=True,
    ),
    # Complaints (erp/complaints) register theirs at order 40.
    CustomerSection(
        key="timeline",
        title=_("Timeline"),
        template="orders/customer/_timeline.html",
        permission="orders.view_orders",
        context=timeline_context,
        order=90,
        # One UNION of four scoped sources: about a quarter of the page's server time, for the bottom of the page.
        lazy=True,
    ),
)


def register() -> None:
    """Called from OrdersConfig.ready(); idempotent."""
    keys = {s.key for s in CUSTOMER_SECTIONS}
    CUSTOMER_SECTIONS.extend(s for s in SECTIONS if s.key not in keys)
