"""Credit limit and payment terms at order placement.

A customer with a credit limit (> 0) may owe at most that much over their open orders, this order's balance
included; a customer with payment terms (> 0 days) may not get a new order while one of their orders is overdue
(its balance unpaid more than the terms after its expected delivery). A limit and terms of 0 mean no credit: the
minimum down payment governs those customers. Users holding `customers.exceed_credit` may override both; the
override is written to the order's timeline. One query, and none at all for customers without credit.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.orders.customer_sections import open_orders, overdue_q

OVERRIDE_PERMISSION = "customers.exceed_credit"
MONEY = DecimalField(max_digits=14, decimal_places=2)


def credit_problems(*, customer: Any, new_balance: Decimal) -> dict[str, str]:
    """{field: message} for each credit rule the new order would break (empty when it may be placed)."""
    limit = customer.credit_limit or Decimal(0)
    terms = customer.payment_terms_days or 0
    if limit <= 0 and terms <= 0:
        return {}
    figures = open_orders(customer).aggregate(
        outstanding=Coalesce(Sum("balance"), Decimal("0.00"), output_field=MONEY),
        overdue=Count("id", filter=overdue_q(customer, timezone.localdate())),
    )
    problems: dict[str, str] = {}
    after = figures["outstanding"] + new_balance
    if limit > 0 and after > limit:
        problems["credit_limit"] = _(
            "The customer's credit limit is %(limit)s: they owe %(owed)s and this order would leave %(new)s more "
            "unpaid (%(after)s in all). Take a larger payment or ask a manager."
        ) % {"limit": limit, "owed": figures["outstanding"], "new": new_balance, "after": after}
    if terms > 0 and figures["overdue"]:
        problems["payment_terms"] = _(
            "The customer has %(count)s order(s) unpaid more than their payment terms (%(days)s days after "
            "delivery). Collect the overdue balance first or ask a manager."
        ) % {"count": figures["overdue"], "days": terms}
    return problems


def credit_check(*, customer: Any, access: Any, new_balance: Decimal, errors: Any) -> dict[str, str]:
    """Add the broken rules to `errors` (keyed by the customer's field they name), unless `access` may override
    them: then return them, for the timeline."""
    problems = credit_problems(customer=customer, new_balance=new_balance)
    if not problems or access.has_perm(OVERRIDE_PERMISSION):
        return problems
    for name, message in problems.items():
        errors.add(name, message)
    return {}
