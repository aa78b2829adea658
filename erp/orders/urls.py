from django.urls import path

from erp.orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("type/<str:order_type>/", views.order_list, name="order_list_type"),
    path("<int:pk>/", views.order_detail, name="order_detail"),
    path("<int:pk>/transition/", views.order_transition_view, name="order_transition"),
    path("<int:pk>/payments/", views.payment_add, name="payment_add"),
    path("<int:pk>/invoice/", views.order_invoice, name="order_invoice"),
    path("<int:pk>/contract/", views.order_contract, name="order_contract"),
    path("promo-codes/", views.promo_list, name="promo_list"),
    path("promo-codes/<int:pk>/cancel/", views.promo_cancel, name="promo_cancel"),
]

# The customer page's additions (erp/orders/customer_views.py).
from erp.orders import customer_views  # noqa: E402

urlpatterns += [
    path("payments/<int:pk>/receipt/", customer_views.payment_receipt, name="payment_receipt"),
]
