"""`manage.py benchmark --size large`: server time of every GET page and endpoint, against the budgets.

The logic lives in erp/core/benchmarking.py; run it through `SIZE=<size> bin/benchmark`, which provides the
throwaway PostgreSQL and Redis, the test settings (DEBUG off) and the demo data.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from erp.core import benchmarking


class Command(BaseCommand):
    help = "Time every GET page and API endpoint on the demo data (p50/p95, queries) and compare with the budgets."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--size", choices=benchmarking.SIZES, required=True, help="the demo data size loaded")
        parser.add_argument("--repeat", type=int, default=30, help="timed requests per URL (default 30)")
        parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
        parser.add_argument("--write", metavar="FILE", help="replace this size's table under '## Server time'")
        parser.add_argument("--budget-only", action="store_true", help="only the URLs that have a budget")
        parser.add_argument(
            "--budget-scale",
            type=float,
            default=1.0,
            help="multiply every budget (a CI smoke run on a shared machine catching gross regressions; default 1)",
        )
        parser.add_argument(
            "--no-confirm", action="store_true", help="do not time a URL over budget a second time before failing"
        )
        parser.add_argument(
            "--security-events",
            type=int,
            default=None,
            help="top security events up to this many (default by size: small 2,000, medium 20,000, large 200,000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size, repeat, scale = options["size"], options["repeat"], options["budget_scale"]
        if repeat < 1 or options["warmup"] < 1:
            raise CommandError("--repeat and --warmup must be at least 1")
        if scale <= 0 or (options["write"] and scale != 1):
            raise CommandError("--budget-scale must be positive, and 1 when writing BENCHMARKS.md")
        budgets = {kind: ms * scale for kind, ms in benchmarking.BUDGETS_MS.items()}
        try:
            benchmarking.ensure_measurable()
            events = options["security_events"]
            added = benchmarking.seed_security_events(benchmarking.SECURITY_EVENTS[size] if events is None else events)
            if added:
                self.stdout.write(f"Added {added:,} security events.")
            results = benchmarking.run(
                repeat=repeat,
                warmup=options["warmup"],
                budgets=budgets,
                budget_only=options["budget_only"],
                confirm=not options["no_confirm"],
                progress=lambda message: self.stderr.write(f"  {message}"),
            )
        except (RuntimeError, LookupError) as exc:
            raise CommandError(str(exc)) from exc
        report = benchmarking.render_report(results, size=size, repeat=repeat, counts=benchmarking.row_counts())
        self.stdout.write("")
        self.stdout.write(report)
        if options["write"]:
            path = Path(options["write"])
            benchmarking.write_section(path, "## Server time", size, report, benchmarking.SERVER_TIME_INTRO)
            self.stdout.write(f"\nWrote the {size} table under '## Server time' in {path}.")
        misses = [m for m in results if m.missed]
        if misses:
            lines = [
                f"  {m.case.label} as {m.case.role}: {m.error or f'p95 {m.p95_ms:.1f} ms > {m.budget_ms:.0f} ms'}"
                for m in misses
            ]
            scaled = f" (budgets × {scale:g})" if scale != 1 else ""
            raise CommandError(f"over budget{scaled}:\n" + "\n".join(lines))
        scaled = f" (budgets × {scale:g})" if scale != 1 else ""
        self.stdout.write(self.style.SUCCESS(f"All {len(results)} measurements within budget{scaled}."))
