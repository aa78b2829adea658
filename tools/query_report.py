"""Print the queries-per-request and first-load tables of BENCHMARKS.md from the URL budget test's JUnit XML.

FAST=1 bin/test erp/core/tests/test_url_budget.py     # or any bin/test run: it writes out/pytest.xml
.venv/bin/python tools/query_report.py out/pytest.xml
"""

import ast
import re
import sys
import xml.etree.ElementTree as ET  # noqa: S405 - our own test report, not untrusted input

CASE = re.compile(r"test_url_within_query_budget\[(?P<url>.*)-as-(?P<role>[a-z_]+)\]")


def _span(values: list[int]) -> str:
    return str(values[0]) if len(values) == 1 else f"{values[0]}–{values[-1]}"


def main(path: str) -> None:
    rows: dict[str, list[tuple[str, list[int]]]] = {}
    loads: dict[str, list[tuple[int, int]]] = {}  # URL -> (compressed bytes, requests) per role
    for case in ET.parse(path).iter("testcase"):  # noqa: S314
        match = CASE.match(case.get("name", ""))
        if not match:
            continue
        for prop in case.iter("property"):
            if prop.get("name") == "queries":
                counts = ast.literal_eval(prop.get("value", "[]"))
                rows.setdefault(match["url"], []).append((match["role"], counts))
            elif prop.get("name") == "first_load":
                loads.setdefault(match["url"], []).append(ast.literal_eval(prop.get("value", "(0, 0)")))
    out = sys.stdout
    out.write("| URL name (and query) | roles measured | queries at 10 rows | queries at 100 rows |\n")
    out.write("|---|---:|---:|---:|\n")
    for url, measured in sorted(rows.items()):
        small = sorted({c[0] for _, c in measured})
        large = sorted({c[1] for _, c in measured})
        out.write(f"| `{url}` | {len(measured)} | {_span(small)} | {_span(large)} |\n")
    if not loads:
        return
    out.write("\n| page (URL name) | roles measured | requests | KB (HTML + assets, compressed) |\n")
    out.write("|---|---:|---:|---:|\n")
    for url, loaded in sorted(loads.items()):
        kb = sorted({round(b / 1024, 1) for b, _ in loaded})
        kb_text = f"{kb[0]:.1f}" if len(kb) == 1 else f"{kb[0]:.1f}–{kb[-1]:.1f}"
        out.write(f"| `{url}` | {len(loaded)} | {_span(sorted({r for _, r in loaded}))} | {kb_text} |\n")


if __name__ == "__main__":
    main(sys.argv[1])
