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
