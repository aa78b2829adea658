"""The load test's pass/fail rules and the /proc readings they need.

Kept free of locust imports (locust monkey-patches the standard library with gevent on import), so that
`erp/core/tests/test_loadtest_config.py` can test the rules with plain pytest.

Budgets (docs: performance.md §3 "Load" and "Memory", reliability.md T9):
- no failed request at all;
- p95 of every GET together ≤ 300 ms, p95 of every write (POST, PATCH, PUT, DELETE) together ≤ 800 ms;
- p95 of the dashboard (the home page, until a real dashboard exists) ≤ 500 ms;
- each gunicorn worker's resident memory grows < 10 % between the warm baseline and the end of the run, and no
  worker is replaced during the run (a replaced worker is a crash, a timeout kill or recycling, and hides leaks).
"""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
READ_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class Budgets:
    max_fail_ratio: float = 0.0
    get_p95_ms: float = 300.0
    write_p95_ms: float = 800.0
    group_p95_ms: Mapping[str, float] = field(default_factory=lambda: {"GET /": 500.0})
    max_rss_growth: float = 0.10


BUDGETS = Budgets()
# While Redis is stopped (bin/loadtest --redis-outage) requests wait on cache and broker timeouts: the rule is that
# none fails, not how fast they are.
OUTAGE_BUDGETS = Budgets(get_p95_ms=float("inf"), write_p95_ms=float("inf"), group_p95_ms={})


@dataclass
class Measurement:
    """What one run measured; `rss_*` map a gunicorn worker pid to its VmRSS in KiB (None: the process is gone)."""

    requests: int
    failures: int
    get_p95_ms: float | None = None
    write_p95_ms: float | None = None
    group_p95_ms: dict[str, float] = field(default_factory=dict)
    rss_baseline_kib: dict[int, int] = field(default_factory=dict)
    rss_end_kib: dict[int, int | None] = field(default_factory=dict)
    memory_checked: bool = False

    @property
    def fail_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


def is_write(method: str) -> bool:
    return method.upper() not in READ_METHODS


def rss_growth(baseline_kib: int, end_kib: int) -> float:
    """Relative growth: 0.05 means +5 %."""
    return (end_kib - baseline_kib) / baseline_kib if baseline_kib else 0.0


def evaluate(m: Measurement, budgets: Budgets = BUDGETS) -> list[str]:
    """Every broken rule, as a sentence; an empty list is a pass."""
    problems: list[str] = []
    if m.requests == 0:
        problems.append("no request was made")
    if m.fail_ratio > budgets.max_fail_ratio:
        problems.append(f"{m.failures} of {m.requests} requests failed (fail ratio {m.fail_ratio:.2%})")
    if m.get_p95_ms is not None and m.get_p95_ms > budgets.get_p95_ms:
        problems.append(f"p95 of GETs is {m.get_p95_ms:.0f} ms (budget {budgets.get_p95_ms:.0f} ms)")
    if m.write_p95_ms is not None and m.write_p95_ms > budgets.write_p95_ms:
        problems.append(f"p95 of writes is {m.write_p95_ms:.0f} ms (budget {budgets.write_p95_ms:.0f} ms)")
    for name, limit in budgets.group_p95_ms.items():
        value = m.group_p95_ms.get(name)
        if value is not None and value > limit:
            problems.append(f"p95 of {name} is {value:.0f} ms (budget {limit:.0f} ms)")
    if m.memory_checked:
        if not m.rss_baseline_kib:
            problems.append("no gunicorn worker was found to measure memory")
        for pid, base in sorted(m.rss_baseline_kib.items()):
            end = m.rss_end_kib.get(pid)
            if end is None:
                problems.append(f"gunicorn worker {pid} was replaced during the run (crash, timeout or recycling)")
                continue
            growth = rss_growth(base, end)
            if growth > budgets.max_rss_growth:
                problems.append(
                    f"gunicorn worker {pid} grew {growth:.1%} ({base} → {end} KiB; budget {budgets.max_rss_growth:.0%})"
                )
    return problems


# ---------------------------------------------------------------------------------------------------------------
# /proc


def parent_pid(pid: int, proc: Path = PROC) -> int | None:
    try:
        stat = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
    return int(stat.rsplit(")", 1)[1].split()[1])


def child_pids(master_pid: int, proc: Path = PROC) -> list[int]:
    """The processes whose parent is `master_pid` (gunicorn's workers, when it is gunicorn's master)."""
    return sorted(
        int(entry.name)
        for entry in proc.iterdir()
        if entry.name.isdigit() and parent_pid(int(entry.name), proc) == master_pid
    )


def rss_kib(pid: int, proc: Path = PROC) -> int | None:
    """VmRSS of a process in KiB, or None when it has gone."""
    try:
        text = (proc / str(pid) / "status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


def worker_rss(master_pid: int, proc: Path = PROC) -> dict[int, int]:
    """VmRSS in KiB of each live child of `master_pid`."""
    found = {pid: rss_kib(pid, proc) for pid in child_pids(master_pid, proc)}
    return {pid: kib for pid, kib in found.items() if kib is not None}


def cpu_seconds(pid: int, proc: Path = PROC) -> float | None:
    """User + system CPU time a process has used, in seconds, or None when it has gone."""
    try:
        stat = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    # After the comm: state(0) ppid(1) ... utime(11) stime(12), in clock ticks.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_cpu(proc: Path = PROC) -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, summed over every core."""
    values = [int(v) for v in (proc / "stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user time
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


def cpu_model(proc: Path = PROC) -> str:
    """The processor's name as the kernel reports it: "2 cores" ran 3-5× apart between sessions, so every report
    names the processor it ran on."""
    try:
        for line in (proc / "cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_pressure_us(proc: Path = PROC) -> int | None:
    """Total microseconds during which some runnable task waited for a CPU (Linux PSI), or None if unavailable."""
    try:
        first = (proc / "pressure" / "cpu").read_text().splitlines()[0]
    except (OSError, IndexError):
        return None
    return int(first.rsplit("total=", 1)[1])
