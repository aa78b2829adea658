from django.urls import path

from erp.inventory import views

app_name = "inventory"

urlpatterns = [
    path("products/", views.product_list, name="product_list"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("warehouses/", views.warehouse_list, name="warehouse_list"),
    path("movements/", views.movement_list, name="movement_list"),
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
