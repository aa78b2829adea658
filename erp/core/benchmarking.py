"""Server time per page and endpoint (docs/performance.md §3), measured in-process on the demo database.

Every GET `UrlSpec` that the apps declare for the query budget (erp/<app>/tests/urlspecs.py) is requested with
Django's test `Client` (an `APIClient` with a bearer token for API specs) as the first role the spec lists and, for
lists, also as the most privileged role it lists (who sees the most rows). After `warmup` requests per URL (caches,
the session's activity stamp, "last seen"), one request counts the queries, then `repeat` rounds time every URL in
turn with `time.perf_counter()` around the client call (the whole middleware stack, the view, the template, gzip;
no network). The p95 is compared with the budget of the URL's kind; a URL over budget is timed again once before
it counts as a miss, because this machine is shared and noisy.

The world (branches, a user per role, a target salesperson) is read from the demo data: usernames equal role keys,
`admin` is the superuser. An app whose specs need more objects in `World.extra` adds a `demo_world(world)` function
next to its SPECS that fills them from the demo data.
"""

import importlib
import math
import os
import platform
import re
import statistics
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from erp.core.testing.urlbudget import ANONYMOUS, SUPERUSER, UrlSpec, World, collect_specs
from load.checks import cpu_model

# p95 budgets in ms by kind (performance.md §3: at the large size, on PostgreSQL, warm). Other kinds are reported
# without a budget: forms, the login page, health probes, the OpenAPI schema and docs, file exports.
BUDGETS_MS: dict[str, float] = {"list": 100.0, "api-list": 100.0, "detail": 50.0, "api-detail": 50.0, "dashboard": 50.0}
DASHBOARDS = {"home"}
SIZES = ("large", "medium", "small")
# Security events grow with every login and API call; the demo data has none, so the benchmark adds a year of them.
SECURITY_EVENTS = {"small": 2_000, "medium": 20_000, "large": 200_000}
UNBUDGETED_REPEAT = 10  # timed requests for URLs without a budget (their p50 is what matters)


@dataclass(frozen=True)
class Case:
    spec: UrlSpec
    role: str
    kind: str

    @property
    def label(self) -> str:
        return self.spec.name + (f"?{self.spec.query}" if self.spec.query else "")


@dataclass(frozen=True)
class Measurement:
    case: Case
    status: int
    queries: int
    p50_ms: float
    p95_ms: float
    budget_ms: float | None
    error: str = ""
    first_p95_ms: float | None = None  # set when the URL was over budget once and timed again

    @property
    def missed(self) -> bool:
        return bool(self.error) or (self.budget_ms is not None and self.p95_ms > self.budget_ms)


def classify(spec: UrlSpec) -> str:
    """list / detail / dashboard / api-list / api-detail / export / other, from the URL name (and the query)."""
    name = spec.name.rsplit(":", 1)[-1]
    if "export=" in spec.query:
        return "export"
    if name in DASHBOARDS:
        return "dashboard"
    prefix = "api-" if spec.api else ""
    # A part of a detail page loaded after it (customers:customer_section) is held to the detail budget too.
    for suffix, kind in (("list", "list"), ("detail", "detail"), ("section", "detail")):
        if name.endswith((f"_{suffix}", f"-{suffix}")):
            return prefix + kind
    return "other"


def _authority(role: str) -> int:
    from erp.accounts.roles import NO_ROLE_LEVEL, ROLE_DEFINITIONS

    if role == SUPERUSER:
        return -1
    if role == ANONYMOUS:
        return NO_ROLE_LEVEL + 1
    return ROLE_DEFINITIONS[role].level if role in ROLE_DEFINITIONS else NO_ROLE_LEVEL


def most_privileged(roles: Iterable[str]) -> str:
    """The superuser, else the role with the lowest level (the widest scope)."""
    return min(roles, key=_authority)


def cases(specs: Iterable[UrlSpec], budgets: Mapping[str, float] = BUDGETS_MS, budget_only: bool = False) -> list[Case]:
    """The GET specs to time, as their first role, and lists also as their most privileged role."""
    out: list[Case] = []
    for spec in specs:
        if spec.method != "get":
            continue
        kind = classify(spec)
        if budget_only and kind not in budgets:
            continue
        roles = [spec.roles[0]]
        if kind in {"list", "api-list"}:
            top = most_privileged(spec.roles)
            if top not in roles:
                roles.append(top)
        out.extend(Case(spec, role, kind) for role in roles)
    return out


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 30 samples is the 29th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def world_from_demo() -> World:
    """Branches, a user per role and a target salesperson, taken from the demo data (manage.py demo_data)."""
    from erp.accounts.models import Branch, User
    from erp.accounts.roles import RoleKey

    branches = list(Branch.objects.order_by("pk")[:2])
    keys = [r.value for r in RoleKey]
    by_name = {u.username: u for u in User.objects.filter(username__in=[*keys, "admin"], is_active=True)}
    if len(branches) < 2 or "admin" not in by_name or not by_name["admin"].is_superuser:
        raise LookupError("no demo data here: run `manage.py demo_data --size small|medium|large` first")
    users: dict[str, Any] = {k: by_name[k] for k in keys if k in by_name}
    users[SUPERUSER] = by_name["admin"]
    target = (
        User.objects.filter(branch=branches[0], roles__key=RoleKey.SALESPERSON, is_active=True, is_superuser=False)
        .exclude(username__in=keys)
        .order_by("pk")
        .first()
    ) or users.get(RoleKey.SALESPERSON.value)
    world = World(branch_a=branches[0], branch_b=branches[1], users=users, extra={"target": target})
    for config in apps.get_app_configs():
        if config.name.startswith("erp."):
            try:
                module = importlib.import_module(f"{config.name}.tests.urlspecs")
            except ModuleNotFoundError as exc:
                if exc.name in {f"{config.name}.tests", f"{config.name}.tests.urlspecs"}:
                    continue
                raise
            if hasattr(module, "demo_world"):
                module.demo_world(world)
    return world


class Probe:
    """One case: its client (logged in once, or holding a bearer token), its URL and its samples."""

    def __init__(self, case: Case, world: World) -> None:
        from erp.accounts import services

        self.case = case
        self.error = ""
        self.status = 0
        self.queries = 0
        self.timings: list[float] = []
        self.first_p95: float | None = None
        self.token: Any = None
        spec = case.spec
        try:
            user = None if case.role == ANONYMOUS else world.users[case.role]
            self.url = reverse(spec.name, kwargs=spec.kwargs(world)) + (f"?{spec.query}" if spec.query else "")
        except KeyError as exc:
            self.error = f"the demo world lacks {exc}: add demo_world() to the app's urlspecs"
            return
        # Browsers accept gzip: the GZip middleware's work is part of the server time.
        client: Any = APIClient(HTTP_ACCEPT_ENCODING="gzip") if spec.api else Client(HTTP_ACCEPT_ENCODING="gzip")
        if user is not None and spec.api:
            self.token, key = services.api_token_issue(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        elif user is not None:
            client.force_login(user)
        self.client = client

    def fetch(self) -> float:
        """One request, in ms, with a streamed body read to the end; an unexpected status is recorded."""
        started = time.perf_counter()
        response = self.client.get(self.url)
        if response.streaming:
            b"".join(response.streaming_content)
        elapsed = (time.perf_counter() - started) * 1000
        self.status = response.status_code
        # An export over the background threshold answers with the redirect to its job's progress page.
        expected = {self.case.spec.status, 302} if self.case.kind == "export" else {self.case.spec.status}
        if response.status_code not in expected and not self.error:
            self.error = f"answered {response.status_code}, expected {self.case.spec.status}"
        return elapsed

    def count_queries(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            self.fetch()
        self.queries = len(queries.captured_queries)  # now: later requests clear the connection's query log

    def close(self) -> None:
        from erp.accounts import services

        if self.token is not None:
            services.api_token_revoke(token=self.token)
            self.token = None

    def result(self, budgets: Mapping[str, float]) -> Measurement:
        timings = self.timings or [0.0]
        return Measurement(
            self.case,
            self.status,
            self.queries,
            percentile(timings, 50),
            percentile(timings, 95),
            budgets.get(self.case.kind),
            self.error,
            self.first_p95,
        )


def _time_round_robin(probes: list[Probe], repeat: int, budgets: Mapping[str, float]) -> None:
    """`repeat` rounds over every probe: a burst of load on this shared machine slows every URL a little instead
    of one URL's whole sample. URLs without a budget (exports take seconds) stop after UNBUDGETED_REPEAT rounds."""
    for i in range(repeat):
        for probe in probes:
            if i < UNBUDGETED_REPEAT or probe.case.kind in budgets:
                probe.timings.append(probe.fetch())


def run(
    *,
    repeat: int = 30,
    warmup: int = 3,
    budgets: Mapping[str, float] | None = None,
    budget_only: bool = False,
    confirm: bool = True,
    specs: list[UrlSpec] | None = None,
    world: World | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Measurement]:
    """Measure every case; with `confirm`, a URL over budget is timed again once and the second sample counts
    (a real regression misses twice; a burst of noise rarely does). The table shows the first p95 too."""
    ensure_measurable()
    with background_jobs_to_the_broker():
        return _run(
            repeat=repeat,
            warmup=warmup,
            budgets=BUDGETS_MS if budgets is None else budgets,
            budget_only=budget_only,
            confirm=confirm,
            specs=specs,
            world=world,
            progress=progress,
        )


def _run(
    *,
    repeat: int,
    warmup: int,
    budgets: Mapping[str, float],
    budget_only: bool,
    confirm: bool,
    specs: list[UrlSpec] | None,
    world: World | None,
    progress: Callable[[str], None] | None,
) -> list[Measurement]:
    say = progress or (lambda message: None)
    world = world or world_from_demo()
    probes = [
        Probe(case, world) for case in cases(specs if specs is not None else collect_specs()[0], budgets, budget_only)
    ]
    live = [p for p in probes if not p.error]
    try:
        say(f"warming up {len(live)} URLs ({warmup} requests each) and counting their queries")
        for probe in live:
            for _ in range(warmup):
                probe.fetch()
            probe.count_queries()
        say(f"timing {repeat} rounds over {len(live)} URLs")
        _time_round_robin(live, repeat, budgets)
        missed = [p for p in live if p.result(budgets).missed and not p.error]
        if confirm and missed:
            say(f"timing again the {len(missed)} over budget: {', '.join(p.case.label for p in missed)}")
            for probe in missed:
                probe.first_p95 = probe.result(budgets).p95_ms
                probe.timings = []
            _time_round_robin(missed, repeat, budgets)
    finally:
        for probe in probes:
            probe.close()
    return [p.result(budgets) for p in probes]


@contextmanager
def background_jobs_to_the_broker() -> Iterator[None]:
    """Send background jobs (a large export) to the broker as production does, instead of running them inside the
    request (the test settings' eager mode): the benchmark times the request, and no worker consumes them. The
    previous mode comes back afterwards (a test that runs the benchmark shares its process with other tests)."""
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = eager


def ensure_measurable() -> None:
    """Refuse what would make the numbers meaningless: SQLite, DEBUG, profiling middleware."""
    if connection.vendor != "postgresql":
        raise RuntimeError(
            f"the benchmark runs on PostgreSQL only (this database is {connection.vendor}): "
            "use `SIZE=medium bin/benchmark`, which starts a throwaway PostgreSQL and Redis"
        )
    if settings.DEBUG:
        raise RuntimeError("DEBUG is on: measure with DJANGO_SETTINGS_MODULE=config.django.test (bin/benchmark does)")
    profilers = {"debug_toolbar", "silk"} & {a.split(".")[0] for a in settings.INSTALLED_APPS}
    if profilers:
        raise RuntimeError(f"profiling apps are installed ({', '.join(sorted(profilers))}): they distort timings")


def seed_security_events(count: int) -> int:
    """Top the security events up to `count`: a year of logins, failures, denials and exports by the demo users,
    one INSERT ... SELECT generate_series (seconds for 200,000 rows). Returns how many rows it added."""
    from erp.accounts.models import SecurityEvent, User

    missing = count - SecurityEvent.objects.count()
    if missing <= 0:
        return 0
    table, users = SecurityEvent._meta.db_table, User._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            f"""
            WITH u AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(username ORDER BY id) AS names
                       FROM {users}),
            g AS (SELECT n, random() AS r, 1 + floor(random() * (SELECT cardinality(ids) FROM u))::int AS who
                  FROM generate_series(1, %(n)s) AS n)
            INSERT INTO {table} (kind, user_id, username, ip_address, path, detail, created_at)
            SELECT CASE WHEN r < 0.45 THEN 'login' WHEN r < 0.70 THEN 'logout' WHEN r < 0.82 THEN 'login_failed'
                        WHEN r < 0.90 THEN 'permission_denied' WHEN r < 0.94 THEN 'export'
                        WHEN r < 0.97 THEN 'token_issued' WHEN r < 0.98 THEN 'token_revoked'
                        WHEN r < 0.99 THEN 'password_changed' WHEN r < 0.995 THEN 'permission_change'
                        ELSE 'lockout' END,
                   u.ids[who], u.names[who],
                   ('10.' || (who %% 250) || '.' || (n %% 250) || '.' || (1 + n %% 200))::inet,
                   CASE WHEN r < 0.82 THEN '/accounts/login/' WHEN r < 0.90 THEN '/accounts/users/'
                        ELSE '/api/v1/auth/token/' END,
                   '{{}}'::jsonb,
                   now() - interval '365 days' * (1 - n::float / %(n)s)
            FROM g CROSS JOIN u
            ORDER BY n
            """,  # noqa: S608 - the table names come from the models, every value is a parameter
            {"n": missing},
        )
        cursor.execute(f"ANALYZE {table}")
    return missing


def row_counts() -> dict[str, int]:
    """Rows of every non-empty table of the project's own models (exact counts)."""
    ours = {c.label for c in apps.get_app_configs() if c.name.startswith("erp.")}
    counts = {str(m._meta.label): m._default_manager.count() for m in apps.get_models() if m._meta.app_label in ours}
    return {label: n for label, n in counts.items() if n}


CALIBRATION_TEMPLATE = (
    "{% for row in rows %}<tr><td>{{ row.name|upper }}</td><td>{{ row.total|floatformat:2 }}</td>"
    "<td>{{ row.when|date:'Y-m-d' }}</td><td>{% if row.vip %}VIP{% else %}-{% endif %}</td></tr>{% endfor %}"
)


def calibration_ms(rounds: int = 7) -> float:
    """The median time of a fixed piece of page work: a Django template rendering 500 rows through filters.

    Two runs on different machines, or on one machine on a busy and a quiet day, compare through it: a page's p50
    divided by this number is a speed the machine does not change much. It is printed with every report."""
    from django.template import engines

    template = engines["django"].from_string(CALIBRATION_TEMPLATE)
    start = date(2026, 1, 1)
    rows = [
        {"name": f"customer {i}", "total": Decimal(i) / 7, "when": start + timedelta(days=i % 300), "vip": i % 3 == 0}
        for i in range(500)
    ]
    samples = []
    with translation.override("en"):  # the same work whatever language the command runs in
        for _ in range(rounds):
            started = time.perf_counter()
            template.render({"rows": rows})
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def machine() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({cpu_model()}), {platform.platform()}, Python {platform.python_version()}, "
        f"PostgreSQL {pg.split()[0]} (throwaway, fsync off), Redis cache and sessions; load average {load} "
        f"at the end (other jobs share this machine); calibration {calibration_ms():.1f} ms (see `calibration_ms`)"
    )


def render_table(results: list[Measurement]) -> str:
    lines = [
        "| page / endpoint | kind | as | queries | p50 ms | p95 ms | budget ms | result |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for m in results:
        budget = f"{m.budget_ms:.0f}" if m.budget_ms is not None else "—"
        verdict = f"**{m.error}**" if m.error else ("**MISS**" if m.missed else ("ok" if m.budget_ms else "—"))
        if m.first_p95_ms is not None:
            verdict += f" (timed twice: first p95 {m.first_p95_ms:.1f})"
        lines.append(
            f"| `{m.case.label}` | {m.case.kind} | {m.case.role} | {m.queries} | {m.p50_ms:.1f} | {m.p95_ms:.1f} "
            f"| {budget} | {verdict} |"
        )
    return "\n".join(lines)


def render_report(results: list[Measurement], *, size: str, repeat: int, counts: Mapping[str, int]) -> str:
    """The subsection BENCHMARKS.md keeps per data size."""
    misses = [m for m in results if m.missed]
    data = ", ".join(f"{label} {n:,}" for label, n in counts.items())
    return "\n".join(
        [
            f"### {size} data",
            "",
            f"- Date: {timezone.localdate().isoformat()}; machine: {machine()}.",
            f"- Command: `SIZE={size} bin/benchmark --repeat {repeat} --write BENCHMARKS.md` "
            f"(`manage.py benchmark --size {size} --repeat {repeat}` on `demo_data --size {size} --seed 1`).",
            f"- Rows: {data}.",
            f"- Result: {len(results)} measurements, {len(misses)} over budget"
            + (f" ({', '.join(f'`{m.case.label}` as {m.case.role}' for m in misses)})." if misses else "."),
            "",
            render_table(results),
        ]
    )


def _section(text: str, heading: str) -> re.Match[str] | None:
    return re.compile(rf"^{re.escape(heading)}\n(.*?)(?=^## |\Z)", re.M | re.S).search(text)


def write_section(path: Path, heading: str, size: str, body: str, intro: str, after: str = "") -> None:
    """Put `body` (a "### <size> data" subsection) under `heading` in the Markdown file, replacing that size's
    previous subsection and keeping the others (large first), and the section's `intro` paragraph above them.
    A missing section goes after the section headed `after` (or at the end)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    match = _section(text, heading)
    anchor = _section(text, after) if after and not match else None
    if anchor:
        text = text[: anchor.end()].rstrip("\n") + f"\n\n{heading}\n\n" + text[anchor.end() :]
        match = _section(text, heading)
    old = match.group(1) if match else ""
    subsections = {
        m.group(1): m.group(0).strip()
        for m in re.finditer(r"^### (\w+) data\n.*?(?=^### |\Z)", old, re.M | re.S)
        if m.group(1) in SIZES
    }
    subsections[size] = body.strip()
    ordered = [subsections[s] for s in SIZES if s in subsections]
    section = f"{heading}\n\n{intro.strip()}\n\n" + "\n\n".join(ordered) + "\n\n"
    before, after = (text[: match.start()], text[match.end() :]) if match else (text.rstrip("\n") + "\n\n", "")
    text = before + section + after
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


SERVER_TIME_INTRO = """\
Measured by `manage.py benchmark` (erp/core/benchmarking.py), run through `SIZE=<size> bin/benchmark`: a throwaway
PostgreSQL 15 and Redis, `migrate`, `demo_data --size <size> --seed 1`, plus a year of security events (2,000 /
20,000 / 200,000 at small / medium / large). Settings: `config.django.test` (DEBUG off, no debug toolbar or silk,
real PostgreSQL and Redis; only the password hasher is faster, which no GET page uses). Every GET URL the apps
declare for the query budget is requested in-process with Django's test client (`Accept-Encoding: gzip`; API
endpoints with a bearer token) as the first role its spec lists and, for lists, also as the most privileged role:
3 warm-up requests, one counted for queries, then `--repeat` timed rounds over all URLs in turn
(`time.perf_counter()` around the call: the whole middleware stack, view, template and gzip, no network). A URL
over budget is timed again once and the second sample counts (the table shows both); URLs without a budget are
timed at most 10 times. Budgets (performance.md §3, p95): lists and API lists ≤ 100 ms, details ≤ 50 ms, the
dashboard ≤ 50 ms from cache; forms, probes, the OpenAPI schema/docs and file exports have none. The machine is
shared with other jobs (see the load average): read medians and ratios, not single runs."""
