"""Grow tables by copying their rows in SQL (`INSERT ... SELECT ... generate_series`), for query-plan checks.

`grow(table, times=k)` copies every row of `table` k times with new ids;
`grow(table, parent=("order_id", "orders_order"))` copies each row once per copy of its parent, pointing at the
copy. Every copy is recorded in a temporary map table (`src_id`, `n`, `new_id`), so children, and other foreign
keys named in `remap`, follow their grown parents. Unique text columns get a suffix made of the new id, so copies
never collide and keep within their column's length; unique uuid columns get a fresh uuid. `overrides` replace a
column by an SQL expression of the source row `src` and the map row `m` (`m.n` the copy number, `m.new_id` the
new id), to spread dates and kinds the way real data varies.

PostgreSQL only: the plans are checked there (erp/core/queryplans.py). Table and column names come from the
catalogue and the callers' constants, never from users, hence the formatted SQL.
"""

from dataclasses import dataclass
from typing import Any

from django.db import connection


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    max_length: int | None


def _columns(table: str) -> list[Column]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type, character_maximum_length FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return [Column(*row) for row in cursor.fetchall()]


def _unique_column_sets(table: str) -> list[tuple[list[str], bool]]:
    """The columns of each unique index other than the primary key (expression columns show as ""), and whether
    the index is partial."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT array_agg(coalesce(a.attname, '') ORDER BY k.i), x.indpred IS NOT NULL
            FROM pg_index x
            CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, i)
            LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum > 0
            WHERE x.indrelid = to_regclass(quote_ident(%s)) AND x.indisunique AND NOT x.indisprimary
            GROUP BY x.indexrelid, x.indpred
            """,
            [table],
        )
        return [(list(row[0]), bool(row[1])) for row in cursor.fetchall()]


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - a constant table name
        return int(cursor.fetchone()[0])


def map_table(table: str) -> str:
    return f"grow_map_{table}"


def _unique_expr(col: Column, *, partial: bool) -> str:
    """A unique value for a copy; a partial index's empty strings (which it usually leaves out) stay empty."""
    if col.data_type == "uuid":
        return "gen_random_uuid()"
    suffix = "'~' || to_hex(m.new_id)"
    value = f"src.{col.name}"
    if col.max_length:
        value = f"left({value}, {max(col.max_length - 9, 0)})"
    expr = f"{value} || {suffix}"
    return f"CASE WHEN src.{col.name} = '' THEN '' ELSE {expr} END" if partial else expr


def grow(
    table: str,
    *,
    times: int = 0,
    parent: tuple[str, str] | None = None,
    remap: dict[str, tuple[str, str]] | None = None,
    overrides: dict[str, str] | None = None,
    where: str = "",
) -> int:
    """Copy the rows of `table` (those matching `where`, an SQL condition on `src`) and return how many were added.

    Either `times` copies of each row, or (`parent=(column, parent_table)`) one copy per copy of the row's parent
    (the parent must have been grown before, on this connection). `remap` points other foreign keys at copies:
    `{"customer_id": ("customers_customer", "1 + (m.n - 1) % 10")}` uses the customer's copy number given by the
    expression (rows whose target was not copied keep the original)."""
    if bool(times) == bool(parent):
        raise ValueError("give either times or parent")
    remap = dict(remap or {})
    overrides = dict(overrides or {})
    columns = [c for c in _columns(table) if c.name != "id"]
    by_name = {c.name: c for c in columns}
    # Columns that make a copy unique: explicit overrides (the caller's word), the parent and remaps onto the same
    # copy number (one copy per copy); a remap onto fewer copies (customers) may repeat a value.
    fixed = (
        set(overrides)
        | {c for c, (_t, n_expr) in remap.items() if n_expr == "m.n"}
        | ({parent[0]} if parent else set())
    )
    for names, partial in _unique_column_sets(table):
        if "" in names:
            raise ValueError(f"{table}: a unique expression index; give overrides for its columns")
        if fixed & set(names):
            continue
        candidates = [n for n in names if by_name[n].data_type in ("character varying", "text", "uuid")]
        if not candidates:
            raise ValueError(f"{table}: unique {names} has no text column to vary; give overrides")
        overrides[candidates[0]] = _unique_expr(by_name[candidates[0]], partial=partial)
        fixed.add(candidates[0])

    mapping = map_table(table)
    where_sql = f"WHERE {where}" if where else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {mapping}")
        if parent:
            column, parent_table = parent
            source = (
                f"SELECT src.id AS src_id, pm.n AS n, pm.new_id AS parent_new_id FROM {table} src "  # noqa: S608
                f"JOIN {map_table(parent_table)} pm ON pm.src_id = src.{column} {where_sql}"
            )
            overrides[column] = "m.parent_new_id"
        else:
            source = (
                f"SELECT src.id AS src_id, n, NULL::bigint AS parent_new_id FROM {table} src "  # noqa: S608
                f"CROSS JOIN generate_series(1, {int(times)}) AS n {where_sql}"
            )
        cursor.execute(
            f"CREATE TEMP TABLE {mapping} AS SELECT s.src_id, s.n, s.parent_new_id, "  # noqa: S608
            f"nextval(pg_get_serial_sequence('{table}', 'id')) AS new_id FROM ({source}) AS s ORDER BY s.n, s.src_id"
        )
        cursor.execute(f"CREATE INDEX ON {mapping} (src_id, n)")
        cursor.execute(f"ANALYZE {mapping}")
        joins = []
        for i, (column, (target, n_expr)) in enumerate(remap.items()):
            joins.append(f"LEFT JOIN {map_table(target)} r{i} ON r{i}.src_id = src.{column} AND r{i}.n = ({n_expr})")
            overrides[column] = f"coalesce(r{i}.new_id, src.{column})"
        column_list = ", ".join(c.name for c in columns)
        values = ", ".join(overrides.get(c.name, f"src.{c.name}") for c in columns)
        cursor.execute(
            f"INSERT INTO {table} (id, {column_list}) SELECT m.new_id, {values} "  # noqa: S608 - names from the catalogue
            f"FROM {mapping} m JOIN {table} src ON src.id = m.src_id {' '.join(joins)} ORDER BY m.new_id"
        )
        return int(cursor.rowcount)


def _shift(column: str, step_days: int = 15, steps: int = 24) -> str:
    """Copy n of a date/time column moved (n % steps) * step_days days back: copies spread over a year."""
    return f"src.{column} - ((m.n % {steps}) * {step_days}) * interval '1 day'"


def _day_shift(column: str) -> str:
    return f"({_shift(column)})::date"


# An installation order that has no installation, a different one per copy (the array is an uncorrelated subquery:
# read once, before the statement inserts anything).
_FREE_ORDERS = """(SELECT array_agg(o.id ORDER BY o.id) FROM orders_order o WHERE o.order_type = 'installation'
    AND NOT EXISTS (SELECT 1 FROM installations_installation i WHERE i.order_id = o.id))"""
UNSCHEDULED_ORDER = f"({_FREE_ORDERS})[1 + (m.new_id % cardinality({_FREE_ORDERS}))]"


def grow_sales_and_operations(*, times: int, customer_times: int, log: Any = None) -> dict[str, int]:
    """Copy the demo's sales and operations data: customers `customer_times` times, every order `times` times with
    its items, events, hand-offs, invoices, payments and allocations, and the operations rows that hang off an order
    (inspections, cutting and factory orders with their items, installations with their modification requests, and
    more installations on installation orders that have none); notifications, outbox events and WhatsApp messages
    `times` times; complaints up to one per ten orders. Dates move back by up to a year per copy, so date filters
    select a realistic share. Returns the rows added per table."""
    cust = {"customer_id": ("customers_customer", f"1 + (m.n - 1) % {customer_times}")}
    same = "m.n"
    installation_dates = {"scheduled_date": _day_shift("scheduled_date"), "created_at": _shift("created_at")}
    steps: list[tuple[str, dict[str, Any]]] = [
        ("customers_customer", {"times": customer_times, "overrides": {"created_at": _shift("created_at")}}),
        (
            "orders_order",
            {
                "times": times,
                "remap": cust,
                "overrides": {
                    "order_date": _day_shift("order_date"),
                    "expected_delivery_date": _day_shift("expected_delivery_date"),
                    "created_at": _shift("created_at"),
                    "related_inspection_id": "NULL",
                    "promo_code_id": "NULL",
                },
            },
        ),
        ("orders_orderitem", {"parent": ("order_id", "orders_order")}),
        (
            "orders_orderevent",
            {"parent": ("order_id", "orders_order"), "overrides": {"created_at": _shift("created_at")}},
        ),
        ("orders_orderhandoff", {"parent": ("order_id", "orders_order")}),
        ("orders_orderinvoice", {"parent": ("order_id", "orders_order")}),
        (
            "orders_payment",
            {
                "parent": ("order_id", "orders_order"),
                "remap": cust,
                "overrides": {"payment_date": _day_shift("payment_date"), "created_at": _shift("created_at")},
            },
        ),
        (
            "orders_paymentallocation",
            {"parent": ("payment_id", "orders_payment"), "remap": {"order_id": ("orders_order", same)}},
        ),
        (
            "inspections_inspection",
            {
                "parent": ("order_id", "orders_order"),
                "remap": cust,
                "overrides": {
                    "scheduled_date": _day_shift("scheduled_date"),
                    "created_at": _shift("created_at"),
                    "parent_id": "NULL",
                },
            },
        ),
        (
            "cutting_cuttingorder",
            {"parent": ("order_id", "orders_order"), "overrides": {"created_at": _shift("created_at")}},
        ),
        (
            "cutting_cuttingitem",
            {
                "parent": ("cutting_order_id", "cutting_cuttingorder"),
                "remap": {"order_item_id": ("orders_orderitem", same)},
            },
        ),
        (
            "installations_installation",
            {
                "parent": ("order_id", "orders_order"),
                "overrides": installation_dates,
            },
        ),
        # More installations than the demo schedules: on installation orders that have none yet.
        (
            "installations_installation",
            {"times": -1, "overrides": {**installation_dates, "order_id": UNSCHEDULED_ORDER}},  # -1: set below
        ),
        ("installations_modificationrequest", {"parent": ("installation_id", "installations_installation")}),
        (
            "manufacturing_factoryorder",
            {
                "parent": ("order_id", "orders_order"),
                "overrides": {
                    "expected_date": _day_shift("expected_date"),
                    "created_at": _shift("created_at"),
                    "modification_request_id": "NULL",
                },
            },
        ),
        (
            "manufacturing_factoryitem",
            {
                "parent": ("factory_order_id", "manufacturing_factoryorder"),
                "remap": {"order_item_id": ("orders_orderitem", same), "cut_item_id": ("cutting_cuttingitem", same)},
            },
        ),
        (
            "complaints_complaint",
            {
                "times": 0,  # set below: one complaint per ten orders
                "remap": {**cust, "related_order_id": ("orders_order", "1 + (m.n - 1) % " + str(times))},
                "overrides": {"created_at": _shift("created_at")},
            },
        ),
        ("notifications_notification", {"times": times}),
        ("notifications_notificationrecipient", {"parent": ("notification_id", "notifications_notification")}),
        ("outbox_outboxevent", {"times": times, "overrides": {"created_at": _shift("created_at")}}),
        ("whatsapp_whatsappmessage", {"times": times, "overrides": {"created_at": _shift("created_at")}}),
    ]
    added: dict[str, int] = {}
    with connection.cursor() as cursor:  # big INSERTs on a busy machine: no request-sized timeout (this transaction)
        cursor.execute("SET LOCAL statement_timeout = 0")
    for table, options in steps:
        columns = {c.name for c in _columns(table)}
        options = dict(options)
        options["overrides"] = {k: v for k, v in options.get("overrides", {}).items() if k in columns}
        options["remap"] = {k: v for k, v in options.get("remap", {}).items() if k in columns}
        if options.get("times") == -1:  # as many copies as there are free installation orders, up to 4 per order
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT coalesce(cardinality({_FREE_ORDERS}), 0)")  # noqa: S608 - a constant
                free = int(cursor.fetchone()[0])
            options["times"] = min(times * 4, free // max(_count(table), 1))
            if not options["times"]:
                continue
        if options.get("times") == 0:
            options["times"] = max(1, round(_count("orders_order") / 10 / max(_count(table), 1)) - 1)
        added[table] = added.get(table, 0) + grow(table, **options)
        if log:
            log(f"{table}: +{added[table]:,}")
    return added
