"""Stock alerts (erp/inventory/alerts.py) become in-app notifications of kind "stock".

Inventory reports, after commit, every balance whose state got worse (below its minimum, out, negative). Each
becomes one notification per (variant, warehouse, state, day): a balance that dips below its minimum several times
in a day notifies once, and a further drop to zero or below notifies again, as a more urgent state.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from erp.inventory.alerts import StockAlert
from erp.inventory.models import Variant, Warehouse
from erp.notifications.models import Kind, Priority
from erp.notifications.services import notify

PRIORITY = {"low": Priority.NORMAL, "out": Priority.HIGH, "negative": Priority.URGENT}
TITLES = {
    "low": gettext_noop("Low stock"),
    "out": gettext_noop("Out of stock"),
    "negative": gettext_noop("Negative stock after cutting"),
}


def stock_alerts_notify(alerts: list[StockAlert]) -> None:
    """The handler registered with inventory's alert hook (two queries, then one outbox row per alert)."""
    if not alerts:
        return
    variants = Variant.objects.select_related("product").in_bulk({a.variant_id for a in alerts})
    warehouses = Warehouse.objects.in_bulk({a.warehouse_id for a in alerts})
    today = timezone.localdate().isoformat()
    # Stored text is in the company's language (Arabic): the alert fires in a worker, not in someone's request.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        for alert in alerts:
            variant, warehouse = variants.get(alert.variant_id), warehouses.get(alert.warehouse_id)
            if variant is None or warehouse is None:
                continue
            notify(
                kind=Kind.STOCK,
                priority=PRIORITY.get(alert.state, Priority.NORMAL),
                title=gettext(TITLES.get(alert.state, TITLES["low"])),
                body=f"{variant.code} · {variant.product.name} — {warehouse.name}: {alert.after:g} / {alert.minimum:g}",
                link=reverse("inventory:product_detail", kwargs={"pk": variant.product_id}),
                branch=warehouse.branch_id,
                event=f"stock_{alert.state}",
                idempotency_key=f"stock:{alert.variant_id}:{alert.warehouse_id}:{alert.state}:{today}",
            )
