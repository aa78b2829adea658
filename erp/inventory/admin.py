from django.contrib import admin
from django.http import HttpRequest
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from erp.inventory.models import Category, Product, StockBalance, StockMovement, Variant, Warehouse


@admin.register(Category)
class CategoryAdmin(TreeAdmin):
    form = movenodeform_factory(Category)
    list_display = ["name", "full_name", "is_active"]


class VariantInline(admin.TabularInline[Variant, Product]):
    model = Variant
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ["code", "name", "category", "kind", "unit", "retail_price", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["category"]
    search_fields = ["code", "name"]
    inlines = [VariantInline]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin[Warehouse]):
    list_display = ["code", "name", "branch", "is_active", "is_official_fabric", "allow_negative_for_cutting"]
    list_select_related = ["branch"]
    filter_horizontal = ["staff"]


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Stock is written only by the stock service: the admin can look, never change."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnlyAdmin):
    list_display = ["variant", "warehouse", "quantity", "updated_at"]
    list_select_related = ["variant", "warehouse"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "variant", "warehouse", "kind", "reason", "quantity", "balance_after", "reference"]
    list_filter = ["kind", "reason"]
    list_select_related = ["variant", "warehouse"]


# Catalogue data: the history and audit rows are written by the services only; the admin can look.
from erp.inventory.models import BulkPriceUpdate, ImportJob, PriceChange, ProductImage  # noqa: E402


@admin.register(PriceChange)
class PriceChangeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "product", "variant", "field", "old_value", "new_value", "source", "user"]
    list_filter = ["source", "field"]
    list_select_related = ["product", "variant", "user"]


@admin.register(BulkPriceUpdate)
class BulkPriceUpdateAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "category", "method", "direction", "amount", "product_count"]
    list_select_related = ["user", "category"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "file_name", "status", "total", "processed", "created", "updated", "error_count"]
    list_filter = ["status"]


@admin.register(ProductImage)
class ProductImageAdmin(ReadOnlyAdmin):
    list_display = ["product", "variant", "position", "width", "height", "created_at"]
    list_select_related = ["product", "variant"]
