"""Demo data framework: each app contributes a `demo.py` with `generate(ctx)`; the command runs them in app order.

Generators write with bulk inserts and draw every random choice from `ctx.rng`, so a seed reproduces the data.
Big tables go through `bulk_insert`: PostgreSQL's COPY (primary keys drawn from the table's sequence first, so the
objects come back with their ids like `bulk_create`'s), and `bulk_create` on other databases (the one-command demo
on SQLite).
"""

import operator
import random
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection, models, transaction

M = TypeVar("M", bound=models.Model)
BULK_BATCH = 5000  # rows per bulk_create statement on other databases

SIZES: dict[str, dict[str, int]] = {
    # Later modules add their own volumes under their own keys (orders, customers, variants, ...).
    "small": {"branches": 3, "extra_users": 12},
    "medium": {"branches": 5, "extra_users": 60},
    "large": {"branches": 10, "extra_users": 200},
}

DEMO_PASSWORD = "HomeUpdate-2026"  # noqa: S105 - demo data only, documented in README

FIRST_NAMES = [
    "أحمد",
    "محمد",
    "محمود",
    "مصطفى",
    "عمر",
    "خالد",
    "يوسف",
    "كريم",
    "حسن",
    "إبراهيم",
    "طارق",
    "عمرو",
    "شريف",
    "هاني",
    "وليد",
    "سامح",
    "فاطمة",
    "مريم",
    "نورا",
    "هدى",
    "سارة",
    "منى",
    "ياسمين",
    "آية",
    "دينا",
    "رانيا",
    "شيماء",
    "إيمان",
    "نهى",
    "ريهام",
]
LAST_NAMES = [
    "عبد الرحمن",
    "السيد",
    "عبد الله",
    "حسين",
    "فؤاد",
    "الشريف",
    "منصور",
    "سليمان",
    "عثمان",
    "النجار",
    "الجمال",
    "عبد العزيز",
    "رشاد",
    "زكي",
    "فهمي",
    "البنا",
    "الشاذلي",
    "حمدي",
    "سالم",
    "عيسى",
]
BRANCHES = [
    ("CAI", "فرع القاهرة - مدينة نصر", "شارع عباس العقاد، مدينة نصر، القاهرة"),
    ("GIZ", "فرع الجيزة - المهندسين", "شارع جامعة الدول العربية، المهندسين، الجيزة"),
    ("ALX", "فرع الإسكندرية - سموحة", "شارع فوزي معاذ، سموحة، الإسكندرية"),
    ("MNS", "فرع المنصورة", "شارع الجمهورية، المنصورة"),
    ("TNT", "فرع طنطا", "شارع البحر، طنطا"),
    ("ZAG", "فرع الزقازيق", "شارع فاروق، الزقازيق"),
    ("ISM", "فرع الإسماعيلية", "شارع الثلاثيني، الإسماعيلية"),
    ("SHK", "فرع الشيخ زايد", "الحي الثاني عشر، الشيخ زايد"),
    ("TGM", "فرع التجمع الخامس", "شارع التسعين، التجمع الخامس"),
    ("ASY", "فرع أسيوط", "شارع الجمهورية، أسيوط"),
]


@dataclass
class DemoContext:
    size: str
    rng: random.Random
    stdout: Any
    volumes: dict[str, int] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role label, branch)

    def person_name(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    def mobile(self) -> str:
        """An Egyptian mobile number in E.164 (+20 10/11/12/15 xxxxxxxx)."""
        return f"+20{self.rng.choice(['10', '11', '12', '15'])}{self.rng.randrange(10**8):08d}"


class Progress:
    """A text progress bar with the rate reached, for generators that insert many rows."""

    WIDTH = 30

    def __init__(self, stdout: Any, label: str, total: int) -> None:
        self.stdout, self.label, self.total = stdout, label, max(total, 1)
        self.done = 0
        self.started = time.monotonic()
        self._last_pct = -1
        self._tty = getattr(getattr(stdout, "_out", stdout), "isatty", lambda: False)() or sys.stdout.isatty()

    def advance(self, rows: int) -> None:
        self.done += rows
        pct = min(100, self.done * 100 // self.total)
        if pct == self._last_pct or (not self._tty and pct % 25 and pct != 100):
            return
        self._last_pct = pct
        filled = self.WIDTH * pct // 100
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"{self.label:<18} [{bar}] {pct:3d}% {self.done:,}/{self.total:,} rows, {self.rate():,.0f} rows/s"
        self.stdout.write(("\r" + line) if self._tty else line, ending="" if self._tty and pct < 100 else "\n")

    def finish(self) -> None:
        """For an estimated total: the bar ends at 100 % with the rows actually written."""
        if self._last_pct != 100 or self.done != self.total:
            self.total, self._last_pct = max(self.done, 1), -1
            self.advance(0)

    def rate(self) -> float:
        return self.done / max(time.monotonic() - self.started, 1e-6)


_FAST: dict[type[models.Model], tuple[dict[str, Any], dict[str, Any], dict[str, str], bool]] = {}


def _fast_plan(model: type[models.Model]) -> tuple[dict[str, Any], dict[str, Any], dict[str, str], bool]:
    """(constant defaults, callable defaults, relation name -> attname, on PostgreSQL) of `model`'s concrete
    fields (`connection.vendor` is looked up once: through the connection proxy it costs microseconds a call)."""
    plan = _FAST.get(model)
    if plan is None:
        constants: dict[str, Any] = {}
        callables: dict[str, Any] = {}
        relations: dict[str, str] = {}
        for f in model._meta.concrete_fields:
            if f.is_relation:
                relations[f.name] = f.attname
            if f.has_default() and callable(f.default):
                callables[f.attname] = f.get_default
            else:
                constants[f.attname] = f.get_default()  # None, or "" for text without a default
        plan = _FAST[model] = (constants, callables, relations, connection.vendor == "postgresql")
    return plan


def row(model: type[M], **values: Any) -> M:
    """An unsaved instance of `model` for `bulk_insert`, built without `Model.__init__` on PostgreSQL.

    `Model(**values)` costs about 0.1 ms (field loops, signals): millions of rows spend minutes there. Here the
    instance dict is filled directly: defaults (callables called), then `values`, relations given as objects
    stored as their ids and cached (so `obj.customer` still works). Elsewhere (SQLite, the small demo) it is
    plain `model(**values)`.
    """
    constants, callables, relations, fast = _fast_plan(model)
    if not fast:
        return model(**values)
    obj = model.__new__(model)
    state = obj._state = models.base.ModelState()
    data = obj.__dict__
    data.update(constants)
    for name, default in callables.items():
        data[name] = default()
    for name, value in values.items():
        attname = relations.get(name)
        if attname is None:
            data[name] = value
        else:
            data[attname] = None if value is None else value.pk
            state.fields_cache[name] = value
    return obj


# COPY without foreign-key triggers (`session_replication_role = replica`, superusers only: the throwaway
# databases of bin/benchmark and bin/test): the generators build every reference from rows they just wrote, and
# erp/core/tests/test_demodata_copy.py checks that with the triggers on. Millions of trigger lookups are skipped.
SKIP_FK_CHECKS = True
_SUPERUSER: dict[str, bool] = {}


def _can_skip_triggers() -> bool:
    if not SKIP_FK_CHECKS:
        return False
    key = connection.settings_dict["NAME"]
    if key not in _SUPERUSER:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            found = cursor.fetchone()
            _SUPERUSER[key] = bool(found and found[0])
    return _SUPERUSER[key]


def _flush_deferred_checks(cursor: Any) -> None:
    """Run the foreign-key checks still deferred in the current transaction (services' rows written before, in
    one transaction as in the tests), then defer again. Outside a transaction there are none."""
    if connection.in_atomic_block:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def deferred_indexes(*tables: type[models.Model]) -> Iterator[None]:
    """On PostgreSQL, drop the plain secondary indexes of these models' tables (not primary keys, not those behind
    unique constraints) for a bulk load and build them again afterwards, then ANALYZE the tables: one sorted build
    per index instead of millions of single inserts (a trigram index most of all). Elsewhere a no-op."""
    if connection.vendor != "postgresql":
        yield
        return
    names = [model._meta.db_table for model in tables]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)
              AND NOT EXISTS (
                SELECT 1 FROM pg_index x WHERE x.indexrelid = (quote_ident(i.indexname))::regclass
                  AND (x.indisprimary OR x.indisunique))
            ORDER BY i.indexname
            """,
            [names],
        )
        dropped = cursor.fetchall()
        _flush_deferred_checks(cursor)  # a table with pending trigger events cannot lose or gain an index
        for name, _definition in dropped:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            _flush_deferred_checks(cursor)
            for _name, definition in dropped:
                cursor.execute(definition)
            for table in names:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _copy_plan(model: type[models.Model]) -> tuple[str, list[Any]]:
    """The COPY statement for `model` and its concrete fields (the primary key first)."""
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    return f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN", fields


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys from the table's own sequence: later inserts (services, bulk_create) continue
    after them, so no sequence has to be reset afterwards."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
        )
        return [row[0] for row in cursor.fetchall()]


def bulk_insert(objs: Iterable[M]) -> list[M]:
    """Insert unsaved model instances fast and return them with their primary keys set.

    On PostgreSQL one COPY per call, in a transaction. Values are the instances' attributes as psycopg adapts
    them for the ORM (choices, decimals, dates, foreign key ids), JSON and files prepared by their fields;
    `auto_now`/`auto_now_add` dates left empty are filled with the current time as `bulk_create` fills them, and
    kept when the generator set them (history in the past). Derived columns (search text, totals) are the
    caller's job, as with `bulk_create`: save() is not called. Elsewhere it is `bulk_create`.
    """
    rows = list(objs)
    if not rows:
        return rows
    model = type(rows[0])
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(rows, batch_size=BULK_BATCH)
    sql, fields = _copy_plan(model)
    pk = model._meta.pk
    with transaction.atomic():
        missing = [obj for obj in rows if obj.pk is None]
        if missing:
            if not isinstance(pk, models.AutoField):
                raise ValueError(f"{model.__name__}: bulk_insert draws only automatic primary keys")
            for obj, pk_value in zip(missing, _reserve_ids(model, len(missing)), strict=True):
                obj.pk = pk_value
        # Plain values go to psycopg as they are; auto dates are filled when the generator left them empty (a
        # generator may set a past `created_at`); JSON goes through the field.
        auto = {i for i, f in enumerate(fields) if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
        json = {i for i, f in enumerate(fields) if isinstance(f, (models.JSONField, models.FileField))}
        pick = operator.itemgetter(*[f.attname for f in fields])
        with connection.cursor() as cursor:
            skip = _can_skip_triggers()
            if skip:
                cursor.execute("SET LOCAL session_replication_role = replica")
            with cursor.cursor.copy(sql) as copy:
                for obj in rows:
                    values = list(pick(obj.__dict__))  # the stored values (no descriptor per field)
                    for i in auto:
                        if values[i] is None:
                            values[i] = fields[i].pre_save(obj, True)
                    for i in json:
                        values[i] = fields[i].get_db_prep_save(fields[i].pre_save(obj, True), connection)
                    copy.write_row(values)
            if skip:
                cursor.execute("SET LOCAL session_replication_role = origin")
        for obj in rows:
            obj._state.adding = False
            obj._state.db = connection.alias
    return rows
