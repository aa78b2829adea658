from typing import Any

import django_filters
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from erp.core.filters import ACTIVE_CHOICES, DayFromFilter, DayToFilter, SearchFilter, StyledFilterSet
from erp.core.text import normalize_code, normalize_search
from erp.inventory.models import (
    Category,
    Product,
    PurchaseOrder,
    StockBalance,
    StockCount,
    StockMovement,
    Supplier,
    Transfer,
    Variant,
    Warehouse,
)


def warehouse_choices_for(request: Any) -> QuerySet[Warehouse]:
    from erp.inventory.selectors import warehouse_list

    return warehouse_list(actor=request.user) if request is not None else Warehouse.objects.none()


class ProductFilter(StyledFilterSet):
    search = SearchFilter(method="filter_search")
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.order_by("path"),
        method="filter_category",
        label=_("Category"),
        empty_label=_("All categories"),
    )
    kind = django_filters.ChoiceFilter(choices=Product.Kind.choices, label=_("Kind"), empty_label=_("All kinds"))
    is_active = django_filters.ChoiceFilter(
        choices=ACTIVE_CHOICES,
        method="filter_active",
        label=_("Status"),
        empty_label=_("Any status"),
    )
    low_stock = django_filters.BooleanFilter(method="filter_low_stock", label=_("Low stock"))
    warehouse = django_filters.ModelChoiceFilter(
        queryset=lambda request: warehouse_choices_for(request),
        method="filter_warehouse",
        label=_("Warehouse"),
        empty_label=_("All warehouses"),
    )

    class Meta:
        model = Product
        fields = ["search", "category", "kind", "is_active", "low_stock", "warehouse"]

    def filter_search(self, queryset: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        term = normalize_search(value)
        return queryset.filter(search_text__contains=term) if term else queryset

    def filter_category(self, queryset: QuerySet[Product], name: str, value: Category) -> QuerySet[Product]:
        """The category and everything below it (materialised path prefix: one indexed range)."""
        return queryset.filter(category__path__startswith=value.path)

    def filter_low_stock(self, queryset: QuerySet[Product], name: str, value: bool | None) -> QuerySet[Product]:
        if not value:
            return queryset
        low = StockBalance.objects.filter(
            variant__product=OuterRef("pk"), quantity__lt=F("variant__product__minimum_stock")
        )
        return queryset.filter(Exists(low))

    def filter_warehouse(self, queryset: QuerySet[Product], name: str, value: Warehouse) -> QuerySet[Product]:
        held = StockBalance.objects.filter(variant__product=OuterRef("pk"), warehouse=value, quantity__gt=0)
        return queryset.filter(Exists(held))


class VariantFilter(StyledFilterSet):
    search = SearchFilter(method="filter_search")
    product = django_filters.NumberFilter(field_name="product_id", label=_("Product"))
    barcode = django_filters.CharFilter(field_name="barcode", label=_("Barcode"))

    class Meta:
        model = Variant
        fields = ["search", "product", "barcode"]

    def filter_search(self, queryset: QuerySet[Variant], name: str, value: str) -> QuerySet[Variant]:
        term = normalize_search(value)
        return queryset.filter(product__search_text__contains=term) if term else queryset


class StockFilter(StyledFilterSet):
    warehouse = django_filters.ModelChoiceFilter(
        queryset=lambda request: warehouse_choices_for(request), label=_("Warehouse"), empty_label=_("All warehouses")
    )
    variant = django_filters.NumberFilter(field_name="variant_id", label=_("Variant"))
    product = django_filters.NumberFilter(field_name="variant__product_id", label=_("Product"))
    below_minimum = django_filters.BooleanFilter(method="filter_below_minimum", label=_("Below minimum"))

    class Meta:
        model = StockBalance
        fields = ["warehouse", "variant", "product", "below_minimum"]

    def filter_below_minimum(
        self, queryset: QuerySet[StockBalance], name: str, value: bool | None
    ) -> QuerySet[StockBalance]:
        if not value:
            return queryset
        from erp.inventory.selectors import below_minimum_bound  # selectors import this module

        return queryset.filter(below_minimum_bound(), quantity__lt=F("variant__product__minimum_stock"))


class MovementFilter(StyledFilterSet):
    warehouse = django_filters.ModelChoiceFilter(
        queryset=lambda request: warehouse_choices_for(request), label=_("Warehouse"), empty_label=_("All warehouses")
    )
    variant = django_filters.NumberFilter(field_name="variant_id", label=_("Variant"))
    product = django_filters.NumberFilter(field_name="variant__product_id", label=_("Product"))
    reason = django_filters.ChoiceFilter(
        choices=StockMovement.Reason.choices, label=_("Reason"), empty_label=_("All reasons")
    )
    kind = django_filters.ChoiceFilter(choices=StockMovement.Kind.choices, label=_("Kind"), empty_label=_("All kinds"))
    created_after = DayFromFilter(field_name="created_at", label=_("From"))
    created_before = DayToFilter(field_name="created_at", label=_("To"))

    class Meta:
        model = StockMovement
        fields = ["warehouse", "variant", "product", "reason", "kind", "created_after", "created_before"]


# ---------------------------------------------------------------------------------------------------------------
# Stock operations: transfers, purchasing, counts, alerts


class TransferFilter(StyledFilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Number"))
    status = django_filters.ChoiceFilter(
        choices=Transfer.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    source = django_filters.ModelChoiceFilter(
        queryset=lambda request: warehouse_choices_for(request), label=_("From"), empty_label=_("Any source")
    )
    destination = django_filters.ModelChoiceFilter(
        queryset=lambda request: warehouse_choices_for(request), label=_("To"), empty_label=_("Any destination")
    )
    created_after = DayFromFilter(field_name="created_at", label=_("From date"))
    created_before = DayToFilter(field_name="created_at", label=_("To date"))

    class Meta:
        model = Transfer
        fields = ["search", "status", "source", "destination", "created_after", "created_before"]

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        term = normalize_code(value).upper()
        return queryset.filter(number__contains=term) if term else queryset


class SupplierFilter(StyledFilterSet):
    search = SearchFilter(method="filter_search")
    is_active = django_filters.ChoiceFilter(
        choices=ACTIVE_CHOICES, method="filter_active", label=_("Status"), empty_label=_("Any status")
    )

    class Meta:
        model = Supplier
        fields = ["search", "is_active"]

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        term = normalize_search(value)
        return queryset.filter(search_text__contains=term) if term else queryset


class PurchaseOrderFilter(StyledFilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Number"))
    status = django_filters.ChoiceFilter(
        choices=PurchaseOrder.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    supplier = django_filters.ModelChoiceFilter(
        queryset=Supplier.objects.order_by("name"), label=_("Supplier"), empty_label=_("Any supplier")
    )
    warehouse = django_filters.ModelChoiceFilter(
        queryset=lambda request: warehouse_choices_for(request), label=_("Warehouse"), empty_label=_("All warehouses")
    )
    created_after = DayFromFilter(field_name="created_at", label=_("From date"))
    created_before = DayToFilter(field_name="created_at", label=_("To date"))

    class Meta:
        model = PurchaseOrder
        fields = ["search", "status", "supplier", "warehouse", "created_after", "created_before"]

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        term = normalize_code(value).upper()
        return queryset.filter(number__contains=term) if term else queryset


class StockCountFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(
        choices=StockCount.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    warehouse = django_filters.ModelChoiceFilter(
        queryset=lambda request: warehouse_choices_for(request), label=_("Warehouse"), empty_label=_("All warehouses")
    )

    class Meta:
        model = StockCount
        fields = ["status", "warehouse"]


ALERT_STATES = [("low", _("Low")), ("out", _("Out of stock")), ("negative", _("Negative"))]


class StockAlertFilter(StyledFilterSet):
    warehouse = django_filters.ModelChoiceFilter(
        queryset=lambda request: warehouse_choices_for(request), label=_("Warehouse"), empty_label=_("All warehouses")
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.order_by("path"),
        method="filter_category",
        label=_("Category"),
        empty_label=_("All categories"),
    )
    state = django_filters.ChoiceFilter(
        choices=ALERT_STATES, method="filter_state", label=_("State"), empty_label=_("Any state")
    )

    class Meta:
        model = StockBalance
        fields = ["warehouse", "category", "state"]

    def filter_category(self, queryset: QuerySet[Any], name: str, value: Category) -> QuerySet[Any]:
        return queryset.filter(variant__product__category__path__startswith=value.path)

    def filter_state(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "negative":
            return queryset.filter(quantity__lt=0)
        if value == "out":
            return queryset.filter(quantity=0)
        if value == "low":
            return queryset.filter(quantity__gt=0, quantity__lt=F("variant__product__minimum_stock"))
        return queryset


class AdjustmentFilter(StyledFilterSet):
    warehouse = django_filters.ModelChoiceFilter(
        queryset=lambda request: warehouse_choices_for(request), label=_("Warehouse"), empty_label=_("All warehouses")
    )
    reason = django_filters.ChoiceFilter(
        choices=[
            (StockMovement.Reason.DAMAGE, _("Damage")),
            (StockMovement.Reason.COUNT, _("Stock count")),
            (StockMovement.Reason.OTHER, _("Other")),
        ],
        label=_("Reason"),
        empty_label=_("All reasons"),
    )

    class Meta:
        model = StockMovement
        fields = ["warehouse", "reason"]
