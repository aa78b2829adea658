"""The query-plan check (erp/core/queryplans.py) on a security-event table big enough for the planner to care.

20,000+ events (INSERT ... SELECT generate_series), ANALYZE: accounts' declared filters and orderings must not read
that table sequentially, and a filter with no index must be caught, so the check is known to bite.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from erp.accounts.models import SecurityEvent
from erp.accounts.queryplans import CHECKS as ACCOUNTS_CHECKS
from erp.core import queryplans
from erp.core.benchmarking import seed_security_events

pytestmark = pytest.mark.django_db

EVENTS = 20_000


@pytest.fixture
def big_events() -> None:
    call_command("demo_data", size="small", seed=1, stdout=StringIO())
    seed_security_events(EVENTS)
    queryplans.analyze()
    assert SecurityEvent.objects.count() >= EVENTS


def test_accounts_checks_are_declared() -> None:
    names = {c.name for c in queryplans.collect_checks()}
    assert {c.name for c in ACCOUNTS_CHECKS} <= names
    assert any(n.startswith("users: search") for n in names)
    assert any(n.startswith("security events: kind=") for n in names)


def test_accounts_lists_use_indexes_on_a_big_table(big_events: None) -> None:
    results = queryplans.run_checks(ACCOUNTS_CHECKS, run_analyze=False)
    failing = [r for r in results if not r.ok]
    assert not failing, queryplans.render(failing, min_rows=queryplans.DEFAULT_MIN_ROWS)
    # The security-event checks did look at the big table (not an empty queryset or a small one).
    events = [r for r in results if r.check.name.startswith("security events")]
    assert events and all("securityevent" in r.sql.lower() for r in events)


def test_an_unindexed_filter_is_caught(big_events: None) -> None:
    check = queryplans.PlanCheck(
        "security events by path (no index)",
        lambda actor: SecurityEvent.objects.filter(path__icontains="token").order_by(),
    )
    [result] = queryplans.run_checks([check], run_analyze=False)

    assert not result.ok
    [scan] = result.seq_scans
    assert scan.relation == SecurityEvent._meta.db_table
    assert scan.model == "accounts.SecurityEvent"
    assert scan.rows >= EVENTS * 0.9
    assert "path" in scan.filter
    assert "path" in scan.suggestion and "trigram" in scan.suggestion
    assert "SEQ SCAN" in queryplans.render([result], min_rows=queryplans.DEFAULT_MIN_ROWS)


def test_the_threshold_spares_small_tables(big_events: None) -> None:
    check = queryplans.PlanCheck(
        "events by path", lambda actor: SecurityEvent.objects.filter(path__icontains="x").order_by()
    )
    [result] = queryplans.run_checks([check], min_rows=EVENTS * 10, run_analyze=False)
    assert result.ok
    assert result.small_scans and result.small_scans[0].startswith(SecurityEvent._meta.db_table)


def test_a_filtered_index_scan_is_a_warning_with_the_index_to_add() -> None:
    """An index that only orders the rows while a filter drops them one by one: reported with the index to add."""
    plan = {
        "Node Type": "Limit",
        "Plans": [
            {
                "Node Type": "Index Scan",
                "Index Name": "accounts_securityevent_pkey",
                "Relation Name": "accounts_securityevent",
                "Filter": "(upper((username)::text) = 'NOBODY'::text)",
            }
        ],
    }
    # min_rows=-1: every table counts as big, so this needs no data.
    seq, filtered, _small = queryplans.check_plan(plan, min_rows=-1, table="accounts_securityevent", ordering=("-id",))
    assert not seq
    [finding] = filtered
    assert finding.node == "Index Scan using accounts_securityevent_pkey"
    assert 'Upper("username")' in finding.suggestion and 'F("id").desc()' in finding.suggestion


def test_suggestions_put_equality_columns_first() -> None:
    text = (
        "(((kind)::text = 'login'::text) AND (((created_at AT TIME ZONE 'Africa/Cairo'::text))::date >= "
        "'2026-01-01'::date))"
    )
    suggestion = queryplans.suggest_index("accounts_securityevent", text, ("-id",))
    assert "fields=['kind', 'created_at', '-id']" in suggestion
    assert "local date" in suggestion


def test_the_command_prints_and_writes(big_events: None, tmp_path: Path) -> None:
    out = StringIO()
    report = tmp_path / "BENCHMARKS.md"
    call_command("check_query_plans", size="small", write=str(report), stdout=out)
    assert "query-plan checks pass" in out.getvalue()
    text = report.read_text()
    assert "## Query plans" in text and "### small data" in text and "Clean (" in text
