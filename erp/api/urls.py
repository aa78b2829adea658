from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include(("erp.accounts.api_urls", "api-accounts"))),
    path("api/v1/", include(("erp.inventory.api_urls", "api-inventory"))),
    path("api/v1/", include(("erp.customers.api_urls", "api-customers"))),
]
urlpatterns += [path("api/v1/", include(("erp.orders.api_urls", "api-orders")))]
urlpatterns += [
    path("api/v1/", include((f"erp.{app}.api_urls", f"api-{app}")))
    for app in ("inspections", "cutting", "manufacturing", "installations", "complaints")
]
urlpatterns += [path("api/v1/", include(("erp.notifications.api_urls", "api-notifications")))]
