"""Query plans: every list filter and ordering a page offers must use an index once its table is big.

Apps declare checks in `erp/<app>/queryplans.py` as `CHECKS: list[PlanCheck]`. A check builds the queryset the page
runs (through the app's selector, with one filter/ordering combination, sliced to a page as the view slices it) as
an acting user named by role. The runner ANALYZEs, runs `EXPLAIN (FORMAT JSON)` on each queryset's SQL, walks the
plan tree and fails on every `Seq Scan` of a relation whose estimated row count (`pg_class.reltuples`) is above
`min_rows`, naming the table, the filter of the plan node and the index that would serve it.

Small tables are scanned sequentially by design (that is the cheapest plan for them): the threshold keeps this
check about tables that grow. Run it at the large data size (`manage.py check_query_plans --size large`).
"""

import importlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

SUPERUSER = "superuser"
DEFAULT_MIN_ROWS = 10_000

QueryBuilder = Callable[[Any], QuerySet[Any]]


@dataclass(frozen=True)
class PlanCheck:
    """One filter/ordering combination of a list, built as `actor` ("superuser" or a role key) would see it."""

    name: str
    queryset: QueryBuilder  # called with the acting user; returns the (sliced) queryset the page evaluates
    actor: str = SUPERUSER


@dataclass(frozen=True)
class Finding:
    """A scan of a big table that does not find its rows through an index."""

    relation: str
    model: str  # "app_label.Model", or "" for a table without a model
    rows: int  # pg_class.reltuples after ANALYZE
    node: str  # "Seq Scan", or "Index Scan using <index>" for a filtered index scan
    filter: str  # the plan node's Filter, "" when the whole table is read
    suggestion: str


@dataclass
class PlanResult:
    check: PlanCheck
    sql: str = ""
    seq_scans: list[Finding] = field(default_factory=list)  # big tables read sequentially: failures
    filtered: list[Finding] = field(default_factory=list)  # index scans that filter rows one by one: warnings
    small_scans: list[str] = field(default_factory=list)  # tables under the threshold read sequentially: fine
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.seq_scans and not self.error


def first_pk(model: Any, *, order: str = "pk", **filters: Any) -> str:
    """The first primary key of `model` (in `order`, among rows matching `filters`) as a filter value, "" if none."""
    pk = model._default_manager.filter(**filters).order_by(order).values_list("pk", flat=True).first()
    return str(pk or "")


def middle_pk(model: Any, **filters: Any) -> int:
    """A primary key from the middle of the table: the start of a "next page" of a keyset ordered by -id."""
    last = model._default_manager.filter(**filters).order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0) // 2


def latest_value(model: Any, field: str, **filters: Any) -> str:
    """`field` of the newest row (matching `filters`) as a filter value, "" if none."""
    value = model._default_manager.filter(**filters).order_by("-pk").values_list(field, flat=True).first()
    return str(value if value is not None else "")


def middle_value(model: Any, field: str) -> str:
    """`field` of a row from the middle of the table (a number or code a user types into the search box)."""
    qs = model._default_manager.filter(pk__lte=middle_pk(model)).order_by("-pk").values_list(field, flat=True)
    return str(qs.first() or "000")


def local_days(
    days: int, *, ago: int = 0, after: str = "created_after", before: str = "created_before"
) -> dict[str, str]:
    """A date-range filter of `days` days ending `ago` days before today, as a list's query string has it."""
    from datetime import timedelta

    from django.utils import timezone

    end = timezone.localdate() - timedelta(days=ago)
    return {after: (end - timedelta(days=days)).isoformat(), before: end.isoformat()}


def keyset_next(queryset: QuerySet[Any], order: tuple[str, ...], *, size: int) -> QuerySet[Any]:
    """The page after the row in the middle of the table, as `erp.core.keyset.keyset_page` fetches it (its cursor
    condition spelled out over `order`), sliced to `size` + 1 rows."""
    from erp.core.keyset import _after, _key

    model = queryset.model
    row = model._default_manager.filter(pk__lte=middle_pk(model)).order_by("-pk").first()
    qs = queryset.order_by(*order)
    if row is not None:
        qs = qs.filter(_after(order, _key(row, order), order[0].startswith("-")))
    return qs[: size + 1]


def matrix(
    prefix: str,
    filters: dict[str, Callable[[], dict[str, str]]],
    orderings: dict[str, tuple[str, ...]],
    build: Callable[[Callable[[], dict[str, str]], tuple[str, ...]], QueryBuilder],
    *,
    actor: str = SUPERUSER,
) -> list[PlanCheck]:
    """One check per filter and ordering a list offers: `build(filters, order)` returns the check's builder."""
    return [
        PlanCheck(f"{prefix}: {label}, ordering={key}", build(values, order), actor=actor)
        for label, values in filters.items()
        for key, order in orderings.items()
    ]


def collect_checks() -> list[PlanCheck]:
    """Every app's `erp/<app>/queryplans.py` CHECKS, in app order."""
    checks: list[PlanCheck] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("erp."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.queryplans")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.queryplans":
                continue
            raise
        checks.extend(getattr(module, "CHECKS", []))
    return checks


def demo_actor(role: str) -> Any:
    """The user a check acts as: the first active superuser, or the user named after the role key (demo data),
    or else any active holder of that role."""
    from erp.accounts.models import User

    qs = User.objects.filter(is_active=True).order_by("pk")
    user = qs.filter(is_superuser=True).first() if role == SUPERUSER else qs.filter(username=role).first()
    if user is None and role != SUPERUSER:
        user = qs.filter(roles__key=role, is_superuser=False).first()
    if user is None:
        raise LookupError(f"no active user for {role!r}: load the demo data (manage.py demo_data)")
    return user


def explain(queryset: QuerySet[Any]) -> dict[str, Any]:
    """The JSON plan (the top "Plan" node) PostgreSQL chooses for `queryset`."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        raw = cursor.fetchone()[0]
    doc = json.loads(raw) if isinstance(raw, str) else raw
    return dict(doc[0]["Plan"])


def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every node of a plan tree, depth first."""
    yield node
    for child in node.get("Plans", ()):
        yield from walk(child)


def _estimated_rows(relation: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(quote_ident(%s))", [relation])
        row = cursor.fetchone()
    return max(int(row[0]), 0) if row else 0


def _columns(relation: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(quote_ident(%s)) "
            "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            [relation],
        )
        return [r[0] for r in cursor.fetchall()]


def _model_label(relation: str) -> str:
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table == relation:
            return str(model._meta.label)
    return ""


def ordering_columns(queryset: QuerySet[Any]) -> tuple[str, tuple[str, ...]]:
    """The queryset's table and its ORDER BY as columns of that table ("-id"), for index suggestions."""
    meta = queryset.model._meta
    out = []
    for item in queryset.query.order_by or meta.ordering or ():
        if not isinstance(item, str):
            continue
        name = item.lstrip("-")
        if "__" in name or name == "?":
            continue
        column = meta.pk.column if name == "pk" else meta.get_field(name).column  # type: ignore[union-attr]
        out.append(("-" if item.startswith("-") else "") + column)
    return meta.db_table, tuple(out)


_LITERAL = re.compile(r"'(?:[^']|'')*'")


def suggest_index(relation: str, filter_text: str, ordering: tuple[str, ...] = ()) -> str:
    """The index that would find the filtered rows (and return them in order) without reading the table.

    Equality columns first, then range and other columns, then the page's ordering; with a note when the filter
    wraps a column in a function (index the expression, or filter on the bare column) or is an unanchored LIKE.
    """
    columns = _columns(relation)
    text = _LITERAL.sub("''", filter_text)
    eq: list[str] = []
    rest: list[str] = []
    notes: list[str] = []
    upper: set[str] = set()
    for col in columns:
        if not re.search(rf"\b{col}\b", text):
            continue
        # `(kind)::text = ''`, `kind = ''`, `branch_id = ANY (...)`, `x IS NULL`, `upper((username)::text) = ''`
        if re.search(rf"\b{col}\)*(?:::[\w ]+)?\)*\s*(?:=|IS NULL|IS NOT NULL)", text):
            eq.append(col)
        else:
            rest.append(col)
        if re.search(rf"\b(?:upper|lower)\(\(?{col}\b", text):
            upper.add(col)
        if re.search(rf"(?:timezone\(|AT TIME ZONE)[^)]*\b{col}\b|\b{col}\b[^)]*AT TIME ZONE", text):
            notes.append(
                f"the filter casts {col} to a local date, which no index on {col} serves: filter on a {col} range"
            )
    if "~~" in text:
        notes.append("an unanchored LIKE/ILIKE needs a trigram (pg_trgm GIN) index or a normalised search column")
    ordered = [o.lstrip("-") for o in ordering]
    fields = [*eq, *(c for c in rest if c not in ordered)]
    fields += [o for o in ordering if o.lstrip("-") not in fields]
    model = _model_label(relation) or relation
    if not fields:
        return f"{model}: no filter to index; read a page with a LIMIT"
    if upper:
        parts = [
            f'Upper("{f}")' if f in upper else (f'F("{f[1:]}").desc()' if f.startswith("-") else f'F("{f}")')
            for f in fields
        ]
        index = f"{model}: models.Index({', '.join(parts)}, name=...)"
    else:
        index = f"{model}: models.Index(fields={fields!r}, name=...)"
    return "; ".join([index, *notes])


SCAN_NODES = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"}
# Nodes that hand rows up one at a time: a Limit above them stops the scan below after LIMIT rows. Joins stream
# their outer side (the inner side of a hash join is read whole into the hash; a nested loop probes it per row).
STREAMING = {"Subquery Scan", "Result", "Gather"}
STREAMING_JOINS = {"Nested Loop", "Hash Join"}


def bounded_scans(node: dict[str, Any], *, limited: bool = False) -> Iterator[int]:
    """The ids of unfiltered sequential scans that a Limit stops early: they read LIMIT rows, not the table (the
    export's capped count reads `... LIMIT n`; the first rows of a list without a WHERE or an ORDER BY)."""
    kind = node.get("Node Type")
    if kind == "Seq Scan" and limited and not node.get("Filter"):
        yield id(node)
    for child in node.get("Plans", ()):
        streams = kind in STREAMING or (kind in STREAMING_JOINS and child.get("Parent Relationship") == "Outer")
        yield from bounded_scans(child, limited=kind == "Limit" or (limited and streams))


def check_plan(
    plan: dict[str, Any], *, min_rows: int, table: str = "", ordering: tuple[str, ...] = ()
) -> tuple[list[Finding], list[Finding], list[str]]:
    """Sequential scans of big tables (failures), index scans of big tables that filter rows one by one
    (warnings: a selective value reads the table through the index) and small tables read sequentially, or
    unfiltered scans a Limit stops after its rows (fine)."""
    seq: list[Finding] = []
    filtered: list[Finding] = []
    small: list[str] = []
    bounded = set(bounded_scans(plan))
    for node in walk(plan):
        kind = node.get("Node Type")
        if kind not in SCAN_NODES:
            continue
        relation = str(node.get("Relation Name", ""))
        filt = str(node.get("Filter", ""))
        if kind != "Seq Scan" and not filt:
            continue
        rows = _estimated_rows(relation)
        if id(node) in bounded:
            small.append(f"{relation} (the first rows only: a LIMIT stops the scan)")
            continue
        if rows <= min_rows:
            if kind == "Seq Scan":
                small.append(f"{relation} (~{rows:,} rows)")
            continue
        # The index's own conditions belong in the suggested index too (equality columns lead it).
        conditions = " AND ".join(str(node[k]) for k in ("Index Cond", "Recheck Cond", "Filter") if node.get(k))
        finding = Finding(
            relation=relation,
            model=_model_label(relation),
            rows=rows,
            node=f"{kind} using {node['Index Name']}" if node.get("Index Name") else str(kind),
            filter=filt,
            suggestion=suggest_index(relation, conditions, ordering if relation == table else ()),
        )
        (seq if kind == "Seq Scan" else filtered).append(finding)
    return seq, filtered, small


def analyze() -> None:
    """Fresh statistics, so the planner and reltuples see the real table sizes."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run_check(check: PlanCheck, *, min_rows: int, actor_for: Callable[[str], Any] = demo_actor) -> PlanResult:
    result = PlanResult(check=check)
    try:
        queryset = check.queryset(actor_for(check.actor))
        result.sql = str(queryset.query)
        plan = explain(queryset)
    except EmptyResultSet:
        result.error = "the queryset is empty for this actor (a check that measures nothing)"
    except LookupError as exc:
        result.error = str(exc)
    else:
        table, ordering = ordering_columns(queryset)
        result.seq_scans, result.filtered, result.small_scans = check_plan(
            plan, min_rows=min_rows, table=table, ordering=ordering
        )
    return result


def run_checks(
    checks: list[PlanCheck],
    *,
    min_rows: int = DEFAULT_MIN_ROWS,
    actor_for: Callable[[str], Any] = demo_actor,
    run_analyze: bool = True,
) -> list[PlanResult]:
    if connection.vendor != "postgresql":
        raise RuntimeError("query plans are checked on PostgreSQL only (run through bin/benchmark or bin/test)")
    if run_analyze:
        analyze()
    return [run_check(check, min_rows=min_rows, actor_for=actor_for) for check in checks]


def _describe(f: Finding) -> str:
    return f"{f.node} on {f.relation} (~{f.rows:,} rows), filter `{f.filter or '—'}`: {f.suggestion}"


def render(results: list[PlanResult], *, min_rows: int, problems_only: bool = False) -> str:
    """A Markdown table: one row per check, with each failing scan and the index it needs. With `problems_only`,
    the checks that pass cleanly are summarised in one line per list instead."""
    lines = ["| check | as | result | detail |", "|---|---|---|---|"]
    clean = [r for r in results if r.ok and not r.filtered]
    for r in results:
        if problems_only and r in clean:
            continue
        if r.error:
            status, detail = "**ERROR**", r.error
        elif r.seq_scans:
            status, detail = "**SEQ SCAN**", "<br>".join(_describe(f) for f in [*r.seq_scans, *r.filtered])
        elif r.filtered:
            status, detail = "filtered scan", "<br>".join(_describe(f) for f in r.filtered)
        else:
            status = "ok"
            detail = f"seq scans only of small tables: {', '.join(r.small_scans)}" if r.small_scans else "index"
        detail = detail.replace("|", "\\|")
        lines.append(f"| {r.check.name} | {r.check.actor} | {status} | {detail} |")
    if problems_only:
        groups: dict[str, int] = {}
        for r in clean:
            groups[r.check.name.split(":")[0]] = groups.get(r.check.name.split(":")[0], 0) + 1
        summary = ", ".join(f"{name} {n}" for name, n in groups.items())
        lines = lines if len(lines) > 2 else []
        lines += ["", f"Clean (an index, or sequential scans of small tables only): {summary or 'none'}."]
    failed = sum(not r.ok for r in results)
    warned = sum(bool(r.filtered) and r.ok for r in results)
    lines += [
        "",
        f"{len(results)} checks: {failed} failing (a sequential scan of a table over {min_rows:,} rows, or an error), "
        f"{warned} with a filtered index scan of such a table (a warning: a selective value makes it read most of "
        "the table through the index; `--strict` fails on these too).",
    ]
    return "\n".join(lines)
