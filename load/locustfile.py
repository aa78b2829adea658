"""Mixed-role load scenario for Home Update ERP (performance.md §3 "Load" and "Memory"; reliability.md T5, T9).

Run it with `bin/loadtest` (throwaway PostgreSQL + Redis, demo data, gunicorn, pass/fail verdict), or by hand from
the repository root against a server that holds the demo data:

    locust -f load/locustfile.py --headless -u 50 -r 10 -t 3m --host http://127.0.0.1:8000 --csv out/load

Who does what (weights are users, tasks are weighted within each user; think time 1-3 s):
- Staff (5): salespeople and other staff on the home page, their profile and /api/v1/me/; now and then they save
  their profile unchanged (a real write through the form, the service and the database).
- Managers (3): branch, region and company managers on the users list (search, filters, sorting, page 2), a user's
  page, the branches list and the security events (each only when their permissions open it).
- API clients (3): bearer tokens from a small pool taken once at the start (the token endpoint allows 10 per minute
  per address); they page /api/v1/users/ with cursors, read users, branches and themselves, and PATCH themselves.

HTML users log in through the real form (GET for the CSRF cookie and token, POST with the token and a Referer).
Requests are named by URL pattern (`name=`), with the method in front, so the statistics group well. Like a browser,
a GET sent on a keep-alive connection that the server has just closed is retried once; writes never are.

Environment (all optional):
- LOAD_PASSWORD: the demo password (default HomeUpdate-2026).
- LOAD_GUNICORN_PID: gunicorn's master pid on this machine; when set, each worker's VmRSS is read from /proc at the
  end of the warm-up and at the end of the run, and a worker that grows more than 10 % (or is replaced) fails the
  run; the CPU used by the workers, by locust and by everything else is reported. bin/loadtest sets it.
- LOAD_THINK_TIME: "min,max" seconds each simulated person waits between two actions (default 1,3).
- LOAD_WARMUP: seconds from the last user's start to the end of the warm-up (default a third of the run, 10-30 s);
  the verdict also shows the percentiles of the requests made after it.
- LOAD_REPORT: a path where the verdict and the measured numbers are written as JSON (load/report.py turns it into
  Markdown); LOAD_COMMAND and LOAD_DATA_SIZE are copied into it.

The verdict (`@events.quitting`): exit code 1 when any request failed, p95 of GETs > 300 ms, p95 of writes
> 800 ms, p95 of the home page (the dashboard) > 500 ms, or a worker's memory grew too much (load/checks.py).
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import random
import re
import time
from http.cookiejar import Cookie
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, between, events, task
from locust.clients import HttpSession
from locust.env import Environment
from locust.runners import MasterRunner
from locust.stats import StatsEntry
from requests.cookies import RequestsCookieJar
from urllib3.util.retry import Retry

from load import checks

PASSWORD = os.environ.get("LOAD_PASSWORD", "HomeUpdate-2026")
# Seconds a simulated person waits between two actions (uniformly random): "min,max".
THINK_MIN, THINK_MAX = (float(v) for v in os.environ.get("LOAD_THINK_TIME", "1,3").split(","))
LOOPBACK_DOMAINS = {"127.0.0.1", "localhost", "localhost.local", "::1", "[::1]"}

# API clients: one token per account, taken once per run. These demo accounts exist at every data size.
API_ACCOUNTS = [
    "admin",
    "sales_manager",
    "region_manager",
    "branch_manager",
    "branch_manager_giz",
    "branch_manager_alx",
]
# Browser users: filled at the start from the API with every active demo account (the demo data makes a few
# inactive); several simulated users may share one account, each with its own session.
MANAGER_ROLES = {"system_admin", "sales_manager", "region_manager", "branch_manager"}
STAFF: list[str] = []
MANAGERS: list[str] = []

SEARCH_TERMS = ["sales", "staff0", "manager", "محمد", "أحمد", "010", "giz", "a"]
ROLE_KEYS = ["salesperson", "branch_manager", "warehouse_staff", "user", "factory_receiver"]
USER_ORDERINGS = ["username", "-username", "first_name", "-first_name", "-last_seen", "branch__code"]
EVENT_KINDS = ["login", "login_failed", "export"]
PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "preferred_language")

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
USER_LINK = re.compile(r'href="/accounts/users/(\d+)/"')
BEFORE_LINK = re.compile(r"[?&]before=(\d+)")


class LoopbackCookieJar(RequestsCookieJar):
    """A cookie jar that keeps loopback cookies without their `Secure` flag.

    Production settings mark the session, CSRF and language cookies Secure, and `requests` (like a browser talking to
    a remote host) withholds Secure cookies from http:// URLs, so every logged-in request would be anonymous.
    Browsers treat http://127.0.0.1 and http://localhost as secure contexts and do send them there. A cookie policy
    cannot say so here (requests merges the session's cookies into a fresh jar with the default policy for every
    request), so the flag is dropped when a loopback cookie is stored. Other hosts keep it.
    """

    def set_cookie(self, cookie: Cookie, *args: Any, **kwargs: Any) -> Any:
        if cookie.secure and cookie.domain.lstrip(".") in LOOPBACK_DOMAINS:
            cookie = copy.copy(cookie)
            cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


_turns = itertools.count()


def browser_like(session: HttpSession) -> None:
    """Retry a GET once when a reused keep-alive connection turns out closed, as browsers do.

    gunicorn closes a connection idle for `keepalive` seconds; a request sent on it at that moment is reset by the
    peer. A browser silently retries an idempotent request on a fresh connection then; without the retry, a starved
    load generator reports the race as a failed request. Writes are never retried.
    """
    retry = Retry(total=1, connect=1, read=1, status=0, other=0, allowed_methods=frozenset({"GET", "HEAD"}))
    for adapter in session.adapters.values():
        adapter.max_retries = retry  # type: ignore[attr-defined]


def _outcome(response: Any) -> str:
    """The status code, or the connection error when there was no answer."""
    error = getattr(response, "error", None)
    return f"{response.status_code}" if response.status_code or error is None else f"no answer ({error!r})"


def next_account(pool: list[str]) -> str:
    if not pool:
        raise RuntimeError("no demo account to log in with: see the failed setup requests")
    return pool[next(_turns) % len(pool)]


# ---------------------------------------------------------------------------------------------------------------
# Users


class BrowserUser(HttpUser):
    """A person in a browser: logs in through the form, then keeps the session (cookies) for every request."""

    abstract = True
    wait_time = between(THINK_MIN, THINK_MAX)
    username = ""
    me: dict[str, Any]

    def next_account(self) -> str:
        raise NotImplementedError

    def on_start(self) -> None:
        self.client.cookies = LoopbackCookieJar()
        browser_like(self.client)
        self.username = self.next_account()
        self.me = {}
        self.log_in()
        self.load_me()

    def log_in(self) -> None:
        page = self.client.get("/accounts/login/", name="GET /accounts/login/")
        match = CSRF_INPUT.search(page.text)
        if match is None:
            return  # the GET itself failed and is counted; the session stays anonymous
        with self.client.post(
            "/accounts/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1), "next": ""},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="POST /accounts/login/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/accounts/login/" in response.headers.get("Location", ""):
                response.failure(f"login as {self.username} answered {_outcome(response)}")

    def load_me(self) -> None:
        with self.client.get("/api/v1/me/", name="GET /api/v1/me/", catch_response=True) as response:
            if response.status_code == 200:
                self.me = response.json()
            else:
                response.failure(f"/api/v1/me/ as {self.username} answered {_outcome(response)}")

    def can(self, perm: str) -> bool:
        return perm in self.me.get("permissions", ())

    def get_page(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"{path} as {self.username} answered {_outcome(response)} at {response.url}")
            return str(response.text)

    @task(1)
    def save_profile(self) -> None:
        """Open the profile and save it unchanged: the write every role may do."""
        html = self.get_page("/accounts/profile/", "GET /accounts/profile/")
        match = CSRF_INPUT.search(html)
        if match is None or not self.me:
            return
        data = {key: self.me.get(key) or "" for key in PROFILE_FIELDS}
        data["csrfmiddlewaretoken"] = match.group(1)
        with self.client.post(
            "/accounts/profile/",
            data=data,
            headers={"Referer": f"{self.host}/accounts/profile/"},
            name="POST /accounts/profile/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"profile save as {self.username} answered {_outcome(response)}")


class StaffUser(BrowserUser):
    weight = 5

    def next_account(self) -> str:
        return next_account(STAFF)

    @task(6)
    def home(self) -> None:
        self.get_page("/", "GET /")

    @task(3)
    def profile(self) -> None:
        self.get_page("/accounts/profile/", "GET /accounts/profile/")

    @task(3)
    def me_api(self) -> None:
        self.client.get("/api/v1/me/", name="GET /api/v1/me/")

    @task(3)
    def sales_pages(self) -> None:
        """The lists a salesperson lives in, for those who may open them."""
        pages = [
            ("orders.view_orders", "/orders/", "GET /orders/"),
            ("customers.view_customers", "/customers/", "GET /customers/"),
            ("customers.view_customers", "/customers/?search=محمد", "GET /customers/?search=[term]"),
            ("inventory.view_stock", "/inventory/products/", "GET /inventory/products/"),
        ]
        allowed = [(path, name) for perm, path, name in pages if self.can(perm)]
        if allowed:
            self.get_page(*random.choice(allowed))


class ManagerUser(BrowserUser):
    weight = 3

    def on_start(self) -> None:
        super().on_start()
        self.user_ids: list[str] = []
        self.branch_ids: list[int] = []
        response = self.client.get("/api/v1/branches/", name="GET /api/v1/branches/")
        if response.status_code == 200:
            self.branch_ids = [b["id"] for b in response.json().get("results", [])]

    def next_account(self) -> str:
        return next_account(MANAGERS)

    def users_page(self, query: str, name: str) -> None:
        html = self.get_page(f"/accounts/users/{query}", name)
        ids = USER_LINK.findall(html)
        if ids:
            self.user_ids = ids

    @task(3)
    def home(self) -> None:
        self.get_page("/", "GET /")

    @task(4)
    def users(self) -> None:
        if self.can("accounts.manage_users"):
            self.users_page("", "GET /accounts/users/")

    @task(2)
    def users_search(self) -> None:
        if self.can("accounts.manage_users"):
            term = random.choice(SEARCH_TERMS)
            self.users_page(f"?search={term}", "GET /accounts/users/?search=[term]")

    @task(2)
    def users_filter(self) -> None:
        if not self.can("accounts.manage_users"):
            return
        params = [f"role={random.choice(ROLE_KEYS)}", f"is_active={random.choice(['true', 'false'])}"]
        if self.branch_ids:
            params.append(f"branch={random.choice(self.branch_ids)}")
        query = "&".join(random.sample(params, k=random.randint(1, len(params))))
        self.users_page(f"?{query}", "GET /accounts/users/?[filters]")

    @task(2)
    def users_sorted(self) -> None:
        if self.can("accounts.manage_users"):
            self.users_page(f"?ordering={random.choice(USER_ORDERINGS)}", "GET /accounts/users/?ordering=[key]")

    @task(2)
    def users_page_two(self) -> None:
        if self.can("accounts.manage_users"):
            self.users_page("?page=2", "GET /accounts/users/?page=2")

    @task(2)
    def user_detail(self) -> None:
        if self.user_ids:
            self.get_page(f"/accounts/users/{random.choice(self.user_ids)}/", "GET /accounts/users/[id]/")

    @task(2)
    def branches(self) -> None:
        if self.can("accounts.manage_branches"):
            self.get_page("/accounts/branches/", "GET /accounts/branches/")

    @task(2)
    def security_events(self) -> None:
        if not self.can("accounts.view_security_events"):
            return
        html = self.get_page("/accounts/security-events/", "GET /accounts/security-events/")
        older = BEFORE_LINK.search(html)
        if older and random.random() < 0.5:
            self.get_page(
                f"/accounts/security-events/?before={older.group(1)}", "GET /accounts/security-events/?before=[id]"
            )
        elif random.random() < 0.3:
            self.get_page(
                f"/accounts/security-events/?kind={random.choice(EVENT_KINDS)}",
                "GET /accounts/security-events/?kind=[kind]",
            )


# ---------------------------------------------------------------------------------------------------------------
# API clients and their token pool


TOKENS: list[tuple[str, str]] = []  # (username, token), filled once per run by `set_up`
_token_turn = itertools.count()


def set_up(environment: Environment) -> None:
    """Once per run: a token per API account (the endpoint allows 10 a minute per address), then the accounts
    the browser users log in with: every active demo user, managers apart."""
    if TOKENS or environment.host is None:
        return
    session = HttpSession(base_url=environment.host, request_event=environment.events.request, user=None)
    for username in API_ACCOUNTS:
        with session.post(
            "/api/v1/auth/token/",
            json={"username": username, "password": PASSWORD},
            name="POST /api/v1/auth/token/",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                TOKENS.append((username, response.json()["token"]))
            else:
                response.failure(f"token for {username} answered {_outcome(response)}")
    admin = dict(TOKENS).get("admin")
    if admin is None:
        return
    url: str | None = "/api/v1/users/?is_active=true&page_size=100"
    while url:
        response = session.get(url, headers={"Authorization": f"Bearer {admin}"}, name="GET /api/v1/users/ (set-up)")
        if response.status_code != 200:
            break
        body = response.json()
        for user in body["results"]:
            managing = {role["key"] for role in user["roles"]} & MANAGER_ROLES
            (MANAGERS if managing or user["username"] == "admin" else STAFF).append(user["username"])
        url = body.get("next")
    random.Random(1).shuffle(STAFF)  # a fixed mix of roles and branches, whatever the number of users


class ApiClient(HttpUser):
    weight = 3
    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self) -> None:
        self.user_ids: list[int] = []
        self.me: dict[str, Any] = {}
        if not TOKENS:
            raise RuntimeError("no API token: see the failed POST /api/v1/auth/token/ requests")
        self.username, token = TOKENS[next(_token_turn) % len(TOKENS)]
        browser_like(self.client)
        self.client.headers["Authorization"] = f"Bearer {token}"
        self.me_api()

    @task(3)
    def me_api(self) -> None:
        response = self.client.get("/api/v1/me/", name="GET /api/v1/me/")
        if response.status_code == 200:
            self.me = response.json()

    @task(5)
    def users_paged(self) -> None:
        """The first page of users, then follow the cursor for up to three more pages."""
        url: str | None = "/api/v1/users/"
        name = "GET /api/v1/users/"
        for _ in range(random.randint(1, 4)):
            if url is None:
                break
            response = self.client.get(url, name=name)
            if response.status_code != 200:
                break
            body = response.json()
            self.user_ids = [u["id"] for u in body.get("results", [])] or self.user_ids
            url = body.get("next")
            name = "GET /api/v1/users/?cursor=[c]"

    @task(2)
    def users_search(self) -> None:
        self.client.get(f"/api/v1/users/?search={random.choice(SEARCH_TERMS)}", name="GET /api/v1/users/?search=[term]")

    @task(2)
    def user_detail(self) -> None:
        if self.user_ids:
            self.client.get(f"/api/v1/users/{random.choice(self.user_ids)}/", name="GET /api/v1/users/[id]/")

    @task(2)
    def branches(self) -> None:
        self.client.get("/api/v1/branches/", name="GET /api/v1/branches/")

    @task(1)
    def patch_self(self) -> None:
        """Save one's own first name unchanged through the API: a write every role may do."""
        if self.me:
            self.client.patch(
                f"/api/v1/users/{self.me['id']}/",
                json={"first_name": self.me["first_name"]},
                name="PATCH /api/v1/users/[id]/",
            )


class SalesApiClient(HttpUser):
    """The sales floor through the API (a branch manager's token: they place orders too): customers and stock
    lookups, order lists and details, new customers (a welcome WhatsApp through the outbox) and products orders
    (stock out at sale, a notification and an "order created" WhatsApp through the outbox), each POST with an
    Idempotency-Key."""

    weight = 3
    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self) -> None:
        sellers = [(u, t) for u, t in TOKENS if u.startswith("branch_manager")]
        if not sellers:
            raise RuntimeError("no branch manager token: see the failed POST /api/v1/auth/token/ requests")
        self.username, token = sellers[next(_token_turn) % len(sellers)]
        browser_like(self.client)
        self.client.headers["Authorization"] = f"Bearer {token}"
        self.customers: list[int] = []
        self.orders: list[int] = []
        self.stock: list[tuple[int, int]] = []  # (variant, warehouse) with enough stock
        self.customer_types: list[int] = []
        self.refresh()

    def refresh(self) -> None:
        response = self.client.get("/api/v1/customers/?status=active&page_size=50", name="GET /api/v1/customers/")
        if response.status_code == 200:
            self.customers = [c["id"] for c in response.json()["results"]] or self.customers
        response = self.client.get("/api/v1/stock/?page_size=100", name="GET /api/v1/stock/")
        if response.status_code == 200:
            self.stock = [
                (b["variant_id"], b["warehouse_id"]) for b in response.json()["results"] if float(b["quantity"]) >= 5
            ] or self.stock
        response = self.client.get("/api/v1/customer-types/", name="GET /api/v1/customer-types/")
        if response.status_code == 200:
            body = response.json()
            rows = body["results"] if isinstance(body, dict) else body
            self.customer_types = [t["id"] for t in rows]

    @task(4)
    def orders_list(self) -> None:
        response = self.client.get("/api/v1/orders/", name="GET /api/v1/orders/")
        if response.status_code == 200:
            self.orders = [o["id"] for o in response.json()["results"]] or self.orders

    @task(3)
    def order_detail(self) -> None:
        if self.orders:
            self.client.get(f"/api/v1/orders/{random.choice(self.orders)}/", name="GET /api/v1/orders/[id]/")

    @task(3)
    def customers_search(self) -> None:
        self.client.get(
            f"/api/v1/customers/?search={random.choice(['محمد', 'أحمد', '010', 'CAI', 'علي'])}",
            name="GET /api/v1/customers/?search=[term]",
        )

    @task(2)
    def place_order(self) -> None:
        if not self.customers or not self.stock:
            self.refresh()
            return
        lines = random.sample(self.stock, k=min(len(self.stock), random.randint(1, 2)))
        body = {
            "customer": random.choice(self.customers),
            "order_type": "products",
            "invoice_numbers": [f"L{random.randrange(10**9):09d}"],
            "items": [{"variant": v, "warehouse": w, "quantity": "1.00"} for v, w in lines],
            "waive_down_payment": True,
        }
        with self.client.post(
            "/api/v1/orders/",
            json=body,
            headers={"Idempotency-Key": f"load-{random.getrandbits(64):016x}"},
            name="POST /api/v1/orders/",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                self.orders.append(response.json()["id"])
            elif response.status_code == 400:  # stock ran out or the customer was blocked meanwhile: not a failure
                response.success()
                self.refresh()
            else:
                response.failure(f"placing an order as {self.username} answered {_outcome(response)}")

    @task(1)
    def create_customer(self) -> None:
        if not self.customer_types:
            return
        body = {
            "name": f"عميل تجربة {random.randrange(10**6)}",
            "customer_type": random.choice(self.customer_types),
            "phone": f"010{random.randrange(10**8):08d}",
        }
        with self.client.post(
            "/api/v1/customers/",
            json=body,
            headers={"Idempotency-Key": f"load-{random.getrandbits(64):016x}"},
            name="POST /api/v1/customers/",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                self.customers.append(response.json()["id"])
            elif response.status_code == 400 and "phone" in response.text:  # a random phone already taken
                response.success()
            else:
                response.failure(f"creating a customer as {self.username} answered {_outcome(response)}")


# ---------------------------------------------------------------------------------------------------------------
# Server probe and verdict


class ServerProbe:
    """gunicorn's workers read from /proc: VmRSS at the start (cold), after the warm-up (the baseline) and at the end;
    their CPU time, and the machine's, over the whole run (this machine is shared: the numbers say how much)."""

    def __init__(self, master_pid: int) -> None:
        self.master_pid = master_pid
        self.cold: dict[int, int] = {}
        self.baseline: dict[int, int] = {}
        self.end: dict[int, int | None] = {}
        self.baseline_requests = 0
        self.cpu_start: dict[int, float] = {}
        self.cpu_end: dict[int, float] = {}
        self.machine_start = self.machine_end = (0.0, 0.0)
        self.pressure_start: int | None = None
        self.pressure_end: int | None = None
        self.own_cpu_start = self.own_cpu_end = 0.0

    def start(self) -> None:
        self.cold = checks.worker_rss(self.master_pid)
        self.cpu_start = {pid: cpu for pid in self.cold if (cpu := checks.cpu_seconds(pid)) is not None}
        self.machine_start = checks.machine_cpu()
        self.pressure_start = checks.cpu_pressure_us()
        self.own_cpu_start = checks.cpu_seconds(os.getpid()) or 0.0

    def take_baseline(self, environment: Environment) -> None:
        self.baseline = checks.worker_rss(self.master_pid)
        self.baseline_requests = environment.stats.total.num_requests

    def finish(self, environment: Environment) -> int:
        """Reads the end values; returns the requests made since the baseline."""
        if not self.baseline:  # the run ended before the warm-up did: compare with the cold values
            self.baseline, self.baseline_requests = self.cold, 0
        self.end = {pid: checks.rss_kib(pid) for pid in self.baseline}
        self.cpu_end = {pid: cpu for pid in self.cpu_start if (cpu := checks.cpu_seconds(pid)) is not None}
        self.machine_end = checks.machine_cpu()
        self.pressure_end = checks.cpu_pressure_us()
        self.own_cpu_end = checks.cpu_seconds(os.getpid()) or 0.0
        return environment.stats.total.num_requests - self.baseline_requests

    def cpu_summary(self, requests: int) -> dict[str, float | None]:
        wall = self.machine_end[1] - self.machine_start[1]  # CPU-seconds available on every core together
        cores = os.cpu_count() or 1
        elapsed = wall / cores if wall else 0.0
        workers = sum(self.cpu_end[pid] - self.cpu_start[pid] for pid in self.cpu_end)
        busy = self.machine_end[0] - self.machine_start[0]
        own = self.own_cpu_end - self.own_cpu_start
        pressure = None
        if self.pressure_start is not None and self.pressure_end is not None and elapsed:
            pressure = (self.pressure_end - self.pressure_start) / 1e6 / elapsed
        return {
            "elapsed_s": round(elapsed, 1),
            "cores": cores,
            "workers_cpu_s": round(workers, 1),
            "workers_cpu_ms_per_request": round(workers * 1000 / requests, 1) if requests else None,
            "locust_cpu_s": round(own, 1),
            "machine_busy_share": round(busy / wall, 3) if wall else None,
            "other_cpu_s": round(busy - workers - own, 1),
            "cpu_pressure_share": None if pressure is None else round(pressure, 3),
        }


PROBE: ServerProbe | None = None


def warmup_seconds(environment: Environment) -> float:
    """Seconds from the last user's start to the end of the warm-up (LOAD_WARMUP overrides)."""
    if "LOAD_WARMUP" in os.environ:
        return float(os.environ["LOAD_WARMUP"])
    run_time = getattr(environment.parsed_options, "run_time", None) or 120
    return float(min(30, max(10, run_time / 3)))


@events.test_start.add_listener
def on_test_start(environment: Environment, **kwargs: Any) -> None:
    global PROBE
    if isinstance(environment.runner, MasterRunner):
        return  # workers set up and run users; the master only adds up
    master = os.environ.get("LOAD_GUNICORN_PID")
    if master:
        PROBE = ServerProbe(int(master))
        PROBE.start()
    set_up(environment)


_environment: Environment | None = None


@events.init.add_listener
def on_init(environment: Environment, **kwargs: Any) -> None:
    global _environment
    _environment = environment


class SteadyState:
    """Response times of the requests made after the warm-up (every user started and logged in, caches filled):
    printed next to the whole run's, so that a slow start (logins) and a slow steady state can be told apart.
    The budgets apply to the whole run."""

    def __init__(self) -> None:
        self.started = False
        self.gets: StatsEntry | None = None
        self.writes: StatsEntry | None = None

    def start(self, environment: Environment) -> None:
        self.gets = StatsEntry(environment.stats, "GETs after warm-up", "", use_response_times_cache=False)
        self.writes = StatsEntry(environment.stats, "writes after warm-up", "", use_response_times_cache=False)
        self.started = True
        if PROBE is not None and not PROBE.baseline:
            PROBE.take_baseline(environment)

    def log(self, method: str, response_time: float, response_length: int, failed: bool) -> None:
        entry = self.writes if checks.is_write(method) else self.gets
        if entry is not None:
            entry.log(round(response_time), response_length)
            if failed:
                entry.log_error(None)


STEADY = SteadyState()


@events.spawning_complete.add_listener
def on_spawning_complete(user_count: int, **kwargs: Any) -> None:
    """The warm-up ends (and the memory baseline is taken) a while after the last user has started."""
    if _environment is not None and not STEADY.started:
        gevent.spawn_later(warmup_seconds(_environment), STEADY.start, _environment)


@events.request.add_listener
def on_request(
    request_type: str, response_time: float, response_length: int, exception: Any = None, **kwargs: Any
) -> None:
    if STEADY.started:
        STEADY.log(request_type, response_time, response_length or 0, exception is not None)


def _merged(environment: Environment, *, writes: bool) -> StatsEntry:
    merged = StatsEntry(environment.stats, "writes" if writes else "GETs", "", use_response_times_cache=False)
    for entry in environment.stats.entries.values():
        if checks.is_write(entry.method) == writes:
            merged.extend(entry)
    return merged


def _percentile(entry: StatsEntry, q: float) -> float | None:
    return float(entry.get_response_time_percentile(q)) if entry.num_requests else None


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} ms"


def _summary(entry: StatsEntry) -> dict[str, Any]:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "p50_ms": _percentile(entry, 0.5),
        "p95_ms": _percentile(entry, 0.95),
        "p99_ms": _percentile(entry, 0.99),
        "rps": round(entry.total_rps, 2),
    }


@events.quitting.add_listener
def on_quitting(environment: Environment, **kwargs: Any) -> None:
    stats = environment.stats
    total = stats.total
    gets, writes = _merged(environment, writes=False), _merged(environment, writes=True)
    measurement = checks.Measurement(
        requests=total.num_requests,
        failures=total.num_failures,
        get_p95_ms=_percentile(gets, 0.95),
        write_p95_ms=_percentile(writes, 0.95),
        group_p95_ms={e.name: p for e in stats.entries.values() if (p := _percentile(e, 0.95)) is not None},
    )
    rss_requests = 0
    cpu: dict[str, float | None] = {}
    if PROBE is not None:
        rss_requests = PROBE.finish(environment)
        cpu = PROBE.cpu_summary(total.num_requests)
        measurement.memory_checked = True
        measurement.rss_baseline_kib = PROBE.baseline
        measurement.rss_end_kib = PROBE.end
    outage = bool(os.environ.get("LOAD_OUTAGE"))
    if outage:  # Redis was stopped for part of the run: only failed requests count (reliability T5)
        measurement.memory_checked = False
    problems = checks.evaluate(measurement, checks.OUTAGE_BUDGETS if outage else checks.BUDGETS)

    lines = [
        "",
        "==> Load test verdict",
        f"  requests {total.num_requests}, failures {total.num_failures}, {total.total_rps:.1f} req/s",
    ]
    rows: list[tuple[str, StatsEntry, float | None]] = [
        ("GETs", gets, checks.BUDGETS.get_p95_ms),
        ("writes", writes, checks.BUDGETS.write_p95_ms),
    ]
    if STEADY.gets is not None and STEADY.writes is not None:
        rows += [("  after warm-up: GETs", STEADY.gets, None), ("  after warm-up: writes", STEADY.writes, None)]
    for label, entry, budget in rows:
        lines.append(
            f"  {label:<23} {entry.num_requests:>7}  p50 {_ms(_percentile(entry, 0.5)):>7}"
            f"  p95 {_ms(_percentile(entry, 0.95)):>7}  p99 {_ms(_percentile(entry, 0.99)):>7}"
            + (f"  (budget p95 {budget:.0f} ms)" if budget else "  (for diagnosis: budgets apply to the whole run)")
        )
    if PROBE is not None:
        lines.append(
            f"  gunicorn workers (master {PROBE.master_pid}), VmRSS at start → warm baseline → end, "
            f"{rss_requests} requests from the baseline to the end:"
        )
        for pid, base in sorted(PROBE.baseline.items()):
            end, cold = PROBE.end.get(pid), PROBE.cold.get(pid)
            growth = "gone" if end is None else f"{checks.rss_growth(base, end):+.1%}"
            lines.append(f"    pid {pid}: {cold or '-'} → {base} → {end or '-'} KiB ({growth})")
        busy, pressure = cpu["machine_busy_share"], cpu["cpu_pressure_share"]
        lines.append(
            f"  CPU over {cpu['elapsed_s']} s on {cpu['cores']} cores: gunicorn workers {cpu['workers_cpu_s']} s "
            f"({cpu['workers_cpu_ms_per_request']} ms per request), locust {cpu['locust_cpu_s']} s, "
            f"PostgreSQL + Redis + other processes {cpu['other_cpu_s']} s; machine busy "
            f"{'-' if busy is None else f'{busy:.0%}'}, tasks waiting for a CPU "
            f"{'-' if pressure is None else f'{pressure:.0%}'} of the time"
        )
    else:
        lines.append("  server not probed (LOAD_GUNICORN_PID not set): no memory check")
    lines.extend(f"  FAIL: {p}" for p in problems)
    lines.append("  PASS" if not problems else f"  FAILED: {len(problems)} rule(s) broken")
    print("\n".join(lines))  # noqa: T201 - the verdict is the command's output

    report_path = os.environ.get("LOAD_REPORT")
    if report_path:
        options = environment.parsed_options
        report = {
            "run": {
                "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "command": os.environ.get("LOAD_COMMAND", "locust -f load/locustfile.py"),
                "size": os.environ.get("LOAD_DATA_SIZE", "?"),
                "cpu_model": checks.cpu_model(),
                "users": getattr(options, "num_users", None),
                "spawn_rate": getattr(options, "spawn_rate", None),
                "run_time_s": getattr(options, "run_time", None),
                "think_time": f"{THINK_MIN:g}–{THINK_MAX:g}",
            },
            "passed": not problems,
            "problems": problems,
            "requests": total.num_requests,
            "failures": total.num_failures,
            "rps": round(total.total_rps, 1),
            "get": _summary(gets),
            "write": _summary(writes),
            "after_warmup": None
            if STEADY.gets is None or STEADY.writes is None
            else {"get": _summary(STEADY.gets), "write": _summary(STEADY.writes)},
            "groups": [{"name": e.name, **_summary(e)} for e in sorted(stats.entries.values(), key=lambda e: e.name)],
            "cpu": cpu or None,
            "memory": None
            if PROBE is None
            else {
                "requests_since_baseline": rss_requests,
                "workers": [
                    {"pid": pid, "start_kib": PROBE.cold.get(pid), "baseline_kib": base, "end_kib": PROBE.end.get(pid)}
                    for pid, base in sorted(PROBE.baseline.items())
                ],
            },
        }
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        Path(report_path).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    environment.process_exit_code = 1 if problems else 0
