from django.urls import path

from erp.orders import apis

urlpatterns = [
    path("orders/", apis.OrderListApi.as_view(), name="order-list"),
    path("orders/<int:pk>/", apis.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<int:pk>/transition/", apis.OrderTransitionApi.as_view(), name="order-transition"),
    path("orders/<int:pk>/items/", apis.OrderItemListApi.as_view(), name="order-items"),
    path("orders/<int:pk>/payments/", apis.OrderPaymentListApi.as_view(), name="order-payments"),
    path("orders/<int:pk>/timeline/", apis.OrderTimelineApi.as_view(), name="order-timeline"),
    path("payments/", apis.PaymentListApi.as_view(), name="payment-list"),
    path("promo-codes/", apis.PromoCodeListApi.as_view(), name="promo-code-list"),
    path("promo-codes/<int:pk>/cancel/", apis.PromoCodeCancelApi.as_view(), name="promo-code-cancel"),
]
