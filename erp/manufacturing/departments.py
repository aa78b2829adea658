"""The factory as a department of the order (erp/orders/departments.py): its status on the order page and API, in
the order's own query (a subquery), modification orders excluded."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from erp.manufacturing.models import FactoryOrder
from erp.orders.departments import Department, latest, literal, register_department
from erp.orders.models import Order


def annotate(qs: QuerySet[Order]) -> QuerySet[Order]:
    status, pk = latest(FactoryOrder, "status", where=f'"order_type" <> {literal(FactoryOrder.Type.MODIFICATION)}')
    return qs.annotate(dept_manufacturing_status=status, dept_manufacturing_id=pk)


def label(value: str) -> StrOrPromise:
    try:
        return FactoryOrder.Status(value).label
    except ValueError:
        return value


def url(pk: int) -> str:
    return reverse("manufacturing:order_detail", kwargs={"pk": pk})


def register() -> None:
    register_department(
        Department(
            key="manufacturing",
            title=_("Factory"),
            order_types=(Order.Type.INSTALLATION, Order.Type.TAILORING, Order.Type.ACCESSORY),
            annotate=annotate,
            label=label,
            url=url,
            position=30,
        )
    )
