"""The cutting department's status on the order page and API (erp.orders.departments): one annotation, computed in
the orders' own query (subqueries per returned row, no query per row)."""

from django.db.models import Case, CharField, Exists, OuterRef, QuerySet, Subquery, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from erp.cutting.models import CuttingOrder, CuttingStatus
from erp.orders.departments import Department
from erp.orders.models import Order

S = CuttingStatus
ORDER_TYPES = (Order.Type.PRODUCTS, Order.Type.INSTALLATION, Order.Type.TAILORING, Order.Type.ACCESSORY)


def annotate(qs: QuerySet[Order]) -> QuerySet[Order]:
    """The order's overall cutting status: none without cutting orders, cancelled when all are, rejected if any is,
    completed when all (not cancelled) are, in progress once any moved, else pending; and the first cutting order's
    id for the link."""
    mine = CuttingOrder.objects.filter(order_id=OuterRef("pk"))
    return qs.annotate(
        dept_cutting_status=Case(
            When(~Exists(mine), then=Value(None)),
            When(~Exists(mine.exclude(status=S.CANCELLED)), then=Value(S.CANCELLED.value)),
            When(Exists(mine.filter(status=S.REJECTED)), then=Value(S.REJECTED.value)),
            When(~Exists(mine.exclude(status__in=(S.COMPLETED, S.CANCELLED))), then=Value(S.COMPLETED.value)),
            When(Exists(mine.exclude(status__in=(S.PENDING, S.CANCELLED))), then=Value(S.IN_PROGRESS.value)),
            default=Value(S.PENDING.value),
            output_field=CharField(),
        ),
        dept_cutting_id=Subquery(mine.order_by("id").values("id")[:1]),
    )


def label(value: str) -> StrOrPromise:
    return S(value).label if value in S.values else value


def url(pk: int) -> str:
    return reverse("cutting:order_detail", kwargs={"pk": pk})


def department() -> Department:
    return Department(
        key="cutting",
        title=_("Cutting"),
        order_types=tuple(str(t) for t in ORDER_TYPES),
        annotate=annotate,
        label=label,
        url=url,
        position=20,
    )
