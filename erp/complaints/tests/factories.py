"""Test data for complaints: a complaint type, customers, orders written directly, complaints through the service."""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from erp.accounts.models import Branch
from erp.complaints import services
from erp.complaints.models import Complaint, ComplaintType
from erp.customers.tests import factories as customer_factories

_seq = iter(range(1, 10**9))


def complaint_type(**fields: Any) -> ComplaintType:
    values: dict[str, Any] = {
        "name_ar": f"نوع {next(_seq)}",
        "response_hours": 4,
        "resolution_hours": 16,
        "escalation_hours": 8,
    }
    values.update(fields)
    return ComplaintType.objects.create(**values)


def customer(*, branch: Branch, **fields: Any) -> Any:
    return customer_factories.customer(branch=branch, **fields)


def order(*, customer: Any, created_by: Any, status: str = "in_progress", due: date | None = None) -> Any:
    """An order row written directly (complaints only read its customer, status and expected date)."""
    from erp.orders.models import Order

    n = next(_seq)
    return Order.objects.create(
        number=f"{customer.code}-T{n:04d}",
        customer=customer,
        branch=customer.branch,
        created_by=created_by,
        order_type=Order.Type.PRODUCTS,
        status=status,
        order_date=timezone.localdate() - timedelta(days=30),
        expected_delivery_date=due or timezone.localdate() - timedelta(days=2),
    )


def complaint(*, actor: Any, customer: Any, ctype: ComplaintType | None = None, **kw: Any) -> Complaint:
    kw.setdefault("title", "الستارة وصلت بلون مختلف")
    return services.complaint_create(actor=actor, customer=customer, complaint_type=ctype or complaint_type(), **kw)


def bulk_complaints(
    *, count: int, customer: Any, ctype: ComplaintType, created_by: Any = None, **fields: Any
) -> list[Complaint]:
    """`count` complaints in one insert (numbers from the customer's counter), for list volume."""
    from django.utils import timezone

    from erp.core.counters import counter_next

    now = timezone.now()
    rows = []
    for _ in range(count):
        n = counter_next(f"complaints.customer:{customer.pk}")
        rows.append(
            Complaint(
                number=f"P{customer.code}-{n:03d}",
                customer=customer,
                branch_id=customer.branch_id,
                complaint_type=ctype,
                title=f"شكوى {n}",
                created_by=created_by,
                response_due=now + timedelta(hours=4),
                resolution_due=now + timedelta(days=3),
                search_text=f"p{customer.code.lower()}-{n:03d} شكوي {n}",
                **fields,
            )
        )
    return Complaint.objects.bulk_create(rows)
