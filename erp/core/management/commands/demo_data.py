import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from erp.core.demodata import DEMO_PASSWORD, SIZES, DemoContext
from erp.core.discovery import app_modules


class Command(BaseCommand):
    help = "Generate realistic demo data (Arabic names, Egyptian phones, every role) at a given size."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, size: str, seed: int, **options: Any) -> None:
        ctx = DemoContext(size=size, rng=random.Random(seed), stdout=self.stdout, volumes=dict(SIZES[size]))  # noqa: S311
        _no_statement_timeout()
        started, cpu_started = time.monotonic(), time.process_time()
        backend_started = _backend_cpu()
        for module in app_modules("demo"):
            if not hasattr(module, "generate"):
                raise CommandError(f"{module.__name__} has no generate(ctx)")
            module.generate(ctx)
        _analyze()
        cpu = f"generator CPU {time.process_time() - cpu_started:.1f} s"
        backend = _backend_cpu()
        if backend is not None and backend_started is not None:
            cpu += f", database backend CPU {backend - backend_started:.1f} s"
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ({size}, seed {seed}) ready in {time.monotonic() - started:.1f} s ({cpu}).")
        )
        if ctx.logins:
            self.stdout.write("")
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
            width = max(len(u) for u, _, _ in ctx.logins)
            for username, role, branch in ctx.logins:
                self.stdout.write(f"  {username.ljust(width)}  {role} · {branch}")


def _backend_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend, when it runs on this machine (/proc readable): with
    the generator's own CPU time, what the run costs on a quiet machine, whatever the load was."""
    import os

    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, TypeError):
        return None


def _analyze() -> None:
    """Give the planner statistics for every table, as autovacuum would have in a running system. The bulk-loaded
    tables have theirs already; small ones filled through the services (curtain rooms, complaint types) had none
    after a large run, so the benchmark and the query-plan checks planned them on guesses."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _no_statement_timeout() -> None:
    """Index builds and COPYs of a million rows outlast the web requests' statement timeout: this command's own
    session has none."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
