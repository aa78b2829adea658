"""The server-time benchmark (erp/core/benchmarking.py, `manage.py benchmark`) on the small demo data.

No timing is asserted (this machine is shared and noisy): the tests check that every declared GET URL gets a row,
that every page answers its declared status, and that a budget nobody can meet is reported as a miss.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from erp.core import benchmarking
from erp.core.testing.urlbudget import UrlSpec, collect_specs

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("demo_data", size="small", seed=1, stdout=StringIO())


def _label(spec: UrlSpec) -> str:
    return spec.name + (f"?{spec.query}" if spec.query else "")


def test_every_get_spec_is_measured_within_its_status(demo: None) -> None:
    from config.celery import app

    eager = app.conf.task_always_eager
    results = benchmarking.run(repeat=2, warmup=0, confirm=False)  # the counted request warms up here
    assert app.conf.task_always_eager == eager  # jobs went to the broker during the run only

    get_specs = [s for s in collect_specs()[0] if s.method == "get"]
    measured = {m.case.label for m in results}
    assert {_label(s) for s in get_specs} <= measured
    assert not [m for m in results if m.case.spec.method != "get"]
    assert [f"{m.case.label}: {m.error}" for m in results if m.error] == []
    assert all(m.p50_ms > 0 and m.p95_ms >= m.p50_ms for m in results)
    # Lists are measured as their first role and as their most privileged role (who sees the most rows).
    for spec in get_specs:
        roles = {m.case.role for m in results if m.case.spec is spec}
        expected = {spec.roles[0]}
        if benchmarking.classify(spec) in {"list", "api-list"}:
            expected.add(benchmarking.most_privileged(spec.roles))
        assert roles == expected, _label(spec)
    assert benchmarking.most_privileged(["salesperson", "branch_manager", "superuser"]) == "superuser"
    assert benchmarking.most_privileged(["user", "salesperson", "branch_manager"]) == "branch_manager"

    table = benchmarking.render_table(results)
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) == len(results)


def test_a_tiny_budget_is_reported_as_a_miss(demo: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for kind in list(benchmarking.BUDGETS_MS):
        monkeypatch.setitem(benchmarking.BUDGETS_MS, kind, 0.001)
    report = tmp_path / "BENCHMARKS.md"
    report.write_text("# Benchmarks\n\n## Server time\n\nplaceholder\n\n## Demo data generation\n\nkept\n")

    with pytest.raises(CommandError, match="over budget") as failure:
        call_command(
            "benchmark",
            size="small",
            repeat=2,
            warmup=1,
            budget_only=True,
            security_events=0,
            write=str(report),
            stdout=StringIO(),
            stderr=StringIO(),
        )

    assert "accounts:user_list as superuser" in str(failure.value)
    text = report.read_text()
    assert "| other |" not in text and "| export |" not in text  # --budget-only: budgeted kinds only
    assert "### small data" in text and "**MISS** (timed twice" in text and "placeholder" not in text
    assert text.index("## Server time") < text.index("### small data") < text.index("## Demo data generation")
    assert text.rstrip().endswith("kept")


def test_write_section_keeps_other_sizes(tmp_path: Path) -> None:
    path = tmp_path / "B.md"
    path.write_text("# B\n\n## Server time\n\nold\n\n## Next\n\nrest\n")
    benchmarking.write_section(path, "## Server time", "medium", "### medium data\n\nM1", "Intro.")
    benchmarking.write_section(path, "## Server time", "large", "### large data\n\nL1", "Intro.")
    benchmarking.write_section(path, "## Server time", "medium", "### medium data\n\nM2", "Intro.")
    text = path.read_text()
    assert "old" not in text and "M1" not in text
    assert text.index("Intro.") < text.index("L1") < text.index("M2") < text.index("## Next")
    assert text.count("## Server time") == 1
    benchmarking.write_section(path, "## Plans", "small", "### small data\n\nP", "Plans intro.", after="## Server time")
    text = path.read_text()
    assert text.index("M2") < text.index("## Plans") < text.index("P") < text.index("## Next")


def test_classify() -> None:
    def spec(name: str, **kw: object) -> UrlSpec:
        return UrlSpec(name, ("superuser",), lambda w, n: None, **kw)  # type: ignore[arg-type]

    assert benchmarking.classify(spec("accounts:user_list")) == "list"
    assert benchmarking.classify(spec("accounts:user_list", query="export=xlsx")) == "export"
    assert benchmarking.classify(spec("accounts:user_detail")) == "detail"
    assert benchmarking.classify(spec("api-accounts:user-list", api=True)) == "api-list"
    assert benchmarking.classify(spec("api-accounts:branch-detail", api=True)) == "api-detail"
    assert benchmarking.classify(spec("customers:customer_section")) == "detail"  # a part of a detail page
    assert benchmarking.classify(spec("home")) == "dashboard"
    assert benchmarking.classify(spec("accounts:user_update")) == "other"
    assert benchmarking.percentile([float(i) for i in range(1, 31)], 95) == 29.0
    assert benchmarking.percentile([5.0, 1.0, 3.0], 50) == 3.0


def test_refuses_debug_and_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    with override_settings(DEBUG=True), pytest.raises(RuntimeError, match="DEBUG"):
        benchmarking.ensure_measurable()
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("benchmark", size="small", stdout=StringIO())


def test_the_report_names_the_processor_and_a_calibration(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs from different machines compare through the processor's name and the calibration time."""
    model = benchmarking.cpu_model()
    assert model and model == model.strip()
    timings = [benchmarking.calibration_ms(rounds=3) for _ in range(3)]
    assert all(t > 0 for t in timings)

    monkeypatch.setattr(benchmarking, "calibration_ms", lambda rounds=7: 12.34)
    line = benchmarking.machine()
    assert f"cores ({model})" in line
    assert line.endswith("calibration 12.3 ms (see `calibration_ms`)")


def test_the_calibration_renders_every_row() -> None:
    from datetime import date
    from decimal import Decimal

    from django.template import engines
    from django.utils import translation

    rows = [{"name": "a", "total": Decimal("1") / 7, "when": date(2026, 1, 2), "vip": True}]
    with translation.override("en"):
        html = engines["django"].from_string(benchmarking.CALIBRATION_TEMPLATE).render({"rows": rows * 2})
    assert html.count("<tr><td>A</td><td>0.14</td><td>2026-01-02</td><td>VIP</td></tr>") == 2
