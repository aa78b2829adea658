"""Print the queries-per-request table of BENCHMARKS.md from the URL budget test's JUnit XML.

FAST=1 bin/test erp/core/tests/test_url_budget.py --junitxml=out/urlbudget.xml
.venv/bin/python tools/query_report.py out/urlbudget.xml
"""

import ast
import re
import sys
import xml.etree.ElementTree as ET  # noqa: S405 - our own test report, not untrusted input

CASE = re.compile(r"test_url_within_query_budget\[(?P<url>.*)-as-(?P<role>[a-z_]+)\]")


def main(path: str) -> None:
    rows: dict[str, list[tuple[str, list[int]]]] = {}
    for case in ET.parse(path).iter("testcase"):  # noqa: S314
        match = CASE.match(case.get("name", ""))
        if not match:
            continue
        for prop in case.iter("property"):
            if prop.get("name") == "queries":
                counts = ast.literal_eval(prop.get("value", "[]"))
                rows.setdefault(match["url"], []).append((match["role"], counts))
    out = sys.stdout
    out.write("| URL name (and query) | roles measured | queries at 10 rows | queries at 100 rows |\n")
    out.write("|---|---:|---:|---:|\n")
    for url, measured in sorted(rows.items()):
        small = sorted({c[0] for _, c in measured})
        large = sorted({c[1] for _, c in measured})
        fmt = lambda v: str(v[0]) if len(v) == 1 else f"{v[0]}–{v[-1]}"  # noqa: E731
        out.write(f"| `{url}` | {len(measured)} | {fmt(small)} | {fmt(large)} |\n")


if __name__ == "__main__":
    main(sys.argv[1])
