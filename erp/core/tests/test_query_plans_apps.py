"""Every app's declared list filters and orderings (erp/<app>/queryplans.py) on tables big enough for the planner
to care: the small demo data copied in SQL (erp/core/testing/bulkcopy.py) to 20,000+ orders with their items,
payments and the operations rows that hang off them, 12,000+ customers, and notifications, outbox events and
WhatsApp messages as many times as the orders, then ANALYZE. A sequential scan of any of those tables (more than
10,000 rows) fails, naming the index.

Left out here: the text-search checks and the export's filtered capped count. At 20,000 rows PostgreSQL reads the
table sequentially for `search_text LIKE '%…%'` rather than through the trigram index (milliseconds), and hashes
the 12,000 customers whole for the export; at 200,000 orders both use their indexes (BENCHMARKS.md, "Query plans":
`manage.py check_query_plans` runs every check there). Accounts and inventory have their own tests
(test_query_plans.py here and in erp/inventory/tests).
"""

from io import StringIO

import pytest
from django.core.management import call_command

from erp.core import queryplans
from erp.core.testing.bulkcopy import grow_sales_and_operations
from erp.customers.models import Customer
from erp.orders.models import Order

pytestmark = pytest.mark.django_db

APPS = (
    "erp.customers",
    "erp.orders",
    "erp.inspections",
    "erp.cutting",
    "erp.manufacturing",
    "erp.installations",
    "erp.complaints",
    "erp.notifications",
    "erp.outbox",
    "erp.integrations.whatsapp",
)
BIG = 10_000


SIZE_DEPENDENT = ("search (", "capped count")  # see the module docstring


def _checks() -> list[queryplans.PlanCheck]:
    import importlib

    return [c for app in APPS for c in importlib.import_module(f"{app}.queryplans").CHECKS]


def _checked_at_this_size() -> list[queryplans.PlanCheck]:
    return [c for c in _checks() if not any(part in c.name for part in SIZE_DEPENDENT)]


@pytest.fixture
def big_operations() -> dict[str, int]:
    call_command("demo_data", size="small", seed=1, stdout=StringIO())
    orders, customers = Order.objects.count(), Customer.objects.count()
    added = grow_sales_and_operations(times=-(-2 * BIG // orders), customer_times=-(-12 * BIG // (10 * customers)))
    queryplans.analyze()
    return added


def test_every_list_app_declares_its_checks() -> None:
    names = {c.name.split(":")[0] for c in queryplans.collect_checks()}
    expected = {
        "customers",
        "orders",
        "payments",
        "promo codes",
        "inspections",
        "cutting orders",
        "factory orders",
        "receipt desk",
        "installations",
        "modification requests",
        "complaints",
        "notifications page",
        "notifications API",
        "task health",
        "whatsapp log",
    }
    assert expected <= names
    assert {c.name for c in _checks()} <= {c.name for c in queryplans.collect_checks()}


def test_lists_use_indexes_on_big_tables(big_operations: dict[str, int]) -> None:
    big = {table for table, rows in big_operations.items() if rows > BIG}
    assert {"orders_order", "orders_orderitem", "orders_payment", "customers_customer"} <= big
    results = queryplans.run_checks(_checked_at_this_size(), run_analyze=False)
    failing = [r for r in results if not r.ok]
    assert not failing, queryplans.render(failing, min_rows=queryplans.DEFAULT_MIN_ROWS)
    # The checks looked at the big tables, not at empty or small querysets.
    orders = [r for r in results if r.check.name.startswith("orders:")]
    assert orders and all(Order._meta.db_table in r.sql for r in orders)


def test_an_unfiltered_scan_under_a_limit_is_bounded() -> None:
    """The export's capped count (`SELECT count(*) FROM (... LIMIT n)`) reads n rows, not the table; a scan under a
    sort or with a filter still reads everything and fails."""
    capped = {
        "Node Type": "Aggregate",
        "Plans": [
            {
                "Node Type": "Limit",
                "Plans": [{"Node Type": "Seq Scan", "Relation Name": "orders_order"}],
            }
        ],
    }
    seq, filtered, small = queryplans.check_plan(capped, min_rows=-1)
    assert not seq and not filtered and "LIMIT" in small[0]
    joined = {  # select_related: the order rows stream through the joins' outer side
        "Node Type": "Limit",
        "Plans": [
            {
                "Node Type": "Hash Join",
                "Plans": [
                    {"Node Type": "Seq Scan", "Relation Name": "orders_order", "Parent Relationship": "Outer"},
                    {
                        "Node Type": "Hash",
                        "Parent Relationship": "Inner",
                        "Plans": [{"Node Type": "Seq Scan", "Relation Name": "customers_customer"}],
                    },
                ],
            }
        ],
    }
    seq, _filtered, small = queryplans.check_plan(joined, min_rows=-1)
    assert [f.relation for f in seq] == ["customers_customer"]  # hashed whole: not bounded by the LIMIT
    assert any(s.startswith("orders_order") for s in small)

    sorted_scan = {
        "Node Type": "Limit",
        "Plans": [{"Node Type": "Sort", "Plans": [{"Node Type": "Seq Scan", "Relation Name": "orders_order"}]}],
    }
    filtered_scan = {
        "Node Type": "Limit",
        "Plans": [{"Node Type": "Seq Scan", "Relation Name": "orders_order", "Filter": "(balance > '0'::numeric)"}],
    }
    for plan in (sorted_scan, filtered_scan):
        seq, _filtered, _small = queryplans.check_plan(plan, min_rows=-1)
        assert [f.relation for f in seq] == ["orders_order"]
