"""Each department's status on the order, and the overall stage derived from them (A.3-1).

Departments own their status; the order never copies it. A department module appends a `Department` to
`DEPARTMENTS` in its AppConfig.ready(). `annotate(qs)` adds, in the same query as the orders (a subquery per
department, evaluated for the rows returned only), two annotations: ``dept_<key>_status`` (the department's
current status value for the order, None when it has no record) and ``dept_<key>_id`` (the primary key of that
record, for a link). `label(value)` turns a status value into its display label and `url(pk)` gives the link.

`department_rows(order)` reads those annotations (no query) for the order page and API; `derived_stage(order)`
picks the status an order "shows", per B §4.2: inspection orders show the inspection; products orders show cutting;
installation orders show the factory until it is ready, then the installation; tailoring and accessory orders show
the factory, or cutting before the factory has a record.

The departments write their subqueries as raw SQL (`correlated`): compiling the fifteen Exists/Subquery
expressions they needed as ORM expressions took the ORM 12 ms on every order page and API call (4 ms for the
rest of the query), more than the whole query took to plan and run. The SQL is portable (PostgreSQL and SQLite).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Field, IntegerField, Model, QuerySet
from django.db.models.expressions import RawSQL
from django_stubs_ext import StrOrPromise

from erp.orders.models import Order

T = Order.Type


@dataclass(frozen=True)
class Department:
    key: str  # "inspection", "cutting", "manufacturing", "installation"
    title: StrOrPromise
    order_types: tuple[str, ...]
    annotate: Callable[[QuerySet[Order]], QuerySet[Order]]
    label: Callable[[str], StrOrPromise]
    url: Callable[[int], str] | None = None
    position: int = 100


DEPARTMENTS: list[Department] = []

# The order row a department's subquery refers to (the orders' own table, never aliased in the order selectors).
ORDER_ID = f'"{Order._meta.db_table}"."{Order._meta.pk.column}"'
_LITERAL = re.compile(r"^[a-z_]+$")


def literal(value: str) -> str:
    """A status value as an SQL string literal: only the code's own choice values (lower-case words) are accepted,
    never user input."""
    if not _LITERAL.match(value):
        raise ValueError(f"not a status value: {value!r}")
    return f"'{value}'"


def correlated(sql: str, output_field: Field[Any, Any] | None = None) -> RawSQL:
    """A scalar subquery on the order row (`ORDER_ID` in `sql`) as raw SQL: nothing to compile per request."""
    return RawSQL(f"({sql})", (), output_field=output_field or CharField())  # noqa: S611 - built from constants


def of_order(model: type[Model]) -> str:
    """`FROM <model's table> WHERE <its order column> = <the order row>`, for a department's subquery."""
    return f'FROM "{model._meta.db_table}" WHERE "{model._meta.get_field("order").column}" = {ORDER_ID}'  # type: ignore[union-attr]


def latest(model: type[Model], field: str, *, where: str = "") -> tuple[RawSQL, RawSQL]:
    """`field` of the order's latest `model` record (highest id), and that record's id."""
    # Table and column names come from the model, conditions from `literal`: no value from a request.
    column, pk = model._meta.get_field(field).column, model._meta.pk.column  # type: ignore[union-attr]
    mine = of_order(model) + (f" AND {where}" if where else "")
    last = f'SELECT "{column}" {mine} ORDER BY "{pk}" DESC LIMIT 1'
    return correlated(last), correlated(f'SELECT MAX("{pk}") {mine}', IntegerField())


def register_department(department: Department) -> None:
    if all(d.key != department.key for d in DEPARTMENTS):
        DEPARTMENTS.append(department)
        DEPARTMENTS.sort(key=lambda d: (d.position, d.key))


def with_departments(qs: QuerySet[Order]) -> QuerySet[Order]:
    for department in DEPARTMENTS:
        qs = department.annotate(qs)
    return qs


def department_rows(order: Order) -> list[dict[str, Any]]:
    """The departments that apply to the order's type, with their status (from the annotations)."""
    rows = []
    for d in DEPARTMENTS:
        if order.order_type not in d.order_types:
            continue
        value = getattr(order, f"dept_{d.key}_status", None)
        pk = getattr(order, f"dept_{d.key}_id", None)
        rows.append(
            {
                "key": d.key,
                "title": d.title,
                "status": value,
                "label": d.label(value) if value else None,
                "url": d.url(pk) if (d.url and pk) else None,
            }
        )
    return rows


# Which department an order type shows, in order of preference (the first with a record wins; installation orders
# switch to the installation once the factory is ready).
_SHOWS: dict[str, tuple[str, ...]] = {
    T.INSPECTION: ("inspection",),
    T.PRODUCTS: ("cutting",),
    T.INSTALLATION: ("installation", "manufacturing", "cutting"),
    T.TAILORING: ("manufacturing", "cutting"),
    T.ACCESSORY: ("manufacturing", "cutting"),
}


def derived_stage(order: Order) -> dict[str, Any]:
    """The stage the order shows: a department's status when one applies, else the order's own status."""
    if order.status in (Order.Status.CANCELLED, Order.Status.REJECTED, Order.Status.DELIVERED):
        return {"department": None, "status": order.status, "label": order.get_status_display()}
    rows = {r["key"]: r for r in department_rows(order)}
    for key in _SHOWS.get(order.order_type, ()):
        row = rows.get(key)
        if row and row["status"]:
            return {"department": row["title"], "status": row["status"], "label": row["label"]}
    return {"department": None, "status": order.status, "label": order.get_status_display()}
