"""The order search's trigram index also holds each order's status and branch (PostgreSQL; SQLite, the local demo,
skips it). A common name matches a few percent of a million orders: with the search terms alone the list read every
matching order's page to test its status (21,000 pages, 190 ms at the large size); a multicolumn GIN index intersects
the term with the status or the branch first (5 ms). btree_gin gives GIN the equality operators of plain columns.
A GIN index serves any subset of its columns equally well, so it replaces the search-only one."""

from django.db import migrations

from erp.core.dbindexes import postgresql_sql

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX IF NOT EXISTS orders_search_status_branch ON orders_order "
    "USING gin (search_text gin_trgm_ops, status, branch_id)",
    "DROP INDEX IF EXISTS orders_search_trgm",
]
REVERSE = [
    "CREATE INDEX IF NOT EXISTS orders_search_trgm ON orders_order USING gin (search_text gin_trgm_ops)",
    "DROP INDEX IF EXISTS orders_search_status_branch",
]


class Migration(migrations.Migration):
    dependencies = [("orders", "0004_list_indexes")]

    operations = [postgresql_sql(CREATE, REVERSE)]
