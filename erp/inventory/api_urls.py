from django.urls import path

from erp.inventory import apis

urlpatterns = [
    path("categories/", apis.CategoryListApi.as_view(), name="category-list"),
    path("products/", apis.ProductListApi.as_view(), name="product-list"),
    path("products/<int:pk>/", apis.ProductDetailApi.as_view(), name="product-detail"),
    path("variants/", apis.VariantListApi.as_view(), name="variant-list"),
    path("warehouses/", apis.WarehouseListApi.as_view(), name="warehouse-list"),
    path("warehouses/<int:pk>/", apis.WarehouseDetailApi.as_view(), name="warehouse-detail"),
    path("stock/", apis.StockListApi.as_view(), name="stock-list"),
    path("stock-movements/", apis.StockMovementListApi.as_view(), name="stock-movement-list"),
    path("transfers/", apis.TransferListApi.as_view(), name="transfer-list"),
    path("transfers/<int:pk>/", apis.TransferDetailApi.as_view(), name="transfer-detail"),
    path("transfers/<int:pk>/transition/", apis.TransferTransitionApi.as_view(), name="transfer-transition"),
]

# Catalogue data (erp/inventory/catalogue_apis.py).
from erp.inventory import catalogue_apis  # noqa: E402

urlpatterns += [
    path(
        "products/<int:pk>/price-history/",
        catalogue_apis.ProductPriceHistoryApi.as_view(),
        name="product-price-history",
    ),
    path("bulk-price-updates/", catalogue_apis.BulkPriceUpdateListApi.as_view(), name="bulk-price-update-list"),
    path("import-jobs/<int:pk>/", catalogue_apis.ImportJobDetailApi.as_view(), name="import-job-detail"),
]
