from django.urls import path

from erp.cutting import views

app_name = "cutting"
urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("<int:pk>/", views.order_detail, name="order_detail"),
    path("<int:pk>/action/", views.order_action, name="order_action"),
    path("<int:pk>/print/", views.order_print, name="order_print"),
    path("items/<int:pk>/action/", views.item_action, name="item_action"),
]
