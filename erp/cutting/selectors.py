"""Cutting reads: scoped by `scope_for(user, "cutting_orders")`, already fetching what pages and the API render."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from erp.accounts.scoping import scope_for
from erp.core.filters import apply_filter
from erp.cutting.models import CuttingEvent, CuttingItem, CuttingOrder, CuttingStatus


def cutting_order_list(*, actor: Any, filters: Any = None) -> QuerySet[CuttingOrder]:
    from erp.cutting.filters import CuttingOrderFilter

    qs = (
        scope_for(actor, "cutting_orders", CuttingOrder.objects.all())
        .select_related("order", "order__customer", "order__branch", "warehouse")
        .annotate(
            item_count=Count("items"),
            cut_count=Count("items", filter=Q(items__status=CuttingStatus.COMPLETED)),
        )
    )
    return apply_filter(CuttingOrderFilter, filters, qs, actor=actor)


def cutting_order_get_for_user(*, actor: Any, pk: int) -> CuttingOrder:
    qs = (
        scope_for(actor, "cutting_orders", CuttingOrder.objects.all())
        .select_related("order", "order__customer", "order__branch", "order__created_by", "warehouse")
        .annotate(
            item_count=Count("items", distinct=True),
            cut_count=Count("items", filter=Q(items__status=CuttingStatus.COMPLETED), distinct=True),
        )
        .prefetch_related(
            Prefetch("items", queryset=CuttingItem.objects.select_related("cut_by").order_by("id")),
            Prefetch("events", queryset=CuttingEvent.objects.select_related("user", "item").order_by("id")),
        )
    )
    return get_object_or_404(qs, pk=pk)


def cut_item_get_for_user(*, actor: Any, pk: int) -> CuttingItem:
    visible = scope_for(actor, "cutting_orders", CuttingOrder.objects.all())
    return get_object_or_404(
        CuttingItem.objects.filter(cutting_order__in=visible.values("pk")).select_related(
            "cutting_order", "cutting_order__order", "cutting_order__warehouse"
        ),
        pk=pk,
    )
