"""Markdown for BENCHMARKS.md from a load-test report: `python load/report.py out/load_report.json`.

bin/loadtest writes out/load_report.json (via load/locustfile.py) and runs this to write out/load_report.md, a block
to paste under "## Load test" in BENCHMARKS.md.
"""

import json
import sys
from pathlib import Path
from typing import Any


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _row(name: str, s: dict[str, Any]) -> str:
    return (
        f"| {name} | {s['requests']:,} | {s['failures']} | {_ms(s['p50_ms'])} | {_ms(s['p95_ms'])} "
        f"| {_ms(s['p99_ms'])} | {s['rps']:.2f} |"
    )


def render(report: dict[str, Any]) -> str:
    run = report.get("run") or {}
    cpu = report.get("cpu") or {}
    memory = report.get("memory")
    verdict = "PASS" if report["passed"] else "FAIL: " + "; ".join(report["problems"])
    lines = [
        f"- Date: {run.get('date', '?')}; machine: 2 cores ({run.get('cpu_model', '?')}), shared with other jobs; "
        f"data: `{run.get('size', '?')}`.",
        f"- Command: `{run.get('command', '?')}` ({run.get('users', '?')} users, +{run.get('spawn_rate', '?')}/s, "
        f"{run.get('run_time_s', '?')} s, think time {run.get('think_time', '?')} s).",
        f"- Requests {report['requests']:,}, failures {report['failures']}, {report['rps']} req/s. Verdict: {verdict}.",
    ]
    if cpu:
        busy, pressure = cpu.get("machine_busy_share"), cpu.get("cpu_pressure_share")
        lines.append(
            f"- CPU over {cpu['elapsed_s']} s: gunicorn workers {cpu['workers_cpu_s']} s "
            f"({cpu['workers_cpu_ms_per_request']} ms per request), locust {cpu['locust_cpu_s']} s, PostgreSQL + Redis "
            f"+ other jobs {cpu['other_cpu_s']} s; machine busy {busy:.0%}, some task waiting for a CPU "
            f"{pressure:.0%} of the time."
            if busy is not None and pressure is not None
            else f"- CPU: {cpu}"
        )
    if memory:
        workers = ", ".join(
            f"{w['baseline_kib'] / 1024:.1f} → {w['end_kib'] / 1024:.1f} MiB "
            f"({(w['end_kib'] - w['baseline_kib']) / w['baseline_kib']:+.1%})"
            if w["end_kib"]
            else f"{w['baseline_kib'] / 1024:.1f} MiB → gone"
            for w in memory["workers"]
        )
        lines.append(
            f"- Worker RSS, warm baseline → end ({memory['requests_since_baseline']:,} requests in between): {workers}."
        )
    lines += [
        "",
        "| requests | count | failures | p50 ms | p95 ms | p99 ms | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
        _row("**all GETs** (budget p95 300)", report["get"]),
        _row("**all writes** (budget p95 800)", report["write"]),
    ]
    if report.get("after_warmup"):
        lines.append(_row("GETs after the warm-up", report["after_warmup"]["get"]))
        lines.append(_row("writes after the warm-up", report["after_warmup"]["write"]))
    lines += [_row(f"`{g['name']}`", g) for g in report["groups"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(json.loads(Path(sys.argv[1]).read_text())), end="")  # noqa: T201 - the output is the product
