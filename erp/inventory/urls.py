from django.urls import path

from erp.inventory import views

app_name = "inventory"

urlpatterns = [
    path("products/", views.product_list, name="product_list"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("warehouses/", views.warehouse_list, name="warehouse_list"),
    path("movements/", views.movement_list, name="movement_list"),
]

# Stock operations (erp/inventory/ops_views.py)
from erp.inventory import ops_views  # noqa: E402

urlpatterns += [
    path("transfers/", ops_views.transfer_list, name="transfer_list"),
    path("transfers/new/", ops_views.transfer_create, name="transfer_create"),
    path("transfers/<int:pk>/", ops_views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/action/", ops_views.transfer_action, name="transfer_action"),
    path("transfers/<int:pk>/print/", ops_views.transfer_print, name="transfer_print"),
    path("lines/row/", ops_views.line_row, name="line_row"),
    path("suppliers/", ops_views.supplier_list, name="supplier_list"),
    path("suppliers/new/", ops_views.supplier_create, name="supplier_create"),
    path("suppliers/<int:pk>/edit/", ops_views.supplier_update, name="supplier_update"),
    path("purchase-orders/", ops_views.po_list, name="po_list"),
    path("purchase-orders/new/", ops_views.po_create, name="po_create"),
    path("purchase-orders/<int:pk>/", ops_views.po_detail, name="po_detail"),
    path("purchase-orders/<int:pk>/edit/", ops_views.po_update, name="po_update"),
    path("purchase-orders/<int:pk>/action/", ops_views.po_action, name="po_action"),
    path("purchase-orders/<int:pk>/receive/", ops_views.po_receive, name="po_receive"),
    path("purchase-orders/<int:pk>/print/", ops_views.po_print, name="po_print"),
    path("counts/", ops_views.count_list, name="count_list"),
    path("counts/new/", ops_views.count_create, name="count_create"),
    path("counts/<int:pk>/", ops_views.count_detail, name="count_detail"),
    path("counts/<int:pk>/action/", ops_views.count_action, name="count_action"),
    path("adjustments/", ops_views.adjustment_list, name="adjustment_list"),
    path("adjustments/new/", ops_views.adjustment_create, name="adjustment_create"),
    path("alerts/", ops_views.alert_list, name="alert_list"),
]

# Catalogue data: edits, bulk prices, images, Excel import (erp/inventory/catalogue_views.py).
from erp.inventory import catalogue_views  # noqa: E402

urlpatterns += [
    path("products/<int:pk>/edit/", catalogue_views.product_update, name="product_update"),
    path("variants/<int:pk>/edit/", catalogue_views.variant_update, name="variant_update"),
    path("prices/bulk/", catalogue_views.bulk_price, name="bulk_price"),
    path("prices/bulk/history/", catalogue_views.bulk_price_list, name="bulk_price_list"),
    path("prices/bulk/<int:pk>/", catalogue_views.bulk_price_detail, name="bulk_price_detail"),
    path("products/<int:pk>/images/", catalogue_views.product_image_upload, name="product_image_upload"),
    path("images/<int:pk>/file/<str:size>/", catalogue_views.product_image_file, name="product_image_file"),
    path(
        "products/<int:product_pk>/images/<int:pk>/delete/",
        catalogue_views.product_image_delete,
        name="product_image_delete",
    ),
    path(
        "products/<int:product_pk>/images/<int:pk>/move/", catalogue_views.product_image_move, name="product_image_move"
    ),
    path("imports/", catalogue_views.import_list, name="import_list"),
    path("imports/template.xlsx", catalogue_views.import_template, name="import_template"),
    path("imports/export.xlsx", catalogue_views.catalogue_export, name="catalogue_export"),
    path("imports/<int:pk>/", catalogue_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/status/", catalogue_views.import_status, name="import_status"),
    path("imports/<int:pk>/confirm/", catalogue_views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/errors.xlsx", catalogue_views.import_errors_xlsx, name="import_errors_xlsx"),
]
