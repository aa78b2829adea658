from django.urls import path

from erp.manufacturing import apis

urlpatterns = [
    path("manufacturing-orders/", apis.FactoryOrderListApi.as_view(), name="order-list"),
    path("manufacturing-orders/<int:pk>/", apis.FactoryOrderDetailApi.as_view(), name="order-detail"),
    path(
        "manufacturing-orders/<int:pk>/transition/", apis.FactoryOrderTransitionApi.as_view(), name="order-transition"
    ),
    path("manufacturing-orders/fabric-receipts/", apis.FabricReceiptApi.as_view(), name="fabric-receipt"),
    path("production-lines/", apis.ProductionLineListApi.as_view(), name="line-list"),
]
