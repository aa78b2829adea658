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

# Stock operations (erp/inventory/ops_apis.py)
from erp.inventory import ops_apis  # noqa: E402

urlpatterns += [
    path("suppliers/", ops_apis.SupplierListApi.as_view(), name="supplier-list"),
    path("suppliers/<int:pk>/", ops_apis.SupplierDetailApi.as_view(), name="supplier-detail"),
    path("purchase-orders/", ops_apis.PurchaseOrderListApi.as_view(), name="purchase-order-list"),
    path("purchase-orders/<int:pk>/", ops_apis.PurchaseOrderDetailApi.as_view(), name="purchase-order-detail"),
    path(
        "purchase-orders/<int:pk>/transition/",
        ops_apis.PurchaseOrderTransitionApi.as_view(),
        name="purchase-order-transition",
    ),
    path("purchase-orders/<int:pk>/receipts/", ops_apis.PurchaseReceiptApi.as_view(), name="purchase-order-receipts"),
    path("stock-counts/", ops_apis.StockCountListApi.as_view(), name="stock-count-list"),
    path("stock-counts/<int:pk>/", ops_apis.StockCountDetailApi.as_view(), name="stock-count-detail"),
    path("stock-counts/<int:pk>/lines/", ops_apis.StockCountLinesApi.as_view(), name="stock-count-lines"),
    path(
        "stock-counts/<int:pk>/transition/", ops_apis.StockCountTransitionApi.as_view(), name="stock-count-transition"
    ),
    path("stock-adjustments/", ops_apis.StockAdjustmentListApi.as_view(), name="stock-adjustment-list"),
    path("stock-alerts/", ops_apis.StockAlertListApi.as_view(), name="stock-alert-list"),
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
