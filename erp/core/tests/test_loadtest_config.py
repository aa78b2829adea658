"""The load test's rules and plumbing (load/checks.py, load/locustfile.py, gunicorn.conf.py, bin/loadtest).

locust itself is not imported here: it monkey-patches the standard library with gevent on import. The locustfile is
read as source instead.
"""

import ast
import runpy
from pathlib import Path

import pytest

from load import checks
from load.wait_ready import wait_ready, warm

ROOT = Path(__file__).resolve().parents[3]
LOCUSTFILE = ROOT / "load" / "locustfile.py"


def passing(**overrides: object) -> checks.Measurement:
    values: dict[str, object] = {
        "requests": 10_000,
        "failures": 0,
        "get_p95_ms": 120.0,
        "write_p95_ms": 400.0,
        "group_p95_ms": {"GET /": 90.0},
        "rss_baseline_kib": {101: 100_000, 102: 120_000},
        "rss_end_kib": {101: 105_000, 102: 121_000},
        "memory_checked": True,
    }
    values.update(overrides)
    return checks.Measurement(**values)  # type: ignore[arg-type]


def test_a_run_within_every_budget_passes() -> None:
    assert checks.evaluate(passing()) == []


def test_the_budgets_are_those_of_the_performance_doc() -> None:
    budgets = checks.BUDGETS
    assert (budgets.max_fail_ratio, budgets.get_p95_ms, budgets.write_p95_ms) == (0.0, 300.0, 800.0)
    assert budgets.group_p95_ms == {"GET /": 500.0}  # T9's dashboard rule: the home page is the dashboard
    assert budgets.max_rss_growth == 0.10


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"failures": 1}, "1 of 10000 requests failed"),
        ({"get_p95_ms": 301.0}, "p95 of GETs is 301 ms"),
        ({"write_p95_ms": 801.0}, "p95 of writes is 801 ms"),
        ({"group_p95_ms": {"GET /": 501.0}}, "p95 of GET / is 501 ms"),
        ({"rss_end_kib": {101: 111_000, 102: 121_000}}, "gunicorn worker 101 grew 11.0%"),
        ({"rss_end_kib": {101: None, 102: 121_000}}, "gunicorn worker 101 was replaced"),
        ({"rss_baseline_kib": {}, "rss_end_kib": {}}, "no gunicorn worker was found"),
        ({"requests": 0, "failures": 0}, "no request was made"),
    ],
)
def test_each_broken_rule_fails_the_run(overrides: dict[str, object], expected: str) -> None:
    problems = checks.evaluate(passing(**overrides))
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected)


def test_memory_is_not_judged_when_not_measured() -> None:
    assert checks.evaluate(passing(memory_checked=False, rss_baseline_kib={}, rss_end_kib={})) == []


def test_writes_are_every_method_but_get_and_head() -> None:
    assert not checks.is_write("GET") and not checks.is_write("head")
    assert all(checks.is_write(m) for m in ("POST", "PATCH", "PUT", "DELETE"))


def fake_proc(tmp_path: Path) -> Path:
    def process(pid: int, ppid: int, comm: str, rss_kib: int, utime: int, stime: int) -> None:
        folder = tmp_path / str(pid)
        folder.mkdir()
        # Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        (folder / "stat").write_text(f"{pid} ({comm}) S {ppid} 1 1 0 -1 0 0 0 0 0 {utime} {stime} 0 0 20 0\n")
        (folder / "status").write_text(f"Name:\t{comm}\nVmPeak:\t 999999 kB\nVmRSS:\t {rss_kib} kB\nThreads:\t3\n")

    process(10, 1, "gunicorn", 50_000, 1, 1)
    process(11, 10, "gunicorn: worker) (x", 100_000, 300, 100)  # a name with spaces and parentheses
    process(12, 10, "gunicorn", 110_000, 0, 0)
    process(13, 1, "postgres", 30_000, 0, 0)
    (tmp_path / "self").mkdir()
    (tmp_path / "stat").write_text("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\n")
    (tmp_path / "cpuinfo").write_text("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9R45\n")
    (tmp_path / "pressure").mkdir()
    (tmp_path / "pressure" / "cpu").write_text(
        "some avg10=1.00 avg60=2.00 avg300=3.00 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
    )
    return tmp_path


def test_proc_readings(tmp_path: Path) -> None:
    proc = fake_proc(tmp_path)
    assert checks.child_pids(10, proc) == [11, 12]
    assert checks.worker_rss(10, proc) == {11: 100_000, 12: 110_000}
    assert checks.rss_kib(99, proc) is None
    assert checks.cpu_seconds(11, proc) == pytest.approx(400 / checks.CLOCK_TICKS)
    assert checks.cpu_seconds(99, proc) is None
    busy, total = checks.machine_cpu(proc)
    assert (busy, total) == pytest.approx((150 / checks.CLOCK_TICKS, 1000 / checks.CLOCK_TICKS))
    assert checks.cpu_pressure_us(proc) == 123456
    assert checks.cpu_pressure_us(tmp_path / "nowhere") is None
    assert checks.cpu_model(proc) == "AMD EPYC 9R45"
    assert checks.cpu_model(tmp_path / "nowhere")  # the platform's name instead


def test_rss_growth() -> None:
    assert checks.rss_growth(100, 110) == pytest.approx(0.10)
    assert checks.rss_growth(0, 5) == 0.0


# ---------------------------------------------------------------------------------------------------------------
# The locustfile, read as source


def locust_calls() -> list[ast.Call]:
    tree = ast.parse(LOCUSTFILE.read_text())
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"get", "post", "patch", "put", "delete"}
        and any(k.arg == "name" for k in node.keywords)
    ]


def test_every_request_is_named_by_method_and_url_pattern() -> None:
    calls = locust_calls()
    assert len(calls) >= 10
    for call in calls:
        name = next(k.value for k in call.keywords if k.arg == "name")
        text = name.value if isinstance(name, ast.Constant) else None
        if not isinstance(text, str):  # a variable holding one of the names checked here (cursor pages)
            continue
        method = call.func.attr.upper()  # type: ignore[attr-defined]
        assert text.startswith(f"{method} /"), f"line {call.lineno}: {text!r} should start with '{method} /'"
        assert not any(ch.isdigit() for ch in text.split("?")[0].replace("/v1/", "")), (
            f"line {call.lineno}: {text!r} names one object, not a URL pattern"
        )


def test_the_verdict_hook_and_the_roles_are_there() -> None:
    source = LOCUSTFILE.read_text()
    assert "@events.quitting.add_listener" in source
    assert "environment.process_exit_code = 1 if problems else 0" in source
    for user_class in ("class StaffUser(BrowserUser)", "class ManagerUser(BrowserUser)", "class ApiClient(HttpUser)"):
        assert user_class in source


# ---------------------------------------------------------------------------------------------------------------
# gunicorn.conf.py and bin/loadtest


def test_gunicorn_recycles_workers_unless_the_load_test_says_not_to(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["max_requests"] == 2000 and config["max_requests_jitter"] == 200
    assert config["worker_class"] == "gthread" and config["timeout"] == 30

    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "0")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["max_requests"] == 0 and config["max_requests_jitter"] == 0


def test_bin_loadtest_runs_locust_bounded_against_production_settings() -> None:
    script = (ROOT / "bin" / "loadtest").read_text()
    assert "export DJANGO_SETTINGS_MODULE=config.django.production" in script
    assert "export GUNICORN_MAX_REQUESTS=0" in script
    assert '-t "$DURATION"' in script and "timeout --kill-after" in script
    assert '--host "http://127.0.0.1:$PORT"' in script
    assert 'USERS="${USERS:-10}" RATE="${RATE:-5}" DURATION="${DURATION:-30s}"' in script  # --smoke
    assert "trap cleanup EXIT" in script and "svc_stop" in script


def test_wait_ready_only_polls_loopback_and_notices_a_dead_process() -> None:
    assert (
        wait_ready("http://example.com/readyz", 1, 1) == "only loopback URLs are polled, not http://example.com/readyz"
    )
    assert wait_ready("http://127.0.0.1:9/readyz", 2**22 + 12345, 1) == f"process {2**22 + 12345} exited"
    with pytest.raises(ValueError, match="only loopback"):
        warm("http://example.com/", 1)


def test_the_report_block_names_the_processor_and_the_numbers() -> None:
    from load import report

    summary = {"requests": 1200, "failures": 0, "p50_ms": 12.0, "p95_ms": 23.4, "p99_ms": 85.0, "rps": 23.98}
    block = report.render(
        {
            "run": {"date": "2026-11-29 13:10 UTC", "cpu_model": "AMD EPYC", "size": "medium", "users": 50},
            "passed": True,
            "problems": [],
            "requests": 1200,
            "failures": 0,
            "rps": 24.0,
            "get": summary,
            "write": {**summary, "requests": 100, "rps": 2.0},
            "after_warmup": None,
            "groups": [{"name": "GET /", **summary}],
        }
    )
    assert "machine: 2 cores (AMD EPYC), shared with other jobs; data: `medium`." in block
    assert "Requests 1,200, failures 0, 24.0 req/s. Verdict: PASS." in block
    assert "| **all GETs** (budget p95 300) | 1,200 | 0 | 12 | 23 | 85 | 23.98 |" in block
    assert "| `GET /` | 1,200 | 0 | 12 | 23 | 85 | 23.98 |" in block
