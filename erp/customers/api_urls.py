from django.urls import path

from erp.customers import apis

urlpatterns = [
    path("customers/", apis.CustomerListApi.as_view(), name="customer-list"),
    path("customers/<int:pk>/", apis.CustomerDetailApi.as_view(), name="customer-detail"),
    path("customer-types/", apis.CustomerTypeListApi.as_view(), name="customer-type-list"),
]
