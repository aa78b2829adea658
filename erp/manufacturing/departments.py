"""The factory as a department of the order (erp/orders/departments.py): its status on the order page and API, in
the order's own query (a subquery), modification orders excluded."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from erp.manufacturing.models import FactoryOrder
from erp.orders.departments import Department, register_department
from erp.orders.models import Order


def annotate(qs: QuerySet[Order]) -> QuerySet[Order]:
    main = FactoryOrder.objects.filter(order_id=OuterRef("pk")).exclude(order_type=FactoryOrder.Type.MODIFICATION)
    return qs.annotate(
        dept_manufacturing_status=Subquery(main.values("status")[:1]),
        dept_manufacturing_id=Subquery(main.values("pk")[:1]),
    )


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
