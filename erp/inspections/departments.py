"""The inspection's status on the order page and API (erp/orders/departments.py): two subqueries (raw SQL, see
erp/orders/departments.py) in the order's own query, no extra query."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from erp.inspections.models import Inspection


def annotate(qs: QuerySet[Any]) -> QuerySet[Any]:
    from erp.orders.departments import latest

    status, pk = latest(Inspection, "status")
    return qs.annotate(dept_inspection_status=status, dept_inspection_id=pk)


def label(value: str) -> StrOrPromise:
    try:
        return Inspection.Status(value).label
    except ValueError:
        return value


def url(pk: int) -> str:
    return reverse("inspections:inspection_detail", kwargs={"pk": pk})


def register() -> None:
    from erp.orders.departments import Department, register_department

    register_department(
        Department(
            key="inspection",
            title=_("Inspection"),
            order_types=("inspection",),
            annotate=annotate,
            label=label,
            url=url,
            position=10,
        )
    )
