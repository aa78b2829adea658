from django.urls import path

from erp.cutting import apis

urlpatterns = [
    path("cutting-orders/", apis.CuttingOrderListApi.as_view(), name="cutting-order-list"),
    path("cutting-orders/<int:pk>/", apis.CuttingOrderDetailApi.as_view(), name="cutting-order-detail"),
    path(
        "cutting-orders/<int:pk>/transition/",
        apis.CuttingOrderTransitionApi.as_view(),
        name="cutting-order-transition",
    ),
    path("cutting-items/<int:pk>/transition/", apis.CutItemTransitionApi.as_view(), name="cutting-item-transition"),
]
