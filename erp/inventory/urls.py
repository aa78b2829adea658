from django.urls import path

from erp.inventory import views

app_name = "inventory"

urlpatterns = [
    path("products/", views.product_list, name="product_list"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("warehouses/", views.warehouse_list, name="warehouse_list"),
    path("movements/", views.movement_list, name="movement_list"),
]
