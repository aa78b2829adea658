from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from erp.core.filters import DayFromFilter, DayToFilter, SearchFilter, StyledFilterSet
from erp.core.text import normalize_search
from erp.cutting.models import CuttingOrder, CuttingStatus
from erp.inventory.filters import warehouse_choices_for
from erp.orders.models import Order

CUT_TYPES = [(t.value, t.label) for t in Order.Type if t != Order.Type.INSPECTION]


class CuttingOrderFilter(StyledFilterSet):
    search = SearchFilter(method="filter_search")
    status = django_filters.ChoiceFilter(choices=CuttingStatus.choices, label=_("Status"), empty_label=_("Any status"))
    warehouse = django_filters.ModelChoiceFilter(
        queryset=lambda request: warehouse_choices_for(request), label=_("Warehouse"), empty_label=_("Any warehouse")
    )
    order_type = django_filters.ChoiceFilter(
        field_name="order__order_type", choices=CUT_TYPES, label=_("Order type"), empty_label=_("Any type")
    )
    created_after = DayFromFilter(field_name="created_at", label=_("From date"))
    created_before = DayToFilter(field_name="created_at", label=_("To date"))

    class Meta:
        model = CuttingOrder
        fields = ["search", "status", "warehouse", "order_type", "created_after", "created_before"]

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """Cutting code, order number, customer name or phone, ignoring Arabic spelling variants."""
        term = normalize_search(value)
        return queryset.filter(search_text__contains=term) if term else queryset
