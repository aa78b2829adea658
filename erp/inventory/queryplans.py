"""Inventory's list filters and orderings, as their pages run them, for the query-plan check (core/queryplans.py).

Products are listed in keyset pages of PAGE_SIZE + 1 in one of PRODUCT_ORDERINGS; the movement ledger in keyset
pages of 50 by -id; stock balances (the API's stock list) in cursor pages. Products, variants, balances and the
ledger are the tables that grow (`manage.py demo_data --size large`: ~20,000 variants).

Search is not declared: at 20,000 products PostgreSQL reads the table sequentially for `search_text LIKE '%…%'`
rather than through the trigram index (inventory migration 0002), a few milliseconds; the check would fail on a plan
the planner rightly prefers at this size. Customers (200,000 rows) use their trigram index, measured.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from erp.accounts.roles import RoleKey
from erp.core.paging import PAGE_SIZE
from erp.core.queryplans import PlanCheck
from erp.inventory import selectors
from erp.inventory.models import Category, Product, StockBalance, StockMovement, Warehouse
from erp.inventory.views import PRODUCT_ORDERINGS

ALERT_PAGE = 50  # ops_views.alert_list's page
MOVEMENT_PAGE = 50


def _first_pk(model: Any, **filters: Any) -> str:
    pk = model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True).first()
    return str(pk or "")


def _root_category() -> str:
    return _first_pk(Category, depth=1)


def _leaf_category() -> str:
    leaf = Category.objects.filter(numchild=0).order_by("-depth", "pk").values_list("pk", flat=True).first()
    return str(leaf or "")


def _product_filters() -> dict[str, Callable[[], dict[str, str]]]:
    return {
        "no filter": dict,
        "category (a root: its whole subtree)": lambda: {"category": _root_category()},
        "category (a leaf)": lambda: {"category": _leaf_category()},
        "kind": lambda: {"kind": Product.Kind.ACCESSORY.value},
        "inactive": lambda: {"is_active": "false"},
        "low stock": lambda: {"low_stock": "true"},
        "warehouse": lambda: {"warehouse": _first_pk(Warehouse)},
        "category + kind": lambda: {"category": _root_category(), "kind": Product.Kind.FABRIC.value},
    }


def _products(filters: Callable[[], dict[str, str]], ordering: str) -> Callable[[Any], QuerySet[Product]]:
    order = PRODUCT_ORDERINGS[ordering]
    return lambda actor: selectors.product_list(actor=actor, filters=filters()).order_by(*order)[: PAGE_SIZE + 1]


def _last_30_days() -> dict[str, str]:
    today = timezone.localdate()
    return {"created_after": (today - timedelta(days=30)).isoformat(), "created_before": today.isoformat()}


def _movements(filters: Callable[[], dict[str, str]]) -> Callable[[Any], QuerySet[StockMovement]]:
    return lambda actor: selectors.movement_list(actor=actor, filters=filters()).order_by("-id")[: MOVEMENT_PAGE + 1]


def _stock(filters: Callable[[], dict[str, str]]) -> Callable[[Any], QuerySet[StockBalance]]:
    return lambda actor: selectors.stock_list(actor=actor, filters=filters()).order_by("-id")[: PAGE_SIZE + 1]


def _alerts(filters: Callable[[], dict[str, str]]) -> Callable[[Any], QuerySet[StockBalance]]:
    return lambda actor: selectors.alert_list(actor=actor, filters=filters()).order_by("id")[: ALERT_PAGE + 1]


CHECKS: list[PlanCheck] = [
    *(
        PlanCheck(f"products: {label}, ordering={ordering}", _products(filters, ordering))
        for label, filters in _product_filters().items()
        for ordering in PRODUCT_ORDERINGS
    ),
    PlanCheck("products: no filter, ordering=code (a salesperson)", _products(dict, "code"), RoleKey.SALESPERSON),
    PlanCheck("movements: no filter", _movements(dict)),
    PlanCheck("movements: warehouse", _movements(lambda: {"warehouse": _first_pk(Warehouse)})),
    PlanCheck("movements: reason=sale", _movements(lambda: {"reason": StockMovement.Reason.SALE.value})),
    PlanCheck("movements: last 30 days", _movements(_last_30_days)),
    PlanCheck(
        "movements: warehouse + reason + last 30 days",
        _movements(
            lambda: {
                "warehouse": _first_pk(Warehouse),
                "reason": StockMovement.Reason.PURCHASE.value,
                **_last_30_days(),
            }
        ),
    ),
    PlanCheck("movements: a product", _movements(lambda: {"product": _first_pk(Product)})),
    PlanCheck("movements: no filter (warehouse staff)", _movements(dict), RoleKey.WAREHOUSE_STAFF),
    PlanCheck("stock: no filter", _stock(dict)),
    PlanCheck("stock: warehouse", _stock(lambda: {"warehouse": _first_pk(Warehouse)})),
    PlanCheck("stock: below minimum", _stock(lambda: {"below_minimum": "true"})),
    PlanCheck("stock: a product", _stock(lambda: {"product": _first_pk(Product)})),
    PlanCheck("alerts: no filter", _alerts(dict)),
    PlanCheck("alerts: state=low", _alerts(lambda: {"state": "low"})),
    PlanCheck("alerts: state=out", _alerts(lambda: {"state": "out"})),
    PlanCheck("alerts: warehouse", _alerts(lambda: {"warehouse": _first_pk(Warehouse)})),
]
