"""`manage.py check_query_plans --size large`: EXPLAIN every declared list filter/ordering; fail on big seq scans.

The checks are declared per app in erp/<app>/queryplans.py; the runner is erp/core/queryplans.py.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from erp.core import benchmarking, queryplans

INTRO = """\
Checked by `manage.py check_query_plans` (erp/core/queryplans.py; the checks are in erp/<app>/queryplans.py), run
by `SIZE=<size> bin/benchmark` after the server-time benchmark, on the same data. Each check builds a list page's
queryset through its selector with one filter/ordering combination, as the page slices it, and runs
`EXPLAIN (FORMAT JSON)` after `ANALYZE`. A sequential scan of a table with more than 10,000 rows
(`pg_class.reltuples`) fails; an index scan of such a table that filters rows one by one is a warning (a selective
value reads the table through the index), with the index that would serve it."""


class Command(BaseCommand):
    help = "EXPLAIN every declared list filter and ordering; fail on sequential scans of big tables."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--size",
            choices=benchmarking.SIZES,
            help="the demo data size loaded: tops security events up to that size's volume, labels the report",
        )
        parser.add_argument("--min-rows", type=int, default=queryplans.DEFAULT_MIN_ROWS)
        parser.add_argument("--strict", action="store_true", help="fail on filtered index scans of big tables too")
        parser.add_argument("--write", metavar="FILE", help="replace this size's table under '## Query plans'")

    def handle(self, *args: Any, size: str | None, min_rows: int, strict: bool, **options: Any) -> None:
        try:
            if size:
                benchmarking.seed_security_events(benchmarking.SECURITY_EVENTS[size])
            results = queryplans.run_checks(queryplans.collect_checks(), min_rows=min_rows)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        table = queryplans.render(results, min_rows=min_rows)
        self.stdout.write(table)
        if options["write"]:
            if not size:
                raise CommandError("--write needs --size (the report is kept per data size)")
            counts = ", ".join(f"{label} {n:,}" for label, n in benchmarking.row_counts().items())
            body = "\n".join(
                [
                    f"### {size} data",
                    "",
                    f"- Date: {timezone.localdate().isoformat()}; command: `manage.py check_query_plans --size {size}` "
                    f"(via `SIZE={size} bin/benchmark`).",
                    f"- Rows: {counts}.",
                    "",
                    queryplans.render(results, min_rows=min_rows, problems_only=True),
                ]
            )
            path = Path(options["write"])
            benchmarking.write_section(path, "## Query plans", size, body, INTRO, after="## Server time")
            self.stdout.write(f"\nWrote the {size} table under '## Query plans' in {path}.")
        failing = [r for r in results if not r.ok or (strict and r.filtered)]
        if failing:
            raise CommandError("query plans to fix: " + ", ".join(r.check.name for r in failing))
        self.stdout.write(self.style.SUCCESS(f"All {len(results)} query-plan checks pass."))
