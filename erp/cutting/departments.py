"""The cutting department's status on the order page and API (erp.orders.departments): one annotation, computed in
the orders' own query (subqueries per returned row, no query per row)."""

from django.db.models import IntegerField, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from erp.cutting.models import CuttingOrder, CuttingStatus
from erp.orders.departments import Department, correlated, literal, of_order
from erp.orders.models import Order

S = CuttingStatus
ORDER_TYPES = (Order.Type.PRODUCTS, Order.Type.INSTALLATION, Order.Type.TAILORING, Order.Type.ACCESSORY)


def annotate(qs: QuerySet[Order]) -> QuerySet[Order]:
    """The order's overall cutting status: none without cutting orders, cancelled when all are, rejected if any is,
    completed when all (not cancelled) are, in progress once any moved, else pending; and the first cutting order's
    id for the link."""
    return qs.annotate(dept_cutting_status=_STATUS, dept_cutting_id=_FIRST_ID)


def _count(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


_MINE = of_order(CuttingOrder)
_STATUS = correlated(
    f"""SELECT CASE
        WHEN COUNT(*) = 0 THEN NULL
        WHEN {_count(f'"status" <> {literal(S.CANCELLED)}')} = 0 THEN {literal(S.CANCELLED)}
        WHEN {_count(f'"status" = {literal(S.REJECTED)}')} > 0 THEN {literal(S.REJECTED)}
        WHEN {_count(f'"status" NOT IN ({literal(S.COMPLETED)}, {literal(S.CANCELLED)})')} = 0
            THEN {literal(S.COMPLETED)}
        WHEN {_count(f'"status" NOT IN ({literal(S.PENDING)}, {literal(S.CANCELLED)})')} > 0
            THEN {literal(S.IN_PROGRESS)}
        ELSE {literal(S.PENDING)} END {_MINE}"""
)
_FIRST_ID = correlated(f'SELECT MIN("id") {_MINE}', IntegerField())


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
